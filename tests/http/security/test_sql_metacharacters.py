"""SQL metacharacters, odd unicode and very long strings in every string field of every route
that takes a body, in upload cells and form fields, and in search and filter parameters: the
answer is a 2xx or a 4xx, never a 500; no table loses a row; text is stored as sent; an
injected search matches nothing."""
import json
import uuid

import pytest
import requests

import bills_support
import receivables_support
from conftest import run_sql
from security.conftest import BANK, app_base, route_id, routes
from wallet import helpers as wallet

PAYLOADS = [
    "' OR 1=1 --",
    '"; DROP TABLE x; --',
    "Robert'); DELETE FROM wallet.users; --",
    '\\',
    '%_',
    "$$; SELECT now(); $$",
    'Ünïcødé ✓ 🙂 مرحبا 中文',
    'x' * 10000,
]
GUARDED_TABLES = ['wallet.users', 'wallet.transactions', 'wallet.billers', 'wallet.admins',
                  'khata.journals', 'khata.accounts', 'khata.documents', 'khata.payments', 'bills.billers',
                  'bills.customers', 'receivables.users', 'receivables.customers']


def counts():
    return dict(zip(GUARDED_TABLES, run_sql(
        'SELECT ' + ', '.join(f'(SELECT count(*) FROM {t})' for t in GUARDED_TABLES))[0]))


def assert_no_table_lost_rows(before):
    after = counts()
    lost = {t: (before[t], after[t]) for t in GUARDED_TABLES if after[t] < before[t]}
    assert not lost, lost


@pytest.fixture(scope='module')
def actors(base_url, wallet_world):
    rich = wallet.new_consumer(base_url, fund=20000)
    agent = wallet.new_agent(base_url, fund=20000)
    return {'rich': rich, 'agent': agent}


