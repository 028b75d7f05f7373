"""`make run` demo data: wallet.load_demo() loads the spec's test accounts, billers and card."""
from conftest import run_sql
from wallet.helpers import Client, login


def test_load_demo_is_idempotent_and_gives_working_accounts(base_url):
    run_sql('SELECT wallet.load_demo()')
    run_sql('SELECT wallet.load_demo()')
    assert run_sql("SELECT count(*) FROM wallet.users WHERE email IN ('user@test.com', 'agent@test.com')")[0][0] == 2
    admin = login(base_url, 'admin', 'admin@uiucash.com', 'Admin123!')
    assert admin['userType'] == 'Admin'
    agent = login(base_url, 'agent', 'agent@test.com', 'TestAgent123!')
    assert agent['profile']['agent']['agentCode'] == 'AG1234567'
    user = login(base_url, 'consumer', 'user@test.com', 'TestUser123!')
    c = Client(base_url, user['token'], user['profile'], 'user@test.com')
    billers = c.get('/api/transactions/billers').json()['data']['billers']
    assert {'BILLER01', 'BILLER02', 'BILLER03'} <= {b['id'] for b in billers}
    r = c.post('/api/transactions/add-money', json={'amount': 100, 'cardNumber': '4532123456789012',
                                                     'cardHolderName': 'John Doe', 'expiryMonth': '12',
                                                     'expiryYear': '28', 'cvv': '123'})
    assert r.status_code == 200, r.text
