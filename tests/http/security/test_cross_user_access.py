"""Another party's objects: a wallet user's transactions, transfers and bill payments, a biller's
customers, bills and transactions, a receivables customer out of one's sight. Each is 403 or
404 and the body never carries the owner's data (a marker amount, name or id)."""
import uuid

import pytest
import requests

from conftest import run_sql
from security.conftest import BANK, app_base, send
from wallet import helpers as wallet


def refused_without(r, *markers):
    assert r.status_code in (403, 404), (r.status_code, r.text)
    for m in markers:
        assert str(m) not in r.text, (m, r.text)


# -- wallet ---------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def carol(base_url):
    return wallet.new_consumer(base_url, fund=300)


def alice_markers(w):
    a = w['alice']
    return ('123.47', '211.33', '317.21', a.email, a.phone, 'Marker Holder', '7777000111')


def test_another_users_transaction_is_404_without_its_data(wallet_world, carol):
    w = wallet_world
    for who in (carol, w['agent']):
        refused_without(who.get('/api/transactions/' + w['send_id']), *alice_markers(w))


def test_a_bill_payment_of_another_user_is_404_without_its_data(wallet_world, carol):
    w = wallet_world
    txn = w['bill_payment'].get('transactionId') or w['bill_payment']['transaction']['id']
    refused_without(carol.get('/api/transactions/' + txn), *alice_markers(w))


def test_another_users_bank_transfer_is_refused_without_its_data(wallet_world, carol):
    w = wallet_world
    for who in (carol, w['agent'], w['bob']):
        refused_without(who.get('/api/bank/transfers/' + w['transfer_id']), *alice_markers(w))


def test_lists_show_only_ones_own_operations(wallet_world, carol):
    w = wallet_world
    for path in ('/api/transactions/history', '/api/bank/transfers',
                 '/api/transactions/bill-payments'):
        r = carol.get(path, params={'limit': 100})
        assert r.status_code == 200, r.text
        for m in alice_markers(w) + (w['send_id'], w['transfer_id']):
            assert str(m) not in r.text, (path, m)


def test_filters_naming_another_user_show_nothing_of_theirs(wallet_world, carol):
    w = wallet_world
    for params in ({'userId': w['alice'].id}, {'id': w['alice'].id},
                   {'billerId': w['biller']}, {'search': w['alice'].email}):
        for path in ('/api/transactions/history', '/api/transactions/bill-payments',
                     '/api/bank/transfers'):
            r = carol.get(path, params=params)
            assert r.status_code in (200, 400), r.text
            for m in alice_markers(w):
                assert str(m) not in r.text, (path, params, m)


def test_an_idempotency_key_of_another_user_does_not_replay_their_response(wallet_world, carol):
    w = wallet_world
    key = 'shared-' + uuid.uuid4().hex
    body = {'recipientIdentifier': w['bob'].phone, 'amount': 141.59}
    first = w['alice'].post('/api/transactions/send-money', json=body,
                            headers={'Idempotency-Key': key})
    assert first.status_code == 200, first.text
    before = carol.balance()
    again = carol.post('/api/transactions/send-money', json={**body, 'amount': 12},
                       headers={'Idempotency-Key': key})
    assert again.status_code == 200, again.text
    assert first.json()['data']['transaction']['id'] not in again.text
    assert '141.59' not in again.text and w['alice'].email not in again.text
    assert carol.balance() == before - 12


def test_a_consumer_cannot_send_from_or_as_another_wallet(wallet_world, carol):
    w = wallet_world
    alice_before, carol_before = w['alice'].balance(), carol.balance()
    r = carol.post('/api/transactions/send-money',
                   json={'recipientIdentifier': carol.phone, 'amount': 10,
                         'senderId': w['alice'].id, 'senderIdentifier': w['alice'].phone,
                         'userId': w['alice'].id, 'fromAccount': 'U' + w['alice'].id})
    assert r.status_code == 400, r.text  # sending to oneself
    assert (w['alice'].balance(), carol.balance()) == (alice_before, carol_before)


# -- bills ----------------------------------------------------------------------------------

def test_another_billers_bills_are_404_without_the_customer(base_url, bills_world):
    x, y = bills_world['x'], bills_world['y']
    for expired in ('false', 'true'):
        r = send(base_url, 'bills', 'GET', f"/bills/{x['customerId']}?expired={expired}",
                 token=y['token'])
        refused_without(r, x['customerName'], x['customerIdentifier'], '431.17')


def test_another_billers_customers_are_never_listed(base_url, bills_world):
    x, y = bills_world['x'], bills_world['y']
    r = send(base_url, 'bills', 'GET', f"/customer/?billerId={x['billerId']}", token=y['token'])
    refused_without(r, x['customerName'], x['customerIdentifier'])
    r = send(base_url, 'bills', 'GET', '/customer/', token=y['token'],
             json={'billerId': x['billerId']})
    refused_without(r, x['customerName'])
    r = send(base_url, 'bills', 'GET', '/customer/', token=y['token'])
    assert r.status_code == 200 and x['customerName'] not in r.text
    assert y['customerName'] in r.text