def templates(base_url, w, actors, bills_world, receivables_world):
    """(app, method, path) -> a function giving (path with ids, headers, a valid body); every
    string field of the body is then replaced by each payload in turn."""
    alice, bob, admin = w['alice'], w['bob'], w['admin']
    rich, agent = actors['rich'], actors['agent']
    x = bills_world['x']
    rw = receivables_world
    c2 = rw['customers']['C2']

    def bearer(token):
        return {'Authorization': 'Bearer ' + token}

    made = {}

    def fresh(kind, purpose):
        """One principal per purpose, made on first use (a change of password or a logout
        must not touch the shared ones)."""
        if (kind, purpose) not in made:
            make = {'consumer': wallet.new_consumer, 'agent': wallet.new_agent,
                    'admin': wallet.new_admin}[kind]
            made[kind, purpose] = bearer(make(base_url).token)
        return made[kind, purpose]

    def pending_agent():
        body = wallet.agent_body()
        r = requests.post(wallet.url(base_url, '/api/auth/agent/register'), json=body, timeout=30)
        return r.json()['data']['agent']['id']

    password = {'currentPassword': 'SecurePass123!', 'newPassword': 'NewSecure123!',
                'confirmPassword': 'NewSecure123!'}
    admin_password = {'currentPassword': 'AdminPass123!', 'newPassword': 'NewAdmin123!',
                      'confirmPassword': 'NewAdmin123!'}
    biller_fields = {'name': 'Probe Biller', 'billType': 'ELECTRICITY',
                     'contactEmail': 'probe@example.com', 'contactPhone': '01711111111',
                     'description': 'probe', 'logoUrl': 'https://example.com/logo.png'}
    rx = bearer(rw['Admin']['token'])
    return {
        ('wallet', 'POST', '/api/auth/consumer/register'):
            lambda: ('/api/auth/consumer/register', {}, wallet.consumer_body(
                dateOfBirth='1995-05-15', nidNumber='1234567890')),
        ('wallet', 'POST', '/api/auth/consumer/login'):
            lambda: ('/api/auth/consumer/login', {},
                     {'identifier': alice.email, 'password': 'Wrong123!x'}),
        ('wallet', 'POST', '/api/auth/agent/register'):
            lambda: ('/api/auth/agent/register', {}, wallet.agent_body()),
        ('wallet', 'POST', '/api/auth/agent/login'):
            lambda: ('/api/auth/agent/login', {},
                     {'identifier': agent.email, 'password': 'Wrong123!x'}),
        ('wallet', 'POST', '/api/auth/admin/login'):
            lambda: ('/api/auth/admin/login', {},
                     {'email': admin.email, 'password': 'Wrong123!x'}),
        ('wallet', 'PUT', '/api/auth/consumer/profile'):
            lambda: ('/api/auth/consumer/profile', bearer(rich.token),
                     {'firstName': 'Rich', 'lastName': 'Probe', 'dateOfBirth': '1990-01-01'}),
        ('wallet', 'PUT', '/api/auth/consumer/change-password'):
            lambda: ('/api/auth/consumer/change-password', fresh('consumer', 'password'), dict(password)),
        ('wallet', 'PUT', '/api/agents/auth/profile'):
            lambda: ('/api/agents/auth/profile', bearer(agent.token),
                     {'firstName': 'Agent', 'lastName': 'Probe', 'businessName': 'Probe Shop',
                      'businessAddress': '12 Probe Road, Dhaka'}),
        ('wallet', 'PUT', '/api/agents/auth/change-password'):
            lambda: ('/api/agents/auth/change-password', fresh('agent', 'password'), dict(password)),
        ('wallet', 'POST', '/api/admin/register'):
            lambda: ('/api/admin/register', bearer(admin.token),
                     {'email': wallet.unique_email('adm'), 'password': 'AdminPass123!',
                      'name': 'Probe Admin'}),
        ('wallet', 'POST', '/api/auth/admin/logout'):
            lambda: ('/api/auth/admin/logout', fresh('admin', 'logout'), {'reason': 'probe'}),
        ('wallet', 'PUT', '/api/auth/admin/change-password'):
            lambda: ('/api/auth/admin/change-password', fresh('admin', 'password'), dict(admin_password)),
        ('wallet', 'POST', '/api/transactions/add-money'):
            lambda: ('/api/transactions/add-money', bearer(rich.token),
                     {**wallet.card_body(50), 'description': 'probe'}),
        ('wallet', 'POST', '/api/transactions/send-money'):
            lambda: ('/api/transactions/send-money', bearer(rich.token),
                     {'recipientIdentifier': bob.phone, 'amount': 10, 'description': 'probe'}),
        ('wallet', 'POST', '/api/transactions/cash-out'):
            lambda: ('/api/transactions/cash-out', bearer(rich.token),
                     {'agentCode': agent.agent_code, 'amount': 50, 'description': 'probe'}),
        ('wallet', 'POST', '/api/transactions/cash-in'):
            lambda: ('/api/transactions/cash-in', bearer(agent.token),
                     {'consumerIdentifier': bob.phone, 'amount': 50, 'description': 'probe'}),
        ('wallet', 'POST', '/api/transactions/pay-bill'):
            lambda: ('/api/transactions/pay-bill', bearer(rich.token),
                     {'billerId': w['biller'], 'accountNumber': '12345', 'amount': 10,
                      'billingMonth': 'January', 'billingYear': 2026}),
        ('wallet', 'POST', '/api/bank/transfer'):
            lambda: ('/api/bank/transfer', bearer(rich.token), {**BANK, 'amount': 10}),
        ('wallet', 'POST', '/api/admin/consumers/list'):
            lambda: ('/api/admin/consumers/list', bearer(admin.token),
                     {'offset': 0, 'limit': 10, 'search': 'probe', 'status': 'ACTIVE',
                      'startDate': '2020-01-01', 'endDate': '2099-01-01'}),
        ('wallet', 'POST', '/api/admin/agents/list'):
            lambda: ('/api/admin/agents/list', bearer(admin.token),
                     {'offset': 0, 'limit': 10, 'search': 'probe', 'status': 'ACTIVE',
                      'startDate': '2020-01-01', 'endDate': '2099-01-01'}),
        ('wallet', 'PATCH', '/api/admin/consumers/:id/status'):
            lambda: (f'/api/admin/consumers/{rich.id}/status', bearer(admin.token),
                     {'status': 'ACTIVE', 'reason': 'probe reason'}),
        ('wallet', 'POST', '/api/admin/agents/:id/approve'):
            lambda: (f'/api/admin/agents/{pending_agent()}/approve', bearer(admin.token),
                     {'note': 'probe'}),
        ('wallet', 'POST', '/api/admin/agents/:id/reject'):
            lambda: (f'/api/admin/agents/{pending_agent()}/reject', bearer(admin.token),
                     {'reason': 'probe reason long enough'}),
        ('wallet', 'POST', '/api/admin/billers'):
            lambda: ('/api/admin/billers', bearer(admin.token),
                     {**biller_fields, 'billerCode': 'P_' + uuid.uuid4().hex[:10].upper()}),
        ('wallet', 'PUT', '/api/admin/billers/:id'):
            lambda: (f"/api/admin/billers/{w['biller']}", bearer(admin.token), biller_fields),
        ('wallet', 'PATCH', '/api/admin/billers/:id/status'):
            lambda: (f"/api/admin/billers/{w['biller']}/status", bearer(admin.token),
                     {'status': 'ACTIVE'}),
        ('wallet', 'POST', '/api/admin/config'):
            lambda: ('/api/admin/config', bearer(admin.token),
                     {'key': 'security_probe', 'value': 'probe', 'description': 'probe'}),
        ('wallet', 'PUT', '/api/admin/config/:key'):
            lambda: ('/api/admin/config/security_probe', bearer(admin.token),
                     {'value': 'probe', 'description': 'probe'}),
        ('bills', 'POST', '/biller/login/'):
            lambda: ('/biller/login/', {}, {'email': x['email'], 'password': 'wrong password'}),
        ('bills', 'POST', '/transaction/'):
            lambda: ('/transaction/', {'X-API-Key': x['apiKey']},
                     {'amount': '0.01', 'type': 'UPI', 'billerId': x['billerId'],
                      'customerIdentifier': x['customerIdentifier'],
                      'transactionRefId': 'meta-' + uuid.uuid4().hex, 'refId': 'none'}),
        ('bills', 'PATCH', '/transaction/:id'):
            lambda: (f"/transaction/{x['transactionId']}", bearer(x['token']),
                     {'status': 'completed'}),
        ('receivables', 'POST', '/api/auth/login'):
            lambda: ('/api/auth/login', {}, {'email': 'nobody@example.com',
                                             'password': 'wrong password'}),
        ('receivables', 'PUT', '/api/customers/:id/notes'):
            lambda: (f'/api/customers/{c2}/notes', rx, {'newNotes': 'probe'}),
        ('receivables', 'PUT', '/api/customers/:id/remark'):
            lambda: (f'/api/customers/{c2}/remark', rx, {'newRemark': 'none'}),
        ('receivables', 'PUT', '/api/customers/:id/assign-engineer'):
            lambda: (f'/api/customers/{c2}/assign-engineer', rx,
                     {'engineerId': rw['Engineer']['id']}),
        ('receivables', 'PUT', '/api/customers/:customerId/invoices/:invoiceNumber/dispute'):
            lambda: (f"/api/customers/{c2}/invoices/{rw['prefix']}-I3/dispute", rx,
                     {'newStatus': 'unpaid'}),
    }


