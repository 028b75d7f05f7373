"""Admin: consumer and agent management, billers, configuration (spec sections Admin - ...)."""
import re
import uuid
from datetime import datetime, timezone

import requests

from conftest import run_sql
from wallet.helpers import agent_body, consumer_body, login, new_admin, new_agent, new_consumer, url


def test_admin_routes_need_an_admin_token(base_url):
    c = new_consumer(base_url)
    for method, path in (('POST', '/api/admin/consumers/list'), ('GET', '/api/admin/config'),
                         ('GET', '/api/admin/billers'), ('GET', '/api/admin/platform-wallet/stats')):
        assert c.request(method, path, json={}).status_code == 401
        assert requests.request(method, url(base_url, path), timeout=30).status_code == 401


def test_consumers_list_searches_and_paginates(base_url):
    admin = new_admin(base_url)
    c = new_consumer(base_url)
    new_consumer(base_url)  # a second one, so a page of one has more after it
    r = admin.post('/api/admin/consumers/list', json={'offset': 0, 'limit': 5, 'search': c.email})
    assert r.status_code == 200
    d = r.json()['data']
    assert [x['id'] for x in d['consumers']] == [c.id]
    assert d['consumers'][0]['walletBalance'] == 50
    assert d['pagination'] == {'offset': 0, 'limit': 5, 'total': 1, 'hasMore': False}
    r = admin.post('/api/admin/consumers/list', json={'offset': 0, 'limit': 1})
    assert r.json()['data']['pagination']['hasMore'] is True
    assert admin.post('/api/admin/consumers/list', json={'offset': -1, 'limit': 5}).status_code == 400
    assert admin.post('/api/admin/consumers/list', json={'offset': 0, 'limit': 101}).status_code == 400
    r = admin.post('/api/admin/consumers/list', json={'offset': 0, 'limit': 5, 'search': c.email,
                                                      'startDate': '2000-01-01T00:00:00Z',
                                                      'endDate': '2000-12-31T00:00:00Z'})
    assert r.json()['data']['pagination']['total'] == 0


def test_consumer_details_status_and_transactions(base_url):
    admin, c = new_admin(base_url), new_consumer(base_url)
    r = admin.get(f'/api/admin/consumers/{c.id}')
    assert r.status_code == 200
    assert r.json()['data']['wallet']['balance'] == 50
    assert r.json()['data']['recentTransactions'][0]['type'] == 'ONBOARDING_BONUS'
    assert admin.get('/api/admin/consumers/NOSUCHID').status_code == 404
    r = admin.get(f'/api/admin/consumers/{c.id}/transactions')
    assert r.status_code == 200 and r.json()['data']['pagination']['totalItems'] == 1
    assert admin.patch(f'/api/admin/consumers/{c.id}/status', json={'status': 'LOCKED'}).status_code == 400
    r = admin.patch(f'/api/admin/consumers/{c.id}/status', json={'status': 'SUSPENDED'})
    assert r.status_code == 200 and r.json()['data']['user']['status'] == 'SUSPENDED'
    r = requests.post(url(base_url, '/api/auth/consumer/login'),
                      json={'identifier': c.email, 'password': c.password}, timeout=30)
    assert r.status_code == 403


def consumer_last_login(admin, consumer_id, email):
    """lastLoginAt as the consumers list and the consumer's details show it (the same in both)."""
    listed = admin.post('/api/admin/consumers/list', json={'offset': 0, 'limit': 5, 'search': email})
    assert listed.status_code == 200, listed.text
    [row] = listed.json()['data']['consumers']
    details = admin.get(f'/api/admin/consumers/{consumer_id}')
    assert details.status_code == 200, details.text
    user = details.json()['data']['user']
    assert 'lastLoginAt' in row and 'lastLoginAt' in user
    assert row['lastLoginAt'] == user['lastLoginAt']
    return row['lastLoginAt']