def test_another_billers_transaction_is_404_by_token_and_by_key(base_url, bills_world):
    x, y = bills_world['x'], bills_world['y']
    tid = x['transactionId']
    for headers in ({'Authorization': 'Bearer ' + y['token']}, {'X-API-Key': y['apiKey']}):
        r = send(base_url, 'bills', 'GET', f'/transaction/{tid}', headers=headers)
        refused_without(r, '97.13', x['customerIdentifier'], x['billerId'])
        r = send(base_url, 'bills', 'PATCH', f'/transaction/{tid}', headers=headers,
                 json={'status': 'reversed'})
        refused_without(r, '97.13', x['customerIdentifier'])
    r = send(base_url, 'bills', 'GET', f'/transaction/{tid}', token=x['token'])
    assert r.status_code == 200 and r.json()['status'] == 'completed'


def test_another_billers_upload_path_is_refused_and_changes_nothing(base_url, bills_world):
    import bills_support
    x, y = bills_world['x'], bills_world['y']
    before = run_sql(f"SELECT count(*) FROM khata.documents d JOIN khata.books b ON b.id = d.book_id "
                     f"WHERE b.code = 'bills:{x['billerId']}'")[0][0]
    r = bills_support.upload(app_base(base_url, 'bills'), y['token'], x['billerId'],
                             bills_support.csv_file([('Intruder', x['customerIdentifier'],
                                                      'EVIL-1', '1', '2025-02-01', '2025-02-28',
                                                      'Feb')]))
    refused_without(r, x['customerName'])
    after = run_sql(f"SELECT count(*) FROM khata.documents d JOIN khata.books b ON b.id = d.book_id "
                    f"WHERE b.code = 'bills:{x['billerId']}'")[0][0]
    assert after == before


def test_a_payment_by_another_billers_key_never_reaches_this_billers_customer(base_url,
                                                                              bills_world):
    x, y = bills_world['x'], bills_world['y']
    for biller_id in (x['billerId'], y['billerId']):
        r = requests.post(app_base(base_url, 'bills') + '/transaction/',
                          headers={'X-API-Key': y['apiKey']}, timeout=30,
                          json={'amount': 5, 'type': 'UPI', 'billerId': biller_id,
                                'customerIdentifier': x['customerIdentifier'],
                                'transactionRefId': 'cross-' + uuid.uuid4().hex})
        refused_without(r, x['customerName'])
    bills = send(base_url, 'bills', 'GET', f"/bills/{x['customerId']}", token=x['token']).json()
    assert sum(b['paid'] for b in bills) == pytest.approx(97.13)


# -- receivables ----------------------------------------------------------------------------

def test_a_customer_out_of_sight_is_404_for_every_mutation(base_url, receivables_world):
    w = receivables_world
    c1, p = w['customers']['C1'], w['prefix']
    for role in ('Manager', 'Engineer'):
        token = w[role]['token']
        for path, body in ((f'/api/customers/{c1}/notes', {'newNotes': 'intruder note'}),
                           (f'/api/customers/{c1}/remark', {'newRemark': 'dispute'}),
                           (f'/api/customers/{c1}/invoices/{p}-I1/dispute',
                            {'newStatus': 'dispute'})):
            r = send(base_url, 'receivables', 'PUT', path, token=token, json=body)
            refused_without(r, 'Patil Infra', f'{p}-I1')
    customers = w['Admin']['session'].get(base_url + '/receivables/api/customers').json()
    mine = next(c for c in customers if c['id'] == c1)
    assert 'intruder note' not in str(mine['notes'])


def test_an_invoice_of_another_customer_cannot_be_reached_through_a_visible_one(
        base_url, receivables_world):
    """The Goa Manager sees C2 (goa), not C1 (pune): C1's invoice under C2's path is 404."""
    w = receivables_world
    c2, p = w['customers']['C2'], w['prefix']
    for status in ('dispute', 'paid'):
        r = send(base_url, 'receivables', 'PUT', f'/api/customers/{c2}/invoices/{p}-I1/dispute',
                 token=w['Manager']['token'], json={'newStatus': status})
        refused_without(r, 'Patil Infra')
    rows = w['Admin']['session'].get(base_url + '/receivables/api/invoice-tracker').json()
    i1 = next(row for row in rows if row['invoiceNumber'] == f'{p}-I1')
    assert i1['status'] == 'unpaid'


def test_reads_show_only_the_customers_in_sight(base_url, receivables_world):
    w = receivables_world
    p = w['prefix']
    manager = w['Manager']['session']
    for path in ('/customers', '/invoice-tracker', '/dashboard'):
        r = manager.get(base_url + '/receivables/api' + path)
        assert r.status_code == 200, r.text
        assert 'Patil Infra' not in r.text and f'{p}-I1' not in r.text and f'{p}-C1' not in r.text
    engineer = w['Engineer']['session']
    assert engineer.get(base_url + '/receivables/api/customers').json() == []
