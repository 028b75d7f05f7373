"""Transactions (spec section Transactions): add money, send money, cash out, cash in, history,
details; each one journal, Idempotency-Key honoured."""
import uuid

import requests

from conftest import run_sql
from wallet.helpers import (card_body, ensure_card, new_admin, new_agent, new_consumer,
                            platform_balance, url)


def journals_of(transaction_id):
    return run_sql(f"SELECT count(*) FROM khata.journals j JOIN wallet.transactions t "
                   f"ON t.journal_id = j.id WHERE t.transaction_id = '{transaction_id}'")[0][0]


# Add money
def test_add_money_from_card_credits_wallet_and_debits_card(base_url):
    ensure_card(100000)
    c = new_consumer(base_url)
    r = c.post('/api/transactions/add-money', json=card_body(2000))
    assert r.status_code == 200, r.text
    d = r.json()['data']
    assert d['transaction']['type'] == 'ADD_MONEY' and d['transaction']['fee'] == 0
    assert d['transaction']['description'] == 'Added money from ****-****-****-4444'
    assert d['wallet']['newBalance'] == 2050
    assert run_sql("SELECT balance FROM wallet.bank_cards WHERE card_number = '4111222233334444'")[0][0] == 98000 * 100
    assert journals_of(d['transaction']['transactionId']) == 1


def test_add_money_refuses_bad_cards_and_amounts(base_url):
    ensure_card(100)
    c = new_consumer(base_url)
    assert c.post('/api/transactions/add-money', json=card_body(49)).status_code == 400
    assert c.post('/api/transactions/add-money', json=card_body(25001)).status_code == 400
    r = c.post('/api/transactions/add-money', json=card_body(100, cvv='999'))
    assert r.status_code == 400 and r.json()['message'] == 'Invalid card details'
    r = c.post('/api/transactions/add-money', json=card_body(100, expiryYear='20'))
    assert r.status_code == 400
    r = c.post('/api/transactions/add-money', json=card_body(200))
    assert r.status_code == 400 and r.json()['message'] == 'Insufficient bank balance'
    assert c.balance() == 50


# Send money
def test_send_money_1001_costs_5_fee(base_url):
    s, r_ = new_consumer(base_url, fund=2000), new_consumer(base_url)
    before = platform_balance()
    r = s.post('/api/transactions/send-money', json={'recipientIdentifier': r_.phone, 'amount': 1001,
                                                      'description': 'Payment for lunch'})
    assert r.status_code == 200, r.text
    t = r.json()['data']['transaction']
    assert t['fee'] == 5 and t['amount'] == 1001 and t['receiver']['id'] == r_.id
    assert r.json()['data']['wallet']['newBalance'] == 2050 - 1006
    assert platform_balance() - before == 500
    assert journals_of(t['transactionId']) == 1


def test_send_money_fee_tiers(base_url):
    s, r_ = new_consumer(base_url, fund=20000), new_consumer(base_url)
    fees = {}
    for amount in (1000, 5000, 5001):
        r = s.post('/api/transactions/send-money', json={'recipientIdentifier': r_.email, 'amount': amount})
        fees[amount] = r.json()['data']['transaction']['fee']
    assert fees == {1000: 0, 5000: 5, 5001: 10}


def test_send_money_keeps_18_5_exact_and_refuses_three_decimals(base_url):
    s, r_ = new_consumer(base_url), new_consumer(base_url)
    r = s.post('/api/transactions/send-money', json={'recipientIdentifier': r_.email, 'amount': 18.5})
    assert r.status_code == 200 and r.json()['data']['wallet']['newBalance'] == 31.5
    r = s.post('/api/transactions/send-money', json={'recipientIdentifier': r_.email, 'amount': 10.005})
    assert r.status_code == 400 and r.json()['errors'][0]['field'] == 'amount'
    assert s.balance() == 31.5


def test_send_money_errors(base_url):
    s, r_ = new_consumer(base_url), new_consumer(base_url)
    def send(**body):
        return s.post('/api/transactions/send-money', json=body)
    assert send(recipientIdentifier=r_.email, amount=9.99).status_code == 400
    assert send(recipientIdentifier=r_.email, amount=25000.01).status_code == 400
    r = send(recipientIdentifier=s.email, amount=10)
    assert r.status_code == 400 and r.json()['message'] == 'Cannot send money to yourself'
    r = send(recipientIdentifier='nobody-' + r_.email, amount=10)
    assert r.status_code == 404
    r = send(recipientIdentifier=r_.email, amount=100)
    assert r.status_code == 400 and r.json()['message'] == 'Insufficient balance'
    run_sql(f"UPDATE wallet.users SET status = 'SUSPENDED' WHERE id = (SELECT id FROM wallet.users WHERE email = '{r_.email}')")
    assert send(recipientIdentifier=r_.email, amount=10).status_code == 403
    a = new_agent(base_url)
    r = a.post('/api/transactions/send-money', json={'recipientIdentifier': s.email, 'amount': 10})
    assert r.status_code == 403
    assert s.balance() == 50