def test_consumer_last_login_at_is_null_until_a_login_then_its_time(base_url):
    admin, body = new_admin(base_url), consumer_body()
    r = requests.post(url(base_url, '/api/auth/consumer/register'), json=body, timeout=30)
    assert r.status_code == 201, r.text
    cid = r.json()['data']['user']['id']
    assert consumer_last_login(admin, cid, body['email']) is None
    r = requests.post(url(base_url, '/api/auth/consumer/login'),
                      json={'identifier': body['email'], 'password': 'Wrong123!'}, timeout=30)
    assert r.status_code == 401
    assert consumer_last_login(admin, cid, body['email']) is None
    login(base_url, 'consumer', body['email'], body['password'])
    shown = consumer_last_login(admin, cid, body['email'])
    assert re.fullmatch(r'\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z', shown), shown
    at = datetime.strptime(shown, '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - at).total_seconds()) < 60
    # Each successful login writes its own time over the last one.
    run_sql(f"UPDATE wallet.users SET last_login_at = now() - interval '1 day' WHERE public_id = '{cid}'")
    assert consumer_last_login(admin, cid, body['email']) < shown
    login(base_url, 'consumer', body['phone'], body['password'])
    assert consumer_last_login(admin, cid, body['email']) >= shown


def test_agent_approval_lets_the_agent_log_in(base_url):
    admin = new_admin(base_url)
    body = agent_body()
    reg = requests.post(url(base_url, '/api/auth/agent/register'), json=body, timeout=30).json()['data']
    uid = reg['user']['id']
    r = admin.post('/api/admin/agents/list', json={'offset': 0, 'limit': 10, 'status': 'PENDING',
                                                   'search': reg['agent']['agentCode']})
    assert [a['userId'] for a in r.json()['data']['agents']] == [uid]
    r = admin.post(f'/api/admin/agents/{uid}/approve')
    assert r.status_code == 200 and r.json()['data']['agent']['status'] == 'ACTIVE'
    assert r.json()['data']['agent']['approvedBy'] == admin.id
    assert admin.post(f'/api/admin/agents/{uid}/approve').status_code == 400
    r = requests.post(url(base_url, '/api/auth/agent/login'),
                      json={'identifier': body['email'], 'password': body['password']}, timeout=30)
    assert r.status_code == 200
    r = admin.get(f'/api/admin/agents/{uid}')
    assert r.status_code == 200 and r.json()['data']['agent']['approver']['id'] == admin.id
    r = admin.get(f'/api/admin/agents/{uid}/transactions')
    assert r.status_code == 200 and r.json()['message'] == 'Agent transactions retrieved successfully'
    assert admin.get('/api/admin/agents/NOSUCHID').status_code == 404


def test_agent_rejection_needs_a_reason_of_10_characters(base_url):
    admin = new_admin(base_url)
    reg = requests.post(url(base_url, '/api/auth/agent/register'), json=agent_body(), timeout=30).json()['data']
    uid = reg['user']['id']
    assert admin.post(f'/api/admin/agents/{uid}/reject', json={'reason': 'too short'}).status_code == 400
    r = admin.post(f'/api/admin/agents/{uid}/reject', json={'reason': 1234567890123})
    assert r.status_code == 400
    assert r.json()['errors'] == [{'field': 'reason', 'message': 'Reason must be a string'}]
    r = admin.post(f'/api/admin/agents/{uid}/reject', json={'reason': 'Incomplete business documentation'})
    assert r.status_code == 200 and r.json()['data']['agent']['status'] == 'REJECTED'
    assert admin.post(f'/api/admin/agents/{uid}/reject',
                      json={'reason': 'Incomplete business documentation'}).status_code == 400
    assert admin.post(f'/api/admin/agents/{uid}/approve').status_code == 400


def test_billers_crud_and_delete_deactivates(base_url):
    admin, c = new_admin(base_url), new_consumer(base_url)
    code = 'TST-' + uuid.uuid4().hex[:8].upper()
    body = {'name': 'Test Water ' + code, 'billerCode': code, 'billType': 'WATER',
            'contactEmail': 'info@water.example.com', 'contactPhone': '01713074499'}
    r = admin.post('/api/admin/billers', json=body)
    assert r.status_code == 201, r.text
    bid = r.json()['data']['biller']['id']
    assert admin.post('/api/admin/billers', json=body).status_code == 409
    assert admin.post('/api/admin/billers', json={**body, 'billerCode': 'lower'}).status_code == 400
    assert admin.get(f'/api/admin/billers/{bid}').json()['data']['biller']['status'] == 'ACTIVE'
    r = admin.put(f'/api/admin/billers/{bid}', json={'description': 'Water for Dhaka'})
    assert r.status_code == 200 and r.json()['data']['biller']['description'] == 'Water for Dhaka'
    r = admin.get('/api/admin/billers', params={'search': code})
    assert [b['id'] for b in r.json()['data']['billers']] == [bid]
    assert code in [b['billerCode'] for b in c.get('/api/transactions/billers', params={'search': 'Test Water ' + code}).json()['data']['billers']]
    r = admin.patch(f'/api/admin/billers/{bid}/status', json={'status': 'SUSPENDED'})
    assert r.status_code == 200 and r.json()['data']['biller']['status'] == 'SUSPENDED'
    assert admin.patch(f'/api/admin/billers/{bid}/status', json={'status': 'GONE'}).status_code == 400
    r = admin.delete(f'/api/admin/billers/{bid}')
    assert r.status_code == 200 and r.json()['message'] == 'Biller deactivated successfully'
    assert admin.get(f'/api/admin/billers/{bid}').json()['data']['biller']['status'] == 'INACTIVE'
    assert c.get('/api/transactions/billers', params={'search': 'Test Water ' + code}).json()['data']['total'] == 0
    assert admin.get('/api/admin/billers/NOSUCHID').status_code == 404


def new_biller(admin, bill_type='WATER', name='Test Biller'):
    code = 'TST-' + uuid.uuid4().hex[:8].upper()
    r = admin.post('/api/admin/billers', json={'name': f'{name} {code}', 'billerCode': code,
                                               'billType': bill_type})
    assert r.status_code == 201, r.text
    return r.json()['data']['biller']


def validation_error(*errors):
    return {'success': False, 'message': 'Validation error',
            'errors': [{'field': f, 'message': m} for f, m in errors]}


def test_biller_fields_sent_as_other_json_types_are_validation_errors(base_url):
    admin = new_admin(base_url)
    r = admin.post('/api/admin/billers', json={'name': 12345, 'billerCode': ['X1'],
                                               'billType': 'WATER'})
    assert r.status_code == 400, r.text
    assert r.json()['errors'] == [{'field': 'name', 'message': 'Name must be a string'},
                                  {'field': 'billerCode', 'message': 'Biller code must be a string'}]


def test_biller_details_count_payments_and_completed_revenue(base_url):
    admin, c = new_admin(base_url), new_consumer(base_url, fund=1000)
    bid = new_biller(admin)['id']
    r = admin.get(f'/api/admin/billers/{bid}')
    assert r.status_code == 200, r.text
    assert r.json()['message'] == 'Biller details retrieved successfully'
    assert r.json()['data']['statistics'] == {'totalPayments': 0, 'completedPayments': 0, 'totalRevenue': 0}
    for amount in (850, 100.25, 10):
        r = c.post('/api/transactions/pay-bill', json={'billerId': bid, 'accountNumber': '1234567890',
                                                        'amount': amount})
        assert r.status_code == 201, r.text
    # A payment that is not completed counts as a payment, not as revenue.
    run_sql(f"UPDATE wallet.transactions SET status = 'PENDING' WHERE transaction_id = '{r.json()['data']['transactionId']}'")
    r = admin.get(f'/api/admin/billers/{bid}')
    assert r.status_code == 200, r.text
    d = r.json()['data']
    assert d['statistics'] == {'totalPayments': 3, 'completedPayments': 2, 'totalRevenue': 950.25}
    assert (d['biller']['id'], d['biller']['totalPayments']) == (bid, 3)
    assert set(d['biller']) >= {'name', 'billerCode', 'billType', 'status', 'balance', 'contactEmail',
                                'contactPhone', 'description', 'logoUrl', 'createdAt', 'updatedAt'}
    assert admin.get('/api/admin/billers/NOSUCHID').json() == {'success': False, 'message': 'Biller not found'}


def test_biller_update_sets_a_valid_status_and_refuses_an_unknown_one(base_url):
    admin, c = new_admin(base_url), new_consumer(base_url)
    biller = new_biller(admin)
    bid = biller['id']
    r = admin.put(f'/api/admin/billers/{bid}', json={'status': 'SUSPENDED', 'description': 'Paused'})
    assert r.status_code == 200, r.text
    assert r.json()['message'] == 'Biller updated successfully'
    assert (r.json()['data']['biller']['status'], r.json()['data']['biller']['description']) == ('SUSPENDED', 'Paused')
    assert admin.get(f'/api/admin/billers/{bid}').json()['data']['biller']['status'] == 'SUSPENDED'
    assert c.get('/api/transactions/billers', params={'search': biller['name']}).json()['data']['total'] == 0
    bad_status = ('status', 'Status must be ACTIVE, INACTIVE or SUSPENDED')
    for status in ('BOGUS', 'active', '', None, 1):
        r = admin.put(f'/api/admin/billers/{bid}', json={'status': status})
        assert (r.status_code, r.json()) == (400, validation_error(bad_status)), status
    r = admin.put(f'/api/admin/billers/{bid}', json={'status': 'BOGUS', 'name': 'X'})
    assert (r.status_code, r.json()) == (400, validation_error(('name', 'Name must be 2-255 characters'), bad_status))
    r = admin.get(f'/api/admin/billers/{bid}').json()['data']['biller']
    assert (r['status'], r['name']) == ('SUSPENDED', biller['name'])
    r = admin.put(f'/api/admin/billers/{bid}', json={'status': 'ACTIVE'})
    assert r.status_code == 200 and r.json()['data']['biller']['status'] == 'ACTIVE'
    assert c.get('/api/transactions/billers', params={'search': biller['name']}).json()['data']['total'] == 1
    assert admin.put('/api/admin/billers/NOSUCHID', json={'status': 'ACTIVE'}).status_code == 404


def test_billers_list_filters_by_status_and_type_and_refuses_unknown_values(base_url):
    admin = new_admin(base_url)
    name = 'Filtered ' + uuid.uuid4().hex[:8]
    gas, tv = new_biller(admin, 'GAS', name), new_biller(admin, 'TV', name)
    assert admin.patch(f"/api/admin/billers/{tv['id']}/status", json={'status': 'INACTIVE'}).status_code == 200
    def listed(**query):
        r = admin.get('/api/admin/billers', params={'search': name, **query})
        assert r.status_code == 200, r.text
        return {b['id'] for b in r.json()['data']['billers']}
    assert listed() == {gas['id'], tv['id']}
    assert listed(billType='GAS') == {gas['id']}
    assert listed(status='INACTIVE') == {tv['id']}
    assert listed(status='ACTIVE', billType='TV') == set()
    bad_status = ('status', 'Unknown biller status')
    bad_type = ('billType', 'Unknown bill type')
    for query, errors in (({'status': 'BOGUS'}, [bad_status]), ({'status': 'active'}, [bad_status]),
                          ({'billType': 'BOGUS'}, [bad_type]), ({'status': ''}, [bad_status]),
                          ({'status': 'BOGUS', 'billType': 'BOGUS'}, [bad_status, bad_type]),
                          ({'page': '0', 'status': 'BOGUS'},
                           [('page', 'Page must be a whole number from 1 to 999999'), bad_status])):
        r = admin.get('/api/admin/billers', params=query)
        assert (r.status_code, r.json()) == (400, validation_error(*errors)), query


def test_config_crud_and_public_config(base_url):
    admin = new_admin(base_url)
    key = 'feature_' + uuid.uuid4().hex[:8]
    r = admin.post('/api/admin/config', json={'key': key, 'value': 'true', 'description': 'A feature'})
    assert r.status_code == 201
    r = admin.post('/api/admin/config', json={'key': key, 'value': 'false'})
    assert r.status_code == 200 and r.json()['data']['config']['value'] == 'false'
    assert admin.get(f'/api/admin/config/{key}').json()['data']['config']['description'] == 'A feature'
    assert admin.get('/api/admin/config/no_such_key_here').status_code == 404
    # Keys are kept in lower case; the key as the client wrote it still finds its setting.
    mixed = 'Mixed_' + uuid.uuid4().hex[:8]
    r = admin.post('/api/admin/config', json={'key': mixed, 'value': 'x'})
    assert r.status_code == 201 and r.json()['data']['config']['key'] == mixed.lower()
    assert admin.get(f'/api/admin/config/{mixed}').json()['data']['config']['value'] == 'x'
    r = admin.put(f'/api/admin/config/{mixed}', json={'value': 'y'})
    assert r.status_code == 200 and r.json()['data']['config']['value'] == 'y'
    assert admin.put('/api/admin/config/no_such_key_here', json={'value': '1'}).status_code == 404
    assert admin.post('/api/admin/config', json={'key': 'bad key!', 'value': '1'}).status_code == 400
    keys = [c['key'] for c in admin.get('/api/admin/config').json()['data']['configs']]
    assert 'agent_commission_rate' in keys and key in keys
    public = requests.get(url(base_url, '/api/config/public'), timeout=30).json()['data']['configs']
    assert {c['key'] for c in public} >= {'app_version', 'maintenance_mode'}
    assert 'agent_commission_rate' not in {c['key'] for c in public}


def test_commission_rate_setting_changes_cash_out_commission(base_url):
    admin = new_admin(base_url)
    assert admin.put('/api/admin/config/agent_commission_rate', json={'value': 'abc'}).status_code == 400
    try:
        r = admin.put('/api/admin/config/agent_commission_rate', json={'value': '2.0'})
        assert r.status_code == 200
        c, a = new_consumer(base_url, fund=1000), new_agent(base_url)
        r = c.post('/api/transactions/cash-out', json={'agentCode': a.agent_code, 'amount': 1000})
        assert a.balance() == 1020
    finally:
        admin.put('/api/admin/config/agent_commission_rate', json={'value': '1.5'})


def test_send_money_fee_tier1_setting_prices_sends_up_to_1000(base_url):
    admin = new_admin(base_url)
    r = admin.put('/api/admin/config/send_money_fee_tier1', json={'value': '0.005'})
    assert r.status_code == 400, r.text
    assert r.json()['errors'][0]['field'] == 'value' and 'decimal places' in r.json()['errors'][0]['message']
    assert admin.get('/api/admin/config/send_money_fee_tier1').json()['data']['config']['value'] == '0'
    try:
        assert admin.put('/api/admin/config/send_money_fee_tier1', json={'value': '2.5'}).status_code == 200
        s, r_ = new_consumer(base_url, fund=2000), new_consumer(base_url)
        r = s.post('/api/transactions/send-money', json={'recipientIdentifier': r_.phone, 'amount': 1000})
        assert r.status_code == 200, r.text
        t = r.json()['data']['transaction']
        assert t['fee'] == 2.5 and t['totalDeducted'] == 1002.5
        r = s.post('/api/transactions/send-money', json={'recipientIdentifier': r_.phone, 'amount': 1001})
        assert r.json()['data']['transaction']['fee'] == 5, 'the tiers above 1,000 keep their fees'
    finally:
        admin.put('/api/admin/config/send_money_fee_tier1', json={'value': '0'})


def test_list_offset_past_an_int_is_a_validation_error(base_url):
    admin = new_admin(base_url)
    for offset in (99999999999, -1, 1.5):
        r = admin.post('/api/admin/consumers/list', json={'offset': offset, 'limit': 10})
        assert r.status_code == 400, (offset, r.text)
        assert r.json()['errors'] == [{'field': 'offset', 'message': 'Offset must be a whole number from 0 to 999999999'}]
