"""Bill Payment (spec section Bill Payment): billers, pay bill, bill payment history."""
import uuid

from conftest import run_sql
from wallet.helpers import new_agent, new_consumer


def make_biller(bill_type='ELECTRICITY', status='ACTIVE', name=None):
    code = 'T-' + uuid.uuid4().hex[:10].upper()
    pid = uuid.uuid4().hex[:8].upper()
    run_sql(f"""INSERT INTO wallet.billers (public_id, name, biller_code, bill_type, status)
                VALUES ('{pid}', '{name or 'Biller ' + code}', '{code}', '{bill_type}', '{status}')""")
    return pid


def test_billers_lists_active_by_type_and_name(base_url):
    name = 'Zed Gas ' + uuid.uuid4().hex[:6]
    active = make_biller('GAS', name=name)
    inactive = make_biller('GAS', 'INACTIVE', name=name + ' old')
    c = new_consumer(base_url)
    r = c.get('/api/transactions/billers', params={'billType': 'GAS', 'search': name.lower()})
    assert r.status_code == 200
    ids = [b['id'] for b in r.json()['data']['billers']]
    assert ids == [active] and inactive not in ids
    assert r.json()['data']['total'] == 1
    assert c.get('/api/transactions/billers', params={'billType': 'NOPE'}).status_code == 400
    a = new_agent(base_url)
    assert a.get('/api/transactions/billers').status_code == 403


def test_pay_bill_is_free_and_has_a_receipt(base_url):
    biller = make_biller()
    c = new_consumer(base_url, fund=1000)
    r = c.post('/api/transactions/pay-bill', json={'billerId': biller, 'accountNumber': '1234567890',
                                                    'amount': 850, 'billingMonth': 'January',
                                                    'billingYear': 2026})
    assert r.status_code == 201, r.text
    d = r.json()['data']
    assert d['fee'] == 0 and d['totalAmount'] == 850 and d['newBalance'] == 200
    assert d['status'] == 'COMPLETED'
    r = c.get('/api/transactions/bill-payments', params={'billerId': biller})
    assert r.status_code == 200
    p = r.json()['data']['payments']
    assert len(p) == 1 and p[0]['receiptNumber'].startswith('RCP-')
    assert p[0]['biller']['id'] == biller and p[0]['billingMonth'] == 'January'
    assert r.json()['data']['pagination']['total'] == 1


def test_pay_bill_errors(base_url):
    biller = make_biller()
    inactive = make_biller(status='INACTIVE')
    c = new_consumer(base_url)
    def pay(**body):
        return c.post('/api/transactions/pay-bill', json={'billerId': biller, 'accountNumber': '12345',
                                                           'amount': 10, **body})
    assert pay(accountNumber='12 34').status_code == 400
    assert pay(amount=9).status_code == 400
    assert pay(billingMonth='Janvier').status_code == 400
    assert pay(billingYear=2019).status_code == 400
    assert pay(billerId=inactive).status_code == 404
    assert pay(billerId='NOSUCHID').status_code == 404
    r = pay(billerId=123)
    assert r.status_code == 400
    assert r.json()['errors'] == [{'field': 'billerId', 'message': 'Biller id must be a string'}]
    r = pay(amount=100)
    assert r.status_code == 400 and r.json()['message'] == 'Insufficient balance'
    assert c.balance() == 50
