"""Transactions from a biller's proxy: X-API-Key, idempotent, allocated oldest due first."""
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bills_support import auth, csv_file, login, new_biller, upload
from conftest import run_sql


@pytest.fixture(scope='module')
def app(base_url):
    return base_url + '/bills'


@pytest.fixture
def biller(app):
    b = new_biller()
    b['token'] = login(app, b)
    k = b['k'] = uuid.uuid4().hex[:8]
    r = upload(app, b['token'], b['billerId'], csv_file([
        ('A', f'C-{k}', f'LATE-{k}', '300', '2025-01-01', '2025-03-31', 'Mar'),
        ('A', f'C-{k}', f'EARLY-{k}', '100', '2025-01-01', '2025-01-31', 'Jan'),
        ('B', f'D-{k}', f'D1-{k}', '50', '2025-01-01', '2025-01-31', 'Jan'),
    ]))
    assert r.status_code == 200 and r.json()['billsCreated'] == 3, r.text
    return b


def pay(app, biller, amount, customer=None, ref=None, ref_id=None, key=None):
    body = {'amount': amount, 'type': 'UPI', 'billerId': biller['billerId'],
            'customerIdentifier': customer or f"C-{biller['k']}",
            'transactionRefId': ref or uuid.uuid4().hex, 'refId': ref_id}
    return requests.post(app + '/transaction/', json=body,
                         headers={'X-API-Key': key or biller['apiKey']}, timeout=30)


def bills(app, biller, customer=None, expired=False):
    customers = requests.get(app + '/customer/', headers=auth(biller['token']), timeout=30).json()
    cid = next(c['_id'] for c in customers
               if c['customerIdentifier'] == (customer or f"C-{biller['k']}"))
    return {b['billNumber']: b for b in requests.get(
        f'{app}/bills/{cid}', headers=auth(biller['token']), params={'expired': expired},
        timeout=30).json()}


def test_a_payment_is_allocated_oldest_due_first(app, biller):
    k = biller['k']
    r = pay(app, biller, '150.50')
    assert r.status_code == 201, r.text
    t = r.json()
    assert t['status'] == 'completed' and t['amount'] == 150.5
    assert [(a['billNumber'], a['amount']) for a in t['allocations']] == \
        [(f'EARLY-{k}', 100), (f'LATE-{k}', 50.5)]
    now = bills(app, biller)
    assert (now[f'EARLY-{k}']['status'], now[f'EARLY-{k}']['outstanding']) == ('paid', 0)
    assert (now[f'LATE-{k}']['status'], now[f'LATE-{k}']['paid'],
            now[f'LATE-{k}']['outstanding']) == ('partially_paid', 50.5, 249.5)


def test_a_retry_with_the_same_transaction_ref_returns_the_first_result(app, biller):
    ref = uuid.uuid4().hex
    first = pay(app, biller, 40, ref=ref)
    again = pay(app, biller, 40, ref=ref)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get('Idempotent-Replayed') == 'true'
    assert bills(app, biller)[f"EARLY-{biller['k']}"]['paid'] == 40
    clash = pay(app, biller, 41, ref=ref)
    assert clash.status_code == 409


def test_transactions_need_the_billers_api_key(app, biller):
    assert pay(app, biller, 10, key='bk_' + '0' * 48).status_code == 401
    other = new_biller()
    assert pay(app, biller, 10, key=other['apiKey']).status_code == 403
    r = requests.post(app + '/transaction/', headers=auth(biller['token']),
                      json={'amount': 10, 'type': 'UPI', 'billerId': biller['billerId'],
                            'customerIdentifier': f"C-{biller['k']}", 'transactionRefId': 'x'},
                      timeout=30)
    assert r.status_code == 401


def test_a_payment_for_an_unknown_customer_is_refused(app, biller):
    r = pay(app, biller, 10, customer='nobody')
    assert r.status_code == 404 and 'nobody' in r.json()['message']


def test_a_payment_to_an_expired_bill_is_refused(app, biller):
    k = biller['k']
    r = upload(app, biller['token'], biller['billerId'], csv_file([
        ('B', f'D-{k}', f'D2-{k}', '70', '2025-02-01', '2025-02-28', 'Feb')]))
    assert r.json()['billsExpired'] == 1
    r = pay(app, biller, 50, customer=f'D-{k}', ref_id=f'D1-{k}')
    assert r.status_code == 409 and 'expired' in r.json()['message']
    r = pay(app, biller, 50, customer=f'D-{k}', ref_id=f'D2-{k}')
    assert r.status_code == 201
    assert bills(app, biller, f'D-{k}')[f'D2-{k}']['paid'] == 50
    assert bills(app, biller, f'D-{k}', expired=True)[f'D1-{k}']['paid'] == 0


def test_a_transaction_is_read_and_reversed_once(app, biller):
    k = biller['k']
    t = pay(app, biller, 100).json()
    url = f"{app}/transaction/{t['_id']}"
    got = requests.get(url, headers={'X-API-Key': biller['apiKey']}, timeout=30)
    assert got.status_code == 200 and got.json()['transactionRefId'] == t['transactionRefId']
    assert requests.get(url, headers=auth(biller['token']), timeout=30).status_code == 200
    assert requests.get(url, headers={'X-API-Key': new_biller()['apiKey']},
                        timeout=30).status_code == 404
    r = requests.patch(url, json={'status': 'reversed'}, headers={'X-API-Key': biller['apiKey']},
                       timeout=30)
    assert r.status_code == 200 and r.json()['status'] == 'reversed'
    assert bills(app, biller)[f'EARLY-{k}']['outstanding'] == 100
    back = requests.patch(url, json={'status': 'completed'},
                          headers={'X-API-Key': biller['apiKey']}, timeout=30)
    assert back.status_code == 409
    assert requests.patch(url, json={'status': 'lost'}, headers={'X-API-Key': biller['apiKey']},
                          timeout=30).status_code == 400


def test_concurrent_retries_of_one_transaction_record_one_payment(app, biller):
    ref = uuid.uuid4().hex
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: pay(app, biller, 30, ref=ref), range(6)))
    assert [a.status_code for a in answers] == [201] * 6
    assert len({a.json()['_id'] for a in answers}) == 1
    assert bills(app, biller)[f"EARLY-{biller['k']}"]['paid'] == 30
    [(payments,)] = run_sql(
        f"SELECT count(*) FROM khata.payments p JOIN bills.billers b ON b.book_id = p.book_id "
        f"WHERE b.biller_id = '{biller['billerId']}' AND p.external_ref = 'bills:{ref}'")
    assert payments == 1


def test_payments_post_balanced_journals_to_the_billers_book(app, biller):
    assert pay(app, biller, '12.34').status_code == 201
    [(book,)] = run_sql(f"SELECT book_id FROM bills.billers WHERE biller_id = '{biller['billerId']}'")
    assert run_sql(f'SELECT * FROM khata.verify_book({book})') == []
    [(cash,)] = run_sql(f"SELECT posted FROM khata.balance(khata.account_id({book}, "
                        f"'receivables:cash:BDT'))")
    assert cash == 1234
