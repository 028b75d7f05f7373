"""Admin - Analytics: computed from the data."""
from wallet.helpers import new_admin, new_agent, new_consumer


def test_analytics_reflect_a_new_cash_out(base_url):
    admin = new_admin(base_url)
    before = {p: admin.get('/api/admin/analytics/' + p).json()['data']
              for p in ('dashboard', 'transactions', 'consumers', 'agents', 'revenue')}
    c, a = new_consumer(base_url, fund=1000), new_agent(base_url)
    assert c.post('/api/transactions/cash-out', json={'agentCode': a.agent_code, 'amount': 1000}).status_code == 200
    after = {p: admin.get('/api/admin/analytics/' + p).json()['data']
             for p in ('dashboard', 'transactions', 'consumers', 'agents', 'revenue')}
    assert after['dashboard']['users']['total'] == before['dashboard']['users']['total'] + 1
    assert after['dashboard']['agents']['total'] == before['dashboard']['agents']['total'] + 1
    assert round(after['dashboard']['revenue']['total'] - before['dashboard']['revenue']['total'], 2) == 18.5
    assert after['transactions']['byType']['CASH_OUT']['count'] == \
        before['transactions']['byType'].get('CASH_OUT', {'count': 0})['count'] + 1
    assert after['consumers']['total'] == before['consumers']['total'] + 1
    assert round(after['agents']['totalCommissionsPaid'] - before['agents']['totalCommissionsPaid'], 2) == 15
    assert round(after['revenue']['bySource']['CASH_OUT_FEE'] - before['revenue']['bySource'].get('CASH_OUT_FEE', 0), 2) == 18.5


def test_analytics_validate_their_query(base_url):
    admin = new_admin(base_url)
    assert admin.get('/api/admin/analytics/transactions', params={'groupBy': 'year'}).status_code == 400
    assert admin.get('/api/admin/analytics/revenue', params={'startDate': 'yesterday'}).status_code == 400
    r = admin.get('/api/admin/analytics/transactions', params={'groupBy': 'month', 'startDate': '2020-01-01'})
    assert r.status_code == 200 and r.json()['data']['groupBy'] == 'month'
    c = new_consumer(base_url)
    assert c.get('/api/admin/analytics/dashboard').status_code == 401


def test_analytics_name_the_date_at_fault(base_url):
    admin = new_admin(base_url)
    r = admin.get('/api/admin/analytics/revenue', params={'startDate': '2026-01-01', 'endDate': 'nope'})
    assert r.status_code == 400 and [e['field'] for e in r.json()['errors']] == ['endDate']
    r = admin.get('/api/admin/analytics/transactions', params={'startDate': '2026-02-01', 'endDate': '2026-01-01'})
    assert r.status_code == 400
    assert r.json()['errors'] == [{'field': 'endDate', 'message': 'End date must not be before start date'}]
    r = admin.get('/api/admin/platform-wallet/transactions', params={'startDate': 'soon'})
    assert r.status_code == 400 and [e['field'] for e in r.json()['errors']] == ['startDate']
    r = admin.get('/api/admin/analytics/revenue', params={'startDate': '2026-01-01', 'endDate': '2026-01-01'})
    assert r.status_code == 200, 'a bare end date includes its whole day'
