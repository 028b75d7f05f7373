"""Role x route matrix, driven by khata.routes: every protected route refuses a request without a
valid token of its app (401), and every route reserved to a role refuses the other roles (403).
A route added to any app is in these tests at the next run."""
import pytest

from security.conftest import receivables_path, route_id, routes, send

ROUTES = routes()

# Routes any anonymous client may call (the specs: "Authentication: None (Public)", logins).
PUBLIC = {
    ('wallet', 'POST', '/api/auth/consumer/register'),
    ('wallet', 'POST', '/api/auth/consumer/login'),
    ('wallet', 'POST', '/api/auth/agent/register'),
    ('wallet', 'POST', '/api/auth/agent/login'),
    ('wallet', 'POST', '/api/auth/admin/login'),
    ('wallet', 'GET', '/api/config/public'),
    ('bills', 'POST', '/biller/login/'),
    ('receivables', 'POST', '/api/auth/login'),
}
# Routes khatad lets through without a token whose handler needs a caller all the same (the
# biller's proxy authenticates with its API key, or the biller with its token).
NEEDS_CALLER = {
    ('bills', 'POST', '/transaction/'),
    ('bills', 'GET', '/transaction/:id'),
    ('bills', 'PATCH', '/transaction/:id'),
}
PROTECTED = [r for r in ROUTES if r[3] != 'none' or r[:3] in NEEDS_CALLER]

# The wallet spec's "Consumer Token Only" and "Agent Token Only" routes.
WALLET_CONSUMER_ONLY = {'/api/transactions/send-money', '/api/transactions/cash-out',
                        '/api/transactions/billers', '/api/transactions/pay-bill',
                        '/api/transactions/bill-payments'}
WALLET_AGENT_ONLY = {'/api/transactions/cash-in'}


def wallet_role(path):
    """The role a wallet route is reserved to: admin, consumer, agent, or user (either)."""
    if path.startswith('/api/admin/') or (path.startswith('/api/auth/admin/')
                                          and path != '/api/auth/admin/login'):
        return 'admin'
    if path in WALLET_CONSUMER_ONLY:
        return 'consumer'
    if path in WALLET_AGENT_ONLY or path.startswith('/api/agents/'):
        return 'agent'
    return 'user'


WALLET_TOKEN_ROUTES = [r for r in ROUTES if r[0] == 'wallet' and r[3] != 'none']
WALLET_ADMIN_ROUTES = [r for r in WALLET_TOKEN_ROUTES if wallet_role(r[2]) == 'admin']
WALLET_CONSUMER_ROUTES = [r for r in WALLET_TOKEN_ROUTES if wallet_role(r[2]) == 'consumer']
WALLET_AGENT_ROUTES = [r for r in WALLET_TOKEN_ROUTES if wallet_role(r[2]) == 'agent']
# Routes of either a consumer or an agent; an admin may also read any transaction.
WALLET_USER_ROUTES = [r for r in WALLET_TOKEN_ROUTES
                      if wallet_role(r[2]) == 'user' and r[2] != '/api/transactions/:id']


@pytest.fixture(scope='module')
def app_tokens(wallet_world, bills_world, receivables_world):
    return {'wallet': wallet_world['alice'].token, 'bills': bills_world['x']['token'],
            'receivables': receivables_world['Admin']['token']}


def test_the_routes_are_read_from_khata_routes():
    assert {r[0] for r in ROUTES} == {'wallet', 'bills', 'receivables'}
    assert len([r for r in ROUTES if r[0] == 'wallet']) >= 57
    assert ('wallet', 'GET', '/api/admin/analytics/dashboard', 'token') in ROUTES


def test_every_route_without_a_token_is_known_to_be_public_or_to_check_its_caller():
    unclassified = [r for r in ROUTES if r[3] == 'none' and r[:3] not in PUBLIC | NEEDS_CALLER]
    assert unclassified == [], 'classify these routes in PUBLIC or NEEDS_CALLER'
    assert all(r[3] in ('none', 'token', 'refresh') for r in ROUTES)


def test_the_wallet_routes_reserved_to_a_role_exist():
    served = {r[2] for r in WALLET_TOKEN_ROUTES}
    assert WALLET_CONSUMER_ONLY <= served and WALLET_AGENT_ONLY <= served
    assert len(WALLET_ADMIN_ROUTES) >= 30


@pytest.mark.parametrize('route', PROTECTED, ids=route_id)
def test_a_protected_route_without_valid_credentials_is_401(base_url, paths, route):
    app, method, _, _ = route
    for headers in ({}, {'Authorization': 'Bearer'}, {'Authorization': 'Bearer not.a.token'},
                    {'Authorization': 'Basic dXNlcjpwYXNz'}, {'Authorization': 'bearer  '}):
        r = send(base_url, app, method, paths(route), headers=headers)
        assert r.status_code == 401, (headers, r.status_code, r.text)


@pytest.mark.parametrize('route', PROTECTED, ids=route_id)
def test_a_protected_route_refuses_a_token_of_another_app(base_url, paths, app_tokens, route):
    app, method, _, _ = route
    for other, token in app_tokens.items():
        if other != app:
            r = send(base_url, app, method, paths(route), token=token)
            assert r.status_code == 401, (other, r.status_code, r.text)


