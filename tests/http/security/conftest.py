"""The security suite's shared parts: a scan of every response these tests receive, the routes
as khatad serves them (read from khata.routes, so a new route is covered without a list to keep),
and one small world per app (users, tokens, objects) made once per run."""
import json
import os
import re
import uuid

import pytest
import requests

import bills_support
import receivables_support
from conftest import run_sql
from wallet import helpers as wallet

APPS = ('wallet', 'bills', 'receivables')

# -- The response scan ----------------------------------------------------------------------

# What no response may ever carry: a password hash, a hash's field name, or the text of an SQL
# error (a handler's exception reaching the client verbatim).
LEAK_PATTERNS = [
    (re.compile(r'\$2[abxy]\$\d\d\$'), 'a bcrypt hash'),
    (re.compile(r'password_?hash', re.I), 'a password hash field'),
    (re.compile(r'syntax error'), 'SQL error text (syntax error)'),
    (re.compile(r'ERROR:'), 'SQL error text (ERROR:)'),
    (re.compile(r'SQLSTATE'), 'an SQLSTATE'),
    (re.compile(r'relation "'), 'SQL error text (relation ")'),
    (re.compile(r'violates'), 'SQL error text (violates)'),
    (re.compile(r'\bpg_'), 'a PostgreSQL name (pg_)'),
    (re.compile(r'PL/pgSQL'), 'PL/pgSQL text'),
    (re.compile(r'CONTEXT:'), 'SQL error context'),
]


