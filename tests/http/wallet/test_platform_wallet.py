"""Admin - Platform Wallet Management: stats, transactions, revenue summary, reconcile."""
from conftest import run_sql
from wallet.helpers import new_admin, new_agent, new_consumer, platform_balance


def test_cash_out_shows_fee_and_commission_entries_with_balances(base_url):
    admin = new_admin(base_url)
    c, a = new_consumer(base_url, fund=1000), new_agent(base_url)
    txid = c.post('/api/transactions/cash-out', json={'agentCode': a.agent_code, 'amount': 1000}).json()['data']['transaction']['transactionId']
    r = admin.get('/api/admin/platform-wallet/transactions', params={'limit': 10})
    assert r.status_code == 200
    entries = [e for e in r.json()['data']['transactions'] if e['relatedTransactionId'] == txid]
    by_type = {e['transactionType']: e for e in entries}
    assert by_type['FEE_COLLECTED']['amount'] == 18.5 and by_type['FEE_COLLECTED']['entryType'] == 'CREDIT'
    assert by_type['COMMISSION_PAID']['amount'] == 15 and by_type['COMMISSION_PAID']['entryType'] == 'DEBIT'
    fee, com = by_type['FEE_COLLECTED'], by_type['COMMISSION_PAID']
    assert round(fee['balanceAfter'] - fee['balanceBefore'], 2) == 18.5
    assert com['balanceBefore'] == fee['balanceAfter']
    assert com['balanceAfter'] == platform_balance() / 100 or com['balanceAfter'] <= fee['balanceAfter']
    assert fee['metadata'] == {'transactionType': 'CASH_OUT', 'feeRate': 1.85}
    assert com['metadata'] == {'transactionType': 'CASH_OUT', 'agentCode': a.agent_code, 'commissionRate': 1.5}


def test_stats_and_revenue_summary_agree_with_the_ledger(base_url):
    admin = new_admin(base_url)
    new_consumer(base_url)
    s = admin.get('/api/admin/platform-wallet/stats').json()['data']
    assert s['balance'] == platform_balance() / 100
    assert s['totalBonusesGiven'] >= 50
    assert round(s['netRevenue'], 2) == round(s['totalFeesCollected'] - s['totalCommissionsPaid'] - s['totalBonusesGiven'], 2)
    r = admin.get('/api/admin/platform-wallet/revenue-summary').json()['data']
    assert r['currentBalance'] == s['balance'] and r['allTime']['netRevenue'] == s['netRevenue']


def test_reconcile_passes_on_a_healthy_book(base_url):
    admin = new_admin(base_url)
    r = admin.get('/api/admin/platform-wallet/reconcile')
    assert r.status_code == 200
    d = r.json()['data']
    assert d['success'] is True and d['discrepancy'] == 0
    assert d['currentBalance'] == d['calculatedBalance']


def test_reconcile_reports_a_planted_discrepancy(base_url):
    admin = new_admin(base_url)
    planted = "UPDATE khata.balances SET posted = posted {} 1550 WHERE account_id = wallet.account('PLATFORM') AND slot = 0"
    run_sql(planted.format('+'))
    try:
        r = admin.get('/api/admin/platform-wallet/reconcile')
        d = r.json()['data']
        assert d['success'] is False and d['discrepancy'] == 15.5
        assert r.json()['message'] == 'Reconciliation failed: discrepancy of ৳15.50'
        assert any(i['problem'] == 'posted balance drift' for i in d['ledgerIssues'])
    finally:
        run_sql(planted.format('-'))
    assert admin.get('/api/admin/platform-wallet/reconcile').json()['data']['success'] is True