def test_send_money_to_an_agent_credits_the_agents_wallet(base_url):
    # The spec's example sends to 01812345678, the demo agent's phone.
    s, a = new_consumer(base_url, fund=1000), new_agent(base_url)
    before = a.balance()
    r = s.post('/api/transactions/send-money', json={'recipientIdentifier': a.phone, 'amount': 500})
    assert r.status_code == 200, r.text
    assert r.json()['data']['transaction']['receiver']['phone'] == a.phone
    assert a.balance() - before == 500 and s.balance() == 550


def test_send_money_identifier_sent_as_a_number_is_a_validation_error(base_url):
    s, r_ = new_consumer(base_url, fund=1000), new_consumer(base_url)
    r = s.post('/api/transactions/send-money',
               json={'recipientIdentifier': int(r_.phone), 'amount': 100})
    assert r.status_code == 400, r.text
    assert r.json()['errors'] == [{'field': 'recipientIdentifier',
                                   'message': 'Recipient phone number or email must be a string'}]
    assert s.balance() == 1050 and r_.balance() == 50


def test_send_money_daily_limit_25000(base_url):
    s, r_ = new_consumer(base_url, fund=30000), new_consumer(base_url)
    r = s.post('/api/transactions/send-money', json={'recipientIdentifier': r_.email, 'amount': 24990})
    assert r.status_code == 200
    r = s.post('/api/transactions/send-money', json={'recipientIdentifier': r_.email, 'amount': 10})
    assert r.status_code == 400 and 'limit' in r.json()['message'].lower()


def test_idempotency_key_replays_the_first_response_and_moves_nothing(base_url):
    s, r_ = new_consumer(base_url, fund=1000), new_consumer(base_url)
    key = str(uuid.uuid4())
    first = s.post('/api/transactions/send-money', json={'recipientIdentifier': r_.email, 'amount': 100},
                   headers={'Idempotency-Key': key})
    again = s.post('/api/transactions/send-money', json={'recipientIdentifier': r_.email, 'amount': 100},
                   headers={'Idempotency-Key': key})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert s.balance() == 950 and r_.balance() == 150
    other = s.post('/api/transactions/send-money', json={'recipientIdentifier': r_.email, 'amount': 100},
                   headers={'Idempotency-Key': str(uuid.uuid4())})
    assert other.json()['data']['transaction']['id'] != first.json()['data']['transaction']['id']
    assert s.balance() == 850


def test_idempotency_key_reused_with_another_body_is_409_and_moves_nothing(base_url):
    s, r_ = new_consumer(base_url, fund=1000), new_consumer(base_url)
    key = str(uuid.uuid4())
    body = {'recipientIdentifier': r_.email, 'amount': 100}
    first = s.post('/api/transactions/send-money', json=body, headers={'Idempotency-Key': key})
    assert first.status_code == 200
    r = s.post('/api/transactions/send-money', json=dict(body, amount=99), headers={'Idempotency-Key': key})
    assert r.status_code == 409, r.text
    assert r.json() == {'success': False, 'message': 'Idempotency-Key was already used with a different request'}
    assert s.balance() == 950 and r_.balance() == 150
    # The same body in another key order is the same request: a retry.
    again = s.post('/api/transactions/send-money', json={'amount': 100, 'recipientIdentifier': r_.email},
                   headers={'Idempotency-Key': key})
    assert again.status_code == 200 and again.json() == first.json()
    # A refused request keeps its key too: its retry gets the same error, another body a 409.
    bad = str(uuid.uuid4())
    r = s.post('/api/transactions/send-money', json=dict(body, amount=5), headers={'Idempotency-Key': bad})
    assert r.status_code == 400
    assert s.post('/api/transactions/send-money', json=dict(body, amount=5),
                  headers={'Idempotency-Key': bad}).json() == r.json()
    assert s.post('/api/transactions/send-money', json=body, headers={'Idempotency-Key': bad}).status_code == 409
    assert s.balance() == 950


def test_cash_out_idempotency_key_replays_and_refuses_another_body(base_url):
    c, a = new_consumer(base_url, fund=1000), new_agent(base_url)
    key = str(uuid.uuid4())
    body = {'agentCode': a.agent_code, 'amount': 100}
    first = c.post('/api/transactions/cash-out', json=body, headers={'Idempotency-Key': key})
    assert first.status_code == 200, first.text
    again = c.post('/api/transactions/cash-out', json=body, headers={'Idempotency-Key': key})
    assert again.status_code == 200 and again.json() == first.json()
    r = c.post('/api/transactions/cash-out', json=dict(body, amount=200), headers={'Idempotency-Key': key})
    assert r.status_code == 409 and r.json()['message'] == 'Idempotency-Key was already used with a different request'
    assert round(c.balance(), 2) == 948.15


