"""Fields a client may not set, sent anyway in register, profile, update and money bodies:
balance, role, status, verification flags, ids, fees. Nothing changes, read back through the
API and in the tables."""
import uuid

import requests

import receivables_support

from conftest import run_sql
from security.conftest import app_base, send
from wallet import helpers as wallet

FORBIDDEN = {
    'balance': 1000000, 'availableBalance': 1000000, 'walletBalance': 1000000,
    'role': 'ADMIN', 'userType': 'Admin', 'status': 'SUSPENDED', 'isVerified': True,
    'emailVerified': True, 'phoneVerified': True, 'id': 'ZZZZZZZZ', 'userId': 1,
    'public_id': 'ZZZZZZZZ', 'accountId': 1, 'account_id': 1, 'bookId': 1, 'book_id': 1,
    'dailyLimit': 999999999, 'monthlyLimit': 999999999, 'bonusGiven': True,
    'agentCode': 'AG0000001', 'approvedBy': 1, 'createdAt': '2000-01-01T00:00:00Z',
    'password_hash': 'x', 'passwordHash': 'x',
}


def user_row(email):
    return run_sql(f"""SELECT u.public_id, u.role, u.status, u.email_verified, u.phone_verified,
                              u.email, u.phone, r.posted, l.daily, l.monthly
                       FROM wallet.users u
                       CROSS JOIN LATERAL khata.account_row(u.account_id) r
                       LEFT JOIN khata.spending_limits l ON l.account_id = u.account_id
                       WHERE u.email = '{email}'""")[0]


def test_consumer_registration_ignores_balance_role_status_and_ids(base_url):
    body = wallet.consumer_body(**{k: v for k, v in FORBIDDEN.items() if k != 'role'})
    r = requests.post(wallet.url(base_url, '/api/auth/consumer/register'), json=body, timeout=30)
    assert r.status_code == 201, r.text
    user = r.json()['data']['user']
    assert (user['role'], user['status']) == ('CONSUMER', 'ACTIVE') and user['id'] != 'ZZZZZZZZ'
    public_id, role, status, ev, pv, *_, posted, daily, monthly = user_row(body['email'])
    assert (public_id, role, status, ev, pv) == (user['id'], 'CONSUMER', 'ACTIVE', False, False)
    assert posted in (0, 5000)  # the welcome bonus at most
    assert (daily, monthly) == (2500000, 10000000)
    data = wallet.login(base_url, 'consumer', body['email'], body['password'])
    assert data['profile']['id'] == user['id']


def test_consumer_registration_cannot_choose_admin(base_url):
    for role in ('ADMIN', 'Admin', 'SUPER_ADMIN'):
        body = wallet.consumer_body(role=role)
        r = requests.post(wallet.url(base_url, '/api/auth/consumer/register'), json=body,
                          timeout=30)
        assert r.status_code in (201, 400), r.text
        rows = run_sql(f"SELECT role FROM wallet.users WHERE email = '{body['email']}'")
        assert rows in ([], [('CONSUMER',)], [('AGENT',)]), rows
        assert run_sql(f"SELECT count(*) FROM wallet.admins WHERE email = '{body['email']}'") \
            == [(0,)]


def test_agent_registration_stays_pending_whatever_it_sends(base_url):
    body = wallet.agent_body(**FORBIDDEN, isApproved=True, approvedAt='2020-01-01')
    r = requests.post(wallet.url(base_url, '/api/auth/agent/register'), json=body, timeout=30)
    assert r.status_code == 201, r.text
    assert r.json()['data']['agent']['agentCode'] != 'AG0000001'
    _, role, status, ev, _, *_ = user_row(body['email'])
    assert (role, status, ev) == ('AGENT', 'PENDING', False)
    assert run_sql(f"SELECT a.approved_by FROM wallet.agents a JOIN wallet.users u "
                   f"ON u.id = a.user_id WHERE u.email = '{body['email']}'") == [(None,)]
    r = requests.post(wallet.url(base_url, '/api/auth/agent/login'),
                      json={'identifier': body['email'], 'password': body['password']},
                      timeout=30)
    assert r.status_code == 403, r.text


