"""The dashboard: KPIs and aging from khata.aging, as of the month's end, by who is asking."""
from decimal import Decimal

from receivables_support import app_url, json_of, scenario, user_session

BUCKETS = ['current', '0-30', '31-60', '61-90', '90+', 'disputed']


def dashboard(session, base_url, **query):
    r = session.get(app_url(base_url) + '/dashboard', params=query)
    assert r.status_code == 200, r.text
    return json_of(r)


def by_age(body):
    return {b['key']: b['value'] for b in body['outstandingByAge']}


def test_mays_buckets_hold_each_invoice_and_sum_to_the_outstanding(base_url):
    s = scenario(base_url)
    body = dashboard(s['admin'], base_url, month='May', financialYear='2025-26')
    assert body['asOf'] == '2025-05-31'
    ages = by_age(body)
    assert list(ages) == BUCKETS
    assert ages == {'current': 750, '0-30': Decimal('1000.5'), '31-60': Decimal('400.25'),
                    '61-90': 1500, '90+': 3000, 'disputed': 0}
    assert sum(ages.values()) == body['kpis']['totalOutstanding'] == Decimal('6650.75')
    assert body['kpis']['overdue'] == Decimal('5900.75')
    assert body['kpis']['collectedThisMonth'] == 1000   # 500 on I2, 500 settling I5
    assert body['kpis']['customersWithOverdue'] == 3


def test_april_is_still_what_april_said(base_url):
    s = scenario(base_url)
    body = dashboard(s['admin'], base_url, month='April', financialYear='2025-26')
    ages = by_age(body)
    assert ages == {'current': Decimal('1000.5'), '0-30': Decimal('400.25'), '31-60': 2500,
                    '61-90': 0, '90+': 3000, 'disputed': 0}
    assert sum(ages.values()) == body['kpis']['totalOutstanding']
    assert body['kpis']['collectedThisMonth'] == 0


def test_region_distribution_and_monthly_trends_across_the_year(base_url):
    s = scenario(base_url)
    body = dashboard(s['admin'], base_url, financialYear='2025-26')
    assert body['month'] == '2025-05'
    regions = {r['region']: r['value'] for r in body['regionDistribution']}
    assert regions == {'pune': Decimal('2500.5'), 'goa': 3750, 'delhi': Decimal('400.25')}
    trends = [(t['period'], t['outstanding'], t['collected']) for t in body['monthlyTrends']]
    assert trends == [('2025-04', Decimal('6900.75'), 0), ('2025-05', Decimal('6650.75'), 1000)]


def test_the_department_filter_narrows_every_figure(base_url):
    s = scenario(base_url)
    body = dashboard(s['admin'], base_url, month='May', financialYear='2025-26',
                     department='Concrete Pumps')
    assert by_age(body)['31-60'] == Decimal('400.25')
    assert body['kpis']['totalOutstanding'] == Decimal('400.25')


def test_a_dispute_moves_an_invoice_out_of_overdue_and_back(base_url):
    s = scenario(base_url)
    p = s['prefix'] + '-'
    customers = s['admin'].get(app_url(base_url) + '/customers').json()
    goa = next(c for c in customers if c['customerCode'] == p + 'C2')
    url = f"{app_url(base_url)}/customers/{goa['id']}/invoices/{p}I3/dispute"
    before = dashboard(s['admin'], base_url, month='May', financialYear='2025-26')

    r = s['admin'].put(url, json={'newStatus': 'dispute'})
    assert r.status_code == 200 and r.json() == {'success': True}
    during = dashboard(s['admin'], base_url, month='May', financialYear='2025-26')
    assert by_age(during)['90+'] == by_age(before)['90+'] - 3000
    assert by_age(during)['disputed'] == 3000
    assert during['kpis']['overdue'] == before['kpis']['overdue'] - 3000
    assert during['kpis']['disputed'] == 3000
    assert during['kpis']['totalOutstanding'] == before['kpis']['totalOutstanding']
    tracker = s['admin'].get(app_url(base_url) + '/invoice-tracker', params={'region': 'goa'}).json()
    assert {t['invoiceNumber']: t['status'] for t in tracker}[p + 'I3'] == 'dispute'

    r = s['admin'].put(url, json={'newStatus': 'unpaid'})
    assert r.status_code == 200
    after = dashboard(s['admin'], base_url, month='May', financialYear='2025-26')
    assert by_age(after) == by_age(before)
    assert s['admin'].put(url, json={'newStatus': 'lost'}).status_code == 400


def test_marking_an_invoice_paid_collects_it_and_unpaid_undoes_it(base_url):
    s = scenario(base_url)
    p = s['prefix'] + '-'
    customers = s['admin'].get(app_url(base_url) + '/customers').json()
    goa = next(c for c in customers if c['customerCode'] == p + 'C2')
    url = f"{app_url(base_url)}/customers/{goa['id']}/invoices/{p}I6/dispute"
    before = dashboard(s['admin'], base_url, month='May', financialYear='2025-26')
    assert s['admin'].put(url, json={'newStatus': 'paid'}).status_code == 200
    paid = dashboard(s['admin'], base_url, month='May', financialYear='2025-26')
    assert by_age(paid)['current'] == by_age(before)['current'] - 750
    assert paid['kpis']['collectedThisMonth'] == before['kpis']['collectedThisMonth'] + 750
    assert s['admin'].put(url, json={'newStatus': 'dispute'}).status_code == 409
    assert s['admin'].put(url, json={'newStatus': 'unpaid'}).status_code == 200
    assert dashboard(s['admin'], base_url, month='May', financialYear='2025-26') == before


def test_a_manager_sees_the_dashboard_of_their_region_only(base_url):
    s = scenario(base_url)
    _, manager = user_session(base_url, 'Manager', 'goa')
    body = dashboard(manager, base_url, month='May', financialYear='2025-26')
    assert body['kpis']['totalOutstanding'] == 3750
    assert [r['region'] for r in body['regionDistribution']] == ['goa']
    assert s  # the scenario is loaded before the manager looks
