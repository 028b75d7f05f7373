"""Bank Transfer (spec section Bank Transfer): transfer, history, details, masked numbers."""
import requests

from wallet.helpers import new_agent, new_consumer, url

BODY = {'bankName': 'Dutch Bangla Bank', 'accountNumber': '1234567890123456',
        'accountHolderName': 'John Doe', 'routingNumber': '090271044', 'transferType': 'INSTANT'}


def test_bank_transfer_5000_by_consumer_costs_75(base_url):
    c = new_consumer(base_url, fund=6000)
    r = c.post('/api/bank/transfer', json={**BODY, 'amount': 5000})
    assert r.status_code == 201, r.text
    d = r.json()['data']
    assert d['processingFee'] == 75 and d['totalAmount'] == 5075
    assert d['accountNumber'] == '****3456' and d['status'] == 'COMPLETED'
    assert c.balance() == 6050 - 5075


def test_bank_transfer_by_agent_is_free(base_url):
    a = new_agent(base_url, fund=6000)
    r = a.post('/api/bank/transfer', json={**BODY, 'amount': 5000})
    assert r.status_code == 201
    assert r.json()['data']['processingFee'] == 0 and a.balance() == 1000


def test_bank_transfer_minimum_fee_is_10(base_url):
    c = new_consumer(base_url, fund=200)
    r = c.post('/api/bank/transfer', json={**BODY, 'amount': 100})
    assert r.json()['data']['processingFee'] == 10


def test_bank_transfer_errors(base_url):
    c = new_consumer(base_url)
    assert c.post('/api/bank/transfer', json={**BODY, 'amount': 9}).status_code == 400
    assert c.post('/api/bank/transfer', json={**BODY, 'amount': 100001}).status_code == 400
    assert c.post('/api/bank/transfer', json={**BODY, 'accountNumber': '12ab5', 'amount': 10}).status_code == 400
    assert c.post('/api/bank/transfer', json={**BODY, 'transferType': 'SLOW', 'amount': 10}).status_code == 400
    r = c.post('/api/bank/transfer', json={**BODY, 'amount': 100})
    assert r.status_code == 400 and r.json()['message'] == 'Insufficient balance'
    assert requests.post(url(base_url, '/api/bank/transfer'), json=BODY, timeout=30).status_code == 401


def test_bank_transfer_fields_sent_as_other_json_types_are_validation_errors(base_url):
    c = new_consumer(base_url, fund=500)
    r = c.post('/api/bank/transfer', json={**BODY, 'amount': 100, 'accountHolderName': ['a', 'b'],
                                           'accountNumber': 1234567890, 'bankName': 12345})
    assert r.status_code == 400, r.text
    assert r.json()['errors'] == [
        {'field': 'bankName', 'message': 'Bank name must be a string'},
        {'field': 'accountNumber', 'message': 'Account number must be a string'},
        {'field': 'accountHolderName', 'message': 'Account holder name must be a string'}]
    assert c.balance() == 550 and c.get('/api/bank/transfers').json()['data']['transfers'] == []


def test_transfer_history_and_details_are_masked_and_own_only(base_url):
    c, other = new_consumer(base_url, fund=500), new_consumer(base_url)
    tid = c.post('/api/bank/transfer', json={**BODY, 'amount': 100}).json()['data']['id']
    r = c.get('/api/bank/transfers', params={'status': 'COMPLETED'})
    assert r.status_code == 200
    t = r.json()['data']['transfers']
    assert len(t) == 1 and t[0]['accountNumber'] == '****3456' and t[0]['id'] == tid
    assert '1234567890123456' not in r.text
    r = c.get('/api/bank/transfers/' + tid)
    assert r.status_code == 200
    assert r.json()['data']['routingNumber'] == '090271044'
    assert r.json()['data']['accountNumber'] == '****3456'
    assert other.get('/api/bank/transfers/' + tid).status_code == 404