@pytest.mark.parametrize('route', WALLET_ADMIN_ROUTES, ids=route_id)
def test_wallet_admin_route_refuses_consumer_and_agent_tokens(base_url, paths, wallet_world,
                                                               route):
    # The spec answers these "401 Unauthorized - Invalid or missing admin token"; a 403 would
    # do as well. Never a 2xx, never data.
    _, method, _, _ = route
    for who in ('alice', 'agent'):
        r = send(base_url, 'wallet', method, paths(route), token=wallet_world[who].token)
        assert r.status_code in (401, 403), (who, r.status_code, r.text)
        assert r.json()['success'] is False and 'data' not in r.json()


@pytest.mark.parametrize('route', WALLET_CONSUMER_ROUTES, ids=route_id)
def test_wallet_consumer_only_route_refuses_an_agent(base_url, paths, wallet_world, route):
    r = send(base_url, 'wallet', route[1], paths(route), token=wallet_world['agent'].token)
    assert r.status_code == 403, r.text


@pytest.mark.parametrize('route', WALLET_AGENT_ROUTES, ids=route_id)
def test_wallet_agent_only_route_refuses_a_consumer(base_url, paths, wallet_world, route):
    r = send(base_url, 'wallet', route[1], paths(route), token=wallet_world['alice'].token)
    assert r.status_code == 403, r.text


def test_wallet_cash_in_by_a_consumer_moves_nothing(base_url, wallet_world):
    alice, bob = wallet_world['alice'], wallet_world['bob']
    before = bob.balance(), alice.balance()
    r = alice.post('/api/transactions/cash-in', json={'consumerIdentifier': bob.phone,
                                                      'amount': 100})
    assert r.status_code == 403, r.text
    assert (bob.balance(), alice.balance()) == before


def test_bills_a_biller_token_cannot_create_a_transaction(base_url, bills_world):
    x = bills_world['x']
    r = send(base_url, 'bills', 'POST', '/transaction/', token=x['token'],
             json={'amount': 10, 'type': 'UPI', 'billerId': x['billerId'],
                   'customerIdentifier': x['customerIdentifier'], 'transactionRefId': 'sec-t'})
    assert r.status_code == 401, r.text


@pytest.mark.parametrize('route', [r for r in ROUTES if r[0] == 'bills' and r[3] == 'token'],
                         ids=route_id)
def test_bills_an_api_key_is_not_a_token(base_url, paths, bills_world, route):
    r = send(base_url, 'bills', route[1], paths(route),
             headers={'X-API-Key': bills_world['x']['apiKey'],
                      'Authorization': 'Bearer ' + bills_world['x']['apiKey']})
    assert r.status_code == 401, r.text


@pytest.mark.parametrize('role', ['Engineer', 'Manager'])
def test_receivables_upload_is_refused_below_country_manager(base_url, receivables_world, role):
    import receivables_support
    before = receivables_support.run_sql('SELECT count(*) FROM receivables.uploads')[0][0]
    r = receivables_support.upload(receivables_world[role]['session'], base_url,
                                   [['SEC-C', 'Sec', 'Pune', 'SEC-I', '2026-01-10', 5, 0, 'X']],
                                   'March', '2026-27')
    assert r.status_code == 403, r.text
    assert receivables_support.run_sql('SELECT count(*) FROM receivables.uploads')[0][0] == before


def test_receivables_an_engineer_cannot_assign_engineers(base_url, receivables_world):
    w = receivables_world
    engineer = w['Engineer']
    path = receivables_path(w, '/api/customers/:id/assign-engineer')
    r = send(base_url, 'receivables', 'PUT', path, token=engineer['token'],
             json={'engineerId': engineer['id']})
    assert r.status_code == 403, r.text
    customers = w['Admin']['session'].get(base_url + '/receivables/api/customers').json()
    c1 = next(c for c in customers if c['id'] == w['customers']['C1'])
    assert (c1['assignedEngineer'] or {}).get('id') != engineer['id']


@pytest.mark.parametrize('route', WALLET_CONSUMER_ROUTES + WALLET_AGENT_ROUTES, ids=route_id)
def test_wallet_an_admin_token_is_no_consumer_or_agent(base_url, paths, wallet_world, route):
    """An admin has no wallet: routes reserved to a consumer or an agent refuse its token with a
    403 (authenticated, not authorized), as the spec's status table has it."""
    r = send(base_url, 'wallet', route[1], paths(route), token=wallet_world['admin'].token)
    assert r.status_code == 403, r.text
    assert r.json()['success'] is False and r.json()['message'].startswith('Access denied.')


@pytest.mark.parametrize('route', WALLET_USER_ROUTES, ids=route_id)
def test_wallet_an_admin_token_on_a_user_route_is_403(base_url, paths, wallet_world, route):
    r = send(base_url, 'wallet', route[1], paths(route), token=wallet_world['admin'].token)
    assert r.status_code == 403, r.text
    # "User credentials", or "Consumer credentials" on a route that only a consumer may use.
    assert r.json()['success'] is False and r.json()['message'].startswith('Access denied.')