# Cash out
def test_cash_out_1000_worked_example(base_url):
    c, a = new_consumer(base_url, fund=1000), new_agent(base_url)
    platform_before, agent_before = platform_balance(), a.balance()
    r = c.post('/api/transactions/cash-out', json={'agentCode': a.agent_code, 'amount': 1000,
                                                    'description': 'Cash withdrawal'})
    assert r.status_code == 200, r.text
    t = r.json()['data']['transaction']
    assert t['fee'] == 18.5 and t['totalDeducted'] == 1018.5
    assert t['agent']['agentCode'] == a.agent_code
    assert r.json()['data']['wallet']['newBalance'] == 1050 - 1018.5
    assert a.balance() - agent_before == 1015
    assert platform_balance() - platform_before == 350
    assert journals_of(t['transactionId']) == 1


def test_cash_out_errors(base_url):
    c, a = new_consumer(base_url, fund=100), new_agent(base_url)
    def out(**body):
        return c.post('/api/transactions/cash-out', json=body)
    assert out(agentCode='XX1234567', amount=60).status_code == 400
    assert out(agentCode=a.agent_code, amount=49).status_code == 400
    assert out(agentCode='AG0000000' if a.agent_code != 'AG0000000' else 'AG0000001', amount=60).status_code in (404,)
    assert out(agentCode=a.agent_code, amount=200).status_code == 400
    run_sql(f"UPDATE wallet.users SET status = 'SUSPENDED' WHERE email = '{a.email}'")
    assert out(agentCode=a.agent_code, amount=60).status_code == 403
    assert c.balance() == 150


# Cash in
def test_cash_in_1000_pays_agent_1_50_commission(base_url):
    a, c = new_agent(base_url, fund=2000), new_consumer(base_url)
    platform_before = platform_balance()
    r = a.post('/api/transactions/cash-in', json={'consumerIdentifier': c.phone, 'amount': 1000,
                                                   'description': 'Cash deposit'})
    assert r.status_code == 200, r.text
    t = r.json()['data']['transaction']
    assert t['commission'] == 1.5 and t['fee'] == 0
    assert r.json()['data']['agentWallet']['balance'] == 1001.5
    assert c.balance() == 1050
    assert platform_before - platform_balance() == 150


def test_cash_in_errors(base_url):
    a, c = new_agent(base_url, fund=100), new_consumer(base_url)
    assert a.post('/api/transactions/cash-in', json={'consumerIdentifier': c.email, 'amount': 200}).status_code == 400
    assert a.post('/api/transactions/cash-in', json={'consumerIdentifier': a.email, 'amount': 60}).status_code == 400
    assert a.post('/api/transactions/cash-in', json={'consumerIdentifier': 'x' + c.email, 'amount': 60}).status_code == 404
    assert c.post('/api/transactions/cash-in', json={'consumerIdentifier': c.email, 'amount': 60}).status_code == 403


# History and details
def test_history_filters_and_paginates(base_url):
    s, r_ = new_consumer(base_url, fund=1000), new_consumer(base_url)
    for amount in (10, 11, 12):
        s.post('/api/transactions/send-money', json={'recipientIdentifier': r_.email, 'amount': amount})
    r = s.get('/api/transactions/history', params={'type': 'SEND_MONEY', 'limit': 2, 'page': 2})
    assert r.status_code == 200
    d = r.json()['data']
    assert d['pagination'] == {'currentPage': 2, 'totalPages': 2, 'totalCount': 3, 'limit': 2}
    assert [t['amount'] for t in d['transactions']] == [10]
    r = s.get('/api/transactions/history', params={'status': 'COMPLETED'})
    assert r.json()['data']['pagination']['totalCount'] == 5
    assert s.get('/api/transactions/history', params={'limit': 101}).status_code == 400
    assert s.get('/api/transactions/history', params={'type': 'NOPE'}).status_code == 400
    for page in ('0', '1000000', 'x'):
        r = s.get('/api/transactions/history', params={'page': page})
        assert r.status_code == 400 and r.json()['errors'] == [
            {'field': 'page', 'message': 'Page must be a whole number from 1 to 999999'}], page


def test_transaction_details_own_only_admin_all(base_url):
    s, r_, other = new_consumer(base_url), new_consumer(base_url), new_consumer(base_url)
    t = s.post('/api/transactions/send-money', json={'recipientIdentifier': r_.email, 'amount': 10}).json()['data']['transaction']
    for who in (s, r_):
        r = who.get('/api/transactions/' + t['id'])
        assert r.status_code == 200
        assert r.json()['data']['transaction']['sender']['phone'] == s.phone
    assert other.get('/api/transactions/' + t['id']).status_code == 404
    assert s.get('/api/transactions/NOSUCHID').status_code == 404
    admin = new_admin(base_url)
    assert admin.get('/api/transactions/' + t['id']).status_code == 200
    assert requests.get(url(base_url, '/api/transactions/' + t['id']), timeout=30).status_code == 401