# Routes whose body is a multipart upload: their cells and form fields are tested apart.
UPLOADS = {('bills', 'POST', '/customer/upload/:billerId'), ('receivables', 'POST', '/api/upload')}
BODY_ROUTES = [r for r in routes() if r[1] in ('POST', 'PUT', 'PATCH') and r[:3] not in UPLOADS]


@pytest.fixture(scope='module')
def bodies(base_url, wallet_world, actors, bills_world, receivables_world):
    return templates(base_url, wallet_world, actors, bills_world, receivables_world)


def test_every_route_with_a_body_has_a_template(bodies):
    assert [r for r in BODY_ROUTES if r[:3] not in bodies] == []


@pytest.mark.parametrize('route', BODY_ROUTES, ids=route_id)
def test_metacharacters_in_every_string_field_are_never_a_500(base_url, bodies, route):
    app, method = route[0], route[1]
    before = counts()
    path, headers, body = bodies[route[:3]]()
    fields = [k for k, v in body.items() if isinstance(v, str)]
    assert fields or route[2] == '/api/auth/admin/logout'
    wrong = []
    for field in fields:
        for payload in PAYLOADS:
            path, headers, body = bodies[route[:3]]()
            r = requests.request(method, app_base(base_url, app) + path, timeout=30,
                                 headers=headers, json={**body, field: payload})
            if r.status_code >= 500:
                wrong.append((field, payload[:40], r.status_code, r.text[:200]))
    assert not wrong, '\n'.join(map(str, wrong))
    assert_no_table_lost_rows(before)


def test_text_with_metacharacters_is_stored_exactly_as_sent(base_url):
    for payload in ("O'Brien OR 1=1 --", 'Ünïcødé ✓ 🙂', 'Back\\slash %_ "quoted"'):
        body = wallet.consumer_body(firstName=payload, lastName=payload[::-1])
        r = requests.post(wallet.url(base_url, '/api/auth/consumer/register'), json=body,
                          timeout=30)
        assert r.status_code == 201, r.text
        assert run_sql("SELECT first_name, last_name FROM wallet.users WHERE email = %s"
                       .replace('%s', "'" + body['email'] + "'")) == [(payload, payload[::-1])]
        data = wallet.login(base_url, 'consumer', body['email'], body['password'])
        assert (data['profile']['firstName'], data['profile']['lastName']) == \
            (payload, payload[::-1])