def json_strings(value):
    """Every string (keys too) of a decoded JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from json_strings(v)


def leaks(text):
    """The leak patterns found in one response body, as (what, excerpt) pairs: in the body as
    sent and, for JSON, in its strings unescaped (a quote is \" on the wire)."""
    texts = [text]
    try:
        texts += list(json_strings(json.loads(text)))
    except ValueError:
        pass
    found = []
    for pattern, what in LEAK_PATTERNS:
        for t in texts:
            m = pattern.search(t)
            if m:
                found.append((what, t[max(0, m.start() - 60):m.end() + 60]))
                break
    return found


class ResponseRecorder:
    """Keeps every response body received through requests (every call of requests, a Session
    or the helpers goes through Session.send) while it is installed."""

    def __init__(self):
        self.responses = []

    def install(self, monkeypatch):
        original = requests.Session.send
        recorder = self

        def send(session, request, **kw):
            response = original(session, request, **kw)
            recorder.responses.append((request.method, request.url, response.status_code,
                                       response.content.decode('utf-8', 'replace')))
            return response

        monkeypatch.setattr(requests.Session, 'send', send)

    def findings(self):
        out = []
        for method, url, status, body in self.responses:
            for what, excerpt in leaks(body):
                out.append(f'{method} {url} -> {status}: {what}: ...{excerpt}...')
        return out


@pytest.fixture(autouse=True)
def response_scan(monkeypatch):
    """Every test of this suite: no response it received leaks a hash or SQL error text."""
    recorder = ResponseRecorder()
    recorder.install(monkeypatch)
    yield recorder
    findings = recorder.findings()
    assert not findings, 'responses leaked:\n' + '\n'.join(findings)


# -- Routes ---------------------------------------------------------------------------------

def routes(app=None):
    """(app, method, path, auth) of every route khatad serves for the real apps."""
    rows = run_sql("SELECT app, method, path, auth FROM khata.routes ORDER BY app, path, method")
    return [r for r in rows if r[0] in APPS and (app is None or r[0] == app)]


def route_id(route):
    return f'{route[0]}:{route[1]}:{route[2]}'


def app_base(base_url, app):
    return base_url + '/' + app


def send(base_url, app, method, path, token=None, json=None, headers=None, **kw):
    """One request to an app; POST/PUT/PATCH carry an empty-but-valid JSON object body."""
    h = dict(headers or {})
    if token:
        h['Authorization'] = 'Bearer ' + token
    if json is None and method in ('POST', 'PUT', 'PATCH'):
        json = {}
    return requests.request(method, app_base(base_url, app) + path, json=json, headers=h,
                            timeout=30, **kw)


def fill(path, params):
    """The path with each :name replaced by params[name] (a plausible, existing id)."""
    return re.sub(r':([A-Za-z]+)', lambda m: str(params[m.group(1)]), path)


def unique(prefix):
    return f'{prefix}-{uuid.uuid4().hex[:10]}'


# -- The worlds -----------------------------------------------------------------------------

BANK = {'bankName': 'Dutch Bangla Bank', 'accountNumber': '1234567890123456',
        'accountHolderName': 'Marker Holder', 'routingNumber': '090271044',
        'transferType': 'INSTANT'}


def wallet_biller():
    code = 'S-' + uuid.uuid4().hex[:10].upper()
    pid = uuid.uuid4().hex[:8].upper()
    run_sql(f"""INSERT INTO wallet.billers (public_id, name, biller_code, bill_type, status)
                VALUES ('{pid}', 'Security Biller {code}', '{code}', 'ELECTRICITY', 'ACTIVE')""")
    return pid


@pytest.fixture(scope='session')
def wallet_world(base_url):
    """Two consumers, an agent and an admin; the first consumer (alice) has sent money, paid a
    bill and made a bank transfer, each of an amount no one else uses (the markers)."""
    alice = wallet.new_consumer(base_url, fund=5000)
    bob = wallet.new_consumer(base_url, fund=1000)
    agent = wallet.new_agent(base_url, fund=5000)
    admin = wallet.new_admin(base_url)
    biller = wallet_biller()
    w = {'alice': alice, 'bob': bob, 'agent': agent, 'admin': admin, 'biller': biller}

    r = alice.post('/api/transactions/send-money',
                   json={'recipientIdentifier': bob.phone, 'amount': 123.47,
                         'description': 'marker note'})
    assert r.status_code == 200, r.text
    w['send_id'] = r.json()['data']['transaction']['id']

    r = alice.post('/api/bank/transfer', json={**BANK, 'amount': 211.33})
    assert r.status_code == 201, r.text
    w['transfer_id'] = r.json()['data']['id']

    r = alice.post('/api/transactions/pay-bill',
                   json={'billerId': biller, 'accountNumber': '7777000111', 'amount': 317.21,
                         'billingMonth': 'January', 'billingYear': 2026})
    assert r.status_code == 201, r.text
    w['bill_payment'] = r.json()['data']
    return w


@pytest.fixture(scope='session')
def wallet_params(wallet_world):
    """Existing ids for every path parameter of the wallet's routes."""
    w = wallet_world
    agent_id = run_sql(f"SELECT a.id FROM wallet.agents a JOIN wallet.users u ON u.id = a.user_id "
                       f"WHERE u.public_id = '{w['agent'].id}'")[0][0]
    return {'/api/admin/agents/': {'id': agent_id},
            '/api/admin/consumers/': {'id': w['bob'].id},
            '/api/admin/billers/': {'id': w['biller']},
            '/api/admin/config/': {'key': 'app_version'},
            '/api/transactions/': {'id': w['send_id']},
            '/api/bank/transfers/': {'id': w['transfer_id']}}


def wallet_path(params, path):
    for prefix, values in params.items():
        if path.startswith(prefix):
            return fill(path, values)
    return fill(path, {})


@pytest.fixture(scope='session')
def bills_world(base_url):
    """Two billers, each with a customer and its bills; the first (x) has a payment too."""
    app = app_base(base_url, 'bills')
    world = {}
    for name in ('x', 'y'):
        b = bills_support.new_biller()
        b['token'] = bills_support.login(app, b)
        k = b['k'] = uuid.uuid4().hex[:8]
        b['customerName'] = f'Marker {name.upper()} {k}'
        b['customerIdentifier'] = f'CUST-{k}'
        r = bills_support.upload(app, b['token'], b['billerId'], bills_support.csv_file([
            (b['customerName'], b['customerIdentifier'], f'BILL-{k}', '431.17', '2025-01-01',
             '2025-01-31', 'Jan')]))
        assert r.status_code == 200, r.text
        r = requests.get(app + '/customer/', headers=bills_support.auth(b['token']), timeout=30)
        b['customerId'] = next(c['_id'] for c in r.json()
                               if c['customerIdentifier'] == b['customerIdentifier'])
        world[name] = b
    x = world['x']
    r = requests.post(app + '/transaction/', headers={'X-API-Key': x['apiKey']}, timeout=30,
                      json={'amount': '97.13', 'type': 'UPI', 'billerId': x['billerId'],
                            'customerIdentifier': x['customerIdentifier'],
                            'transactionRefId': unique('ref'), 'refId': None})
    assert r.status_code == 201, r.text
    x['transactionId'] = r.json()['_id']
    return world


def bills_path(world, path, biller='x'):
    b = world[biller]
    return fill(path, {'billerId': b['billerId'], 'customerId': b['customerId'],
                       'id': b.get('transactionId', world['x']['transactionId'])})


@pytest.fixture(scope='session')
def receivables_world(base_url):
    """The shared April/May scenario, and a session of each role."""
    s = receivables_support.scenario(base_url)
    api = receivables_support.app_url(base_url)
    customers = s['admin'].get(api + '/customers').json()
    # The scenario's customers in the latest snapshot (its prefix is that of the run that
    # uploaded it, when this database has seen an earlier run).
    c1 = next(c['customerCode'] for c in customers if c['customerCode'].endswith('-C1'))
    prefix = c1[:-len('-C1')]
    ids = {c['customerCode'][len(prefix) + 1:]: c['id'] for c in customers
           if c['customerCode'].startswith(prefix + '-')}
    world = {'scenario': s, 'customers': ids, 'prefix': prefix}
    for role, region in (('Engineer', 'pune'), ('Manager', 'goa'), ('Country Manager', None)):
        uid, session = receivables_support.user_session(base_url, role, region)
        world[role] = {'id': uid, 'session': session,
                       'token': session.headers['Authorization'][len('Bearer '):]}
    world['Admin'] = {'id': s['admin_id'], 'session': s['admin'],
                      'token': s['admin'].headers['Authorization'][len('Bearer '):]}
    return world


def receivables_path(world, path, customer='C1'):
    """C1 is a Pune customer: outside the Goa Manager's sight, not assigned to the Engineer."""
    return fill(path, {'id': world['customers'][customer], 'customerId': world['customers'][customer],
                       'invoiceNumber': world['prefix'] + '-I1'})


@pytest.fixture(scope='session')
def keys():
    """khatad's key pair (the files make test made and handed to khatad)."""
    with open(os.environ['KHATAD_JWT_PRIVATE_KEY'], 'rb') as f:
        private = f.read()
    with open(os.environ['KHATAD_JWT_PUBLIC_KEY'], 'rb') as f:
        public = f.read()
    return private, public


def error_shape_ok(app, response):
    """Whether a 4xx body has the app's documented error shape: wallet {success: false,
    message}, bills {success: false, message, error}, receivables {error}."""
    try:
        body = response.json()
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    if app == 'receivables':
        return isinstance(body.get('error'), str)
    if app == 'bills':
        return isinstance(body.get('error'), str) or isinstance(body.get('message'), str)
    return body.get('success') is False and isinstance(body.get('message'), str)


@pytest.fixture(scope='session')
def caller(base_url, wallet_world, bills_world, receivables_world):
    """The headers that let a request reach a route's handler as a caller allowed there (the
    route's role; for logout, which would end the shared admin's sessions, an admin of its
    own, made again once a logout has ended its session)."""
    logout_admin = []

    def admin_for_logout():
        if not logout_admin or run_sql(
                "SELECT count(*) FROM wallet.admin_sessions s JOIN wallet.admins a "
                "ON a.id = s.admin_id WHERE s.revoked_at IS NULL "
                f"AND a.public_id = '{logout_admin[0].id}'")[0][0] == 0:
            logout_admin[:] = [wallet.new_admin(base_url)]
        return logout_admin[0].token

    def headers(route):
        app, method, path, _ = route
        if app == 'wallet':
            if path == '/api/auth/admin/logout':
                token = admin_for_logout()
            elif path.startswith('/api/admin/') or path.startswith('/api/auth/admin/'):
                token = wallet_world['admin'].token
            elif path == '/api/transactions/cash-in' or path.startswith('/api/agents/'):
                token = wallet_world['agent'].token
            else:
                token = wallet_world['alice'].token
            return {'Authorization': 'Bearer ' + token}
        if app == 'bills':
            if (method, path) == ('POST', '/transaction/'):
                return {'X-API-Key': bills_world['x']['apiKey']}
            return {'Authorization': 'Bearer ' + bills_world['x']['token']}
        return {'Authorization': 'Bearer ' + receivables_world['Admin']['token']}
    return headers


@pytest.fixture(scope='session')
def paths(wallet_params, bills_world, receivables_world):
    """A route's path with existing ids in it."""
    def path(route):
        app, _, p, _ = route
        if app == 'wallet':
            return wallet_path(wallet_params, p)
        if app == 'bills':
            return bills_path(bills_world, p)
        return receivables_path(receivables_world, p)
    return path
