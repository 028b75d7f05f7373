"""Wallet (spec section Wallet): GET /api/wallet."""
import requests

from wallet.helpers import new_agent, new_consumer, url


def test_wallet_needs_a_token(base_url):
    assert requests.get(url(base_url, '/api/wallet'), timeout=30).status_code == 401


def test_wallet_shows_balance_limits_and_recent_transactions(base_url):
    c = new_consumer(base_url)
    r = c.get('/api/wallet')
    assert r.status_code == 200
    d = r.json()['data']
    assert d['availableBalance'] == 50 and d['currency'] == 'BDT'
    assert d['dailyLimit'] == 25000 and d['monthlyLimit'] == 100000
    assert d['dailySpent'] == 0 and d['monthlySpent'] == 0
    assert [t['type'] for t in d['recentTransactions']] == ['ONBOARDING_BONUS']


def test_spent_counts_amount_plus_fee_going_out_not_money_received(base_url):
    sender = new_consumer(base_url, fund=3000)
    receiver = new_consumer(base_url)
    r = sender.post('/api/transactions/send-money',
                    json={'recipientIdentifier': receiver.email, 'amount': 1001})
    assert r.status_code == 200, r.text
    d = sender.get('/api/wallet').json()['data']
    assert d['dailySpent'] == 1006 and d['monthlySpent'] == 1006
    d = receiver.get('/api/wallet').json()['data']
    assert d['dailySpent'] == 0 and d['availableBalance'] == 1051


def test_recent_transactions_are_the_last_five(base_url):
    sender = new_consumer(base_url, fund=1000)
    receiver = new_consumer(base_url)
    for i in range(6):
        assert sender.post('/api/transactions/send-money',
                           json={'recipientIdentifier': receiver.phone, 'amount': 10 + i}).status_code == 200
    recent = sender.get('/api/wallet').json()['data']['recentTransactions']
    assert [t['amount'] for t in recent] == [15, 14, 13, 12, 11]


def test_agent_wallet_has_agent_limits(base_url):
    a = new_agent(base_url)
    d = a.get('/api/wallet').json()['data']
    assert d['dailyLimit'] == 100000 and d['monthlyLimit'] == 500000 and d['availableBalance'] == 0