def test_profile_updates_change_only_the_profile_fields(base_url):
    c = wallet.new_consumer(base_url, fund=100)
    a = wallet.new_agent(base_url, fund=100)
    for who, path in ((c, '/api/auth/consumer/profile'), (a, '/api/agents/auth/profile')):
        before = user_row(who.email)
        balance = who.balance()
        extra = {**FORBIDDEN, 'email': 'taken-over@example.com', 'phone': '01799999999',
                 'firstName': 'Renamed'}
        r = who.put(path, json=extra)
        assert r.status_code == 200, r.text
        after = user_row(who.email)
        assert after == before, (before, after)
        assert who.balance() == balance
        profile = who.get('/api/auth/profile').json()['data']['user']
        assert profile['firstName'] == 'Renamed' and profile['email'] == who.email
        assert profile['status'] == 'ACTIVE' and profile['role'] in ('CONSUMER', 'AGENT')
    code = run_sql(f"SELECT a.agent_code FROM wallet.agents a JOIN wallet.users u "
                   f"ON u.id = a.user_id WHERE u.email = '{a.email}'")[0][0]
    assert code == a.agent_code


def test_money_bodies_cannot_set_fee_commission_or_sender(base_url, wallet_world):
    sender = wallet.new_consumer(base_url, fund=2000)
    bob, agent = wallet_world['bob'], wallet_world['agent']
    before = sender.balance()
    r = sender.post('/api/transactions/send-money', json={
        'recipientIdentifier': bob.phone, 'amount': 1001, 'fee': 0, 'totalAmount': 1,
        'senderId': bob.id, 'status': 'PENDING', 'transactionId': 'TXN-FORGED'})
    assert r.status_code == 200, r.text
    t = r.json()['data']['transaction']
    assert (t['fee'], t['amount'], t['status']) == (5, 1001, 'COMPLETED')
    assert t['transactionId'] != 'TXN-FORGED'
    assert sender.balance() == before - 1006
    before = sender.balance()
    r = sender.post('/api/transactions/cash-out', json={
        'agentCode': agent.agent_code, 'amount': 100, 'fee': 0, 'commission': 500,
        'agentCommission': 500, 'feeRate': 0})
    assert r.status_code in (200, 201), r.text
    fee = r.json()['data']['transaction']['fee']
    assert fee == 1.85 and sender.balance() == before - 101.85


def test_admin_biller_update_ignores_ids_and_balance(base_url, wallet_world):
    # status is not in this body: the spec lets an admin's update set it (tests/http/wallet).
    admin, biller = wallet_world['admin'], wallet_world['biller']
    before = run_sql(f"SELECT id, status, public_id FROM wallet.billers WHERE public_id = '{biller}'")
    r = admin.put(f'/api/admin/billers/{biller}', json={'id': 'ZZZZZZZZ', 'balance': 1,
                                                          'totalPayments': 0, 'public_id': 'X'})
    assert r.status_code == 200, r.text
    after = run_sql(f"SELECT id, status, public_id FROM wallet.billers WHERE public_id = '{biller}'")
    assert after == before


def test_bills_a_transaction_body_cannot_set_its_status_or_id(base_url, bills_world):
    x = bills_world['x']
    r = requests.post(app_base(base_url, 'bills') + '/transaction/',
                      headers={'X-API-Key': x['apiKey']}, timeout=30,
                      json={'amount': '1.01', 'type': 'UPI', 'billerId': x['billerId'],
                            'customerIdentifier': x['customerIdentifier'],
                            'transactionRefId': 'mass-' + uuid.uuid4().hex,
                            'status': 'reversed', '_id': 'forged', 'allocations': [],
                            'unallocated': 1000, 'bookId': 1})
    assert r.status_code == 201, r.text
    t = r.json()
    assert t['status'] == 'completed' and t['_id'] != 'forged'
    assert [a['amount'] for a in t['allocations']] == [1.01]


def test_receivables_mutations_cannot_set_amounts_region_or_role(base_url, receivables_world):
    w = receivables_world
    admin = w['Admin']['session']
    c2 = w['customers']['C2']
    api = base_url + '/receivables/api'

    def c2_now():
        return next(c for c in admin.get(api + '/customers').json() if c['id'] == c2)

    before = c2_now()
    r = send(base_url, 'receivables', 'PUT', f'/api/customers/{c2}/notes',
             token=w['Admin']['token'],
             json={'newNotes': before['notes'] or 'kept', 'outstandingAmount': 0,
                   'region': 'delhi', 'customerCode': 'HIJACK', 'assignedEngineer': 1})
    assert r.status_code == 200, r.text
    after = c2_now()
    for field in ('outstandingAmount', 'region', 'customerCode', 'assignedEngineer'):
        assert after[field] == before[field], field
    engineer_id, _ = receivables_support.make_user('Engineer', 'pune')
    r = send(base_url, 'receivables', 'PUT', f'/api/customers/{c2}/assign-engineer',
             token=w['Admin']['token'], json={'engineerId': engineer_id, 'role': 'Admin',
                                              'region': 'delhi'})
    assert r.status_code == 200, r.text
    assert run_sql(f"SELECT role, region FROM receivables.users WHERE id = {engineer_id}") \
        == [('Engineer', 'pune')]