def test_an_injected_search_matches_no_row(base_url, wallet_world):
    admin = wallet_world['admin']
    token = uuid.uuid4().hex[:8]
    for path in ('/api/admin/consumers/list', '/api/admin/agents/list'):
        everyone = admin.post(path, json={'offset': 0, 'limit': 100})
        assert everyone.status_code == 200, everyone.text
        assert everyone.json()['data']['pagination']['total'] > 0
        for search in (f"{token}' OR '1'='1", f"%{token}' OR 1=1 --", f"{token}%",
                       f"_{token}", f"\\%{token}", f"{token}' UNION SELECT 1 --"):
            r = admin.post(path, json={'offset': 0, 'limit': 100, 'search': search})
            assert r.status_code in (200, 400), (path, search, r.text)
            if r.status_code == 200:
                assert r.json()['data']['pagination']['total'] == 0, (path, search)
        # A wildcard is a character like any other: only rows that contain it match.
        for wildcard in ('%', '_'):
            r = admin.post(path, json={'offset': 0, 'limit': 100, 'search': wildcard})
            assert r.status_code == 200, r.text
            rows = r.json()['data'].get('consumers') or r.json()['data'].get('agents') or []
            for row in rows:
                assert wildcard in json.dumps(row, ensure_ascii=False), row
    alice = wallet_world['alice']
    for search in (f"{token}' OR '1'='1", f"%{token}", f"_{token}"):
        r = alice.get('/api/transactions/billers', params={'search': search})
        assert r.status_code in (200, 400), r.text
        if r.status_code == 200:
            assert r.json()['data']['billers'] == [], search


def test_injected_filters_in_query_strings_match_nothing(base_url, wallet_world, bills_world,
                                                         receivables_world):
    alice = wallet_world['alice']
    for params in ({'type': "SEND_MONEY' OR 1=1 --"}, {'status': "' OR 1=1 --"},
                   {'type': '%'}, {'status': '_'}):
        r = alice.get('/api/transactions/history', params=params)
        assert r.status_code in (200, 400), r.text
        if r.status_code == 200:
            assert r.json()['data']['transactions'] == [], params
    y = bills_world['y']
    r = requests.get(app_base(base_url, 'bills') + '/customer/', timeout=30,
                     params={'billerId': "' OR 1=1 --"}, headers={'Authorization': 'Bearer ' + y['token']})
    assert r.status_code in (200, 400, 404), r.text
    assert bills_world['x']['customerName'] not in r.text
    manager = receivables_world['Manager']['session']
    for params in ({'region': "goa' OR 1=1 --"}, {'department': "' OR 1=1 --"},
                   {'month': "April' OR 1=1 --", 'financialYear': '2025-26'},
                   {'financialYear': "2025-26' OR 1=1 --"}):
        for path in ('/customers', '/invoice-tracker', '/dashboard'):
            r = manager.get(receivables_support.app_url(base_url) + path, params=params)
            assert r.status_code in (200, 400, 404), (path, params, r.text)
            assert 'Patil Infra' not in r.text, (path, params)


def test_metacharacters_in_upload_cells_are_stored_as_text(base_url, bills_world):
    x = bills_world['x']
    app = app_base(base_url, 'bills')
    k = uuid.uuid4().hex[:8]
    name = "Meta '); DROP TABLE bills.customers; -- \\ %_ ✓"
    before = counts()
    rows = [(f'"{name}"', f"M-{k}", f"B'{k}", '10', '2025-01-01', '2025-01-31', "Jan' OR 1=1")]
    r = bills_support.upload(app, x['token'], x['billerId'], bills_support.csv_file(rows))
    assert r.status_code == 200, r.text
    customers = requests.get(app + '/customer/', headers=bills_support.auth(x['token']),
                             timeout=30).json()
    mine = [c for c in customers if c['customerIdentifier'] == f'M-{k}']
    assert [c['customerName'] for c in mine] == [name]
    for cell in ("' OR 1=1 --", 'x' * 10000):
        r = bills_support.upload(app, x['token'], x['billerId'], bills_support.csv_file(
            [(cell, cell, cell, cell, cell, cell, cell)]))
        assert r.status_code in (200, 400, 422), r.text
    assert_no_table_lost_rows(before)


def test_metacharacters_in_upload_form_fields_are_refused(base_url, receivables_world):
    admin = receivables_world['Admin']['session']
    before = counts()
    for month, year in (("June' OR 1=1 --", '2025-26'), ('June', "2025-26'; DROP TABLE x; --"),
                        ('x' * 10000, '2025-26'), ('\\', '%_')):
        r = receivables_support.upload(admin, base_url, [['Q-C', 'Q', 'Pune', 'Q-I', '2025-06-01',
                                                         5, 0, 'X']], month, year)
        assert r.status_code == 400, (month[:20], year, r.text)
    assert_no_table_lost_rows(before)
