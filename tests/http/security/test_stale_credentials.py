"""Credentials that were good and no longer are: a suspended wallet user's token, a biller's
rotated API key, a receivables user demoted after login. Each is refused at once, while the
token itself is still unexpired and correctly signed."""
import uuid

import requests

import receivables_support
from conftest import run_sql
from security.conftest import app_base, send
from wallet import helpers as wallet


def test_a_suspended_consumers_token_moves_no_money(base_url, wallet_world):
    c = wallet.new_consumer(base_url, fund=500)
    admin, bob = wallet_world['admin'], wallet_world['bob']
    r = admin.patch(f'/api/admin/consumers/{c.id}/status',
                    json={'status': 'SUSPENDED', 'reason': 'security test suspension'})
    assert r.status_code == 200, r.text
    before = bob.balance()
    r = c.post('/api/transactions/send-money', json={'recipientIdentifier': bob.phone,
                                                      'amount': 10})
    assert r.status_code in (401, 403), r.text
    r = c.post('/api/bank/transfer', json={'bankName': 'Dutch Bangla Bank', 'amount': 10,
                                           'accountNumber': '1234567890123456',
                                           'accountHolderName': 'Suspended User',
                                           'routingNumber': '090271044',
                                           'transferType': 'INSTANT'})
    assert r.status_code in (401, 403), r.text
    assert bob.balance() == before
    assert run_sql(f"SELECT count(*) FROM wallet.transactions t JOIN wallet.users u "
                   f"ON u.id = t.sender_id WHERE u.public_id = '{c.id}' "
                   f"AND t.type <> 'ADD_MONEY'") == [(0,)]


def test_a_rotated_api_key_is_refused(base_url, bills_world):
    import bills_support
    b = bills_support.new_biller()
    old_key = b['apiKey']
    new_key = run_sql(f"SELECT bills.rotate_api_key('{b['billerId']}')")[0][0]
    new_key = new_key if isinstance(new_key, str) else new_key['apiKey']
    body = {'amount': 1, 'type': 'UPI', 'billerId': b['billerId'],
            'customerIdentifier': 'nobody', 'transactionRefId': 'rot-' + uuid.uuid4().hex}
    r = requests.post(app_base(base_url, 'bills') + '/transaction/', json=body,
                      headers={'X-API-Key': old_key}, timeout=30)
    assert r.status_code == 401, r.text
    r = requests.post(app_base(base_url, 'bills') + '/transaction/', json=body,
                      headers={'X-API-Key': new_key}, timeout=30)
    assert r.status_code == 404, r.text  # the new key is accepted: the customer is unknown


def test_a_demoted_receivables_user_loses_the_role_at_once(base_url, receivables_world):
    user_id, session = receivables_support.user_session(base_url, 'Country Manager')
    api = receivables_support.app_url(base_url)
    assert session.get(api + '/customers').json() != []
    run_sql(f"UPDATE receivables.users SET role = 'Engineer' WHERE id = {user_id}")
    r = receivables_support.upload(session, base_url, [['D-C', 'D', 'Pune', 'D-I', '2026-01-10',
                                                        5, 0, 'X']], 'March', '2026-27')
    assert r.status_code == 403, r.text
    assert session.get(api + '/customers').json() == []
    token = session.headers['Authorization'][len('Bearer '):]
    r = send(base_url, 'receivables', 'PUT',
             f"/api/customers/{receivables_world['customers']['C1']}/notes", token=token,
             json={'newNotes': 'demoted'})
    assert r.status_code == 404, r.text


def test_a_deleted_receivables_user_token_is_refused(base_url):
    user_id, session = receivables_support.user_session(base_url, 'Admin')
    api = receivables_support.app_url(base_url)
    assert session.get(api + '/users').status_code == 200
    run_sql(f"DELETE FROM receivables.users WHERE id = {user_id}")
    r = session.get(api + '/users')
    assert r.status_code == 401, r.text
