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


def test_a_bare_date_is_the_whole_utc_day_in_filters_and_buckets(base_url):
    # Between 18:00 and 24:00 UTC the Dhaka date is already the next day: the filter and the
    # buckets must still agree on one day, the UTC one that response timestamps are in.
    admin = new_admin(base_url)
    c = new_consumer(base_url, fund=1000)
    r = admin.post('/api/admin/consumers/list', json={'offset': 0, 'limit': 5, 'search': c.email})
    created = r.json()['data']['consumers'][0]['createdAt']
    day = created[:10]
    day_only = {'startDate': day, 'endDate': day}
    r = admin.post('/api/admin/consumers/list',
                   json={'offset': 0, 'limit': 5, 'search': c.email, 'endDate': day})
    assert r.json()['data']['pagination']['total'] == 1, 'a bare endDate includes its whole day'
    r = admin.post('/api/admin/consumers/list', json={'offset': 0, 'limit': 5, 'search': c.email, **day_only})
    assert r.json()['data']['pagination']['total'] == 1
    r = admin.get('/api/admin/analytics/transactions', params=day_only)
    assert r.status_code == 200
    assert [t['date'] for t in r.json()['data']['timeline']] == [day]
    assert r.json()['data']['byType']['ADD_MONEY']['count'] >= 1
    r = admin.get('/api/admin/analytics/consumers', params=day_only)
    assert [t['date'] for t in r.json()['data']['registrationTrend']] == [day]
    r = admin.get('/api/admin/platform-wallet/transactions', params={'endDate': day, 'limit': 100})
    assert r.status_code == 200 and r.json()['data']['pagination']['totalItems'] >= 1


def test_lists_refuse_an_end_before_the_start(base_url):
    admin = new_admin(base_url)
    wrong = {'startDate': '2030-01-01', 'endDate': '2020-01-01'}
    r = admin.post('/api/admin/consumers/list', json={'offset': 0, 'limit': 5, **wrong})
    assert r.status_code == 400
    assert r.json()['errors'] == [{'field': 'endDate', 'message': 'End date must not be before start date'}]
    r = admin.get('/api/admin/platform-wallet/transactions', params=wrong)
    assert r.status_code == 400
    assert r.json()['errors'] == [{'field': 'endDate', 'message': 'End date must not be before start date'}]
