"""Customers and the invoice tracker: who sees what, and the follow-up mutations."""
from receivables_support import app_url, json_of, scenario, user_session


def customer_id(s, base_url, code):
    customers = s['admin'].get(app_url(base_url) + '/customers').json()
    return next(c['id'] for c in customers if c['customerCode'] == s['prefix'] + '-' + code)


def test_an_engineer_sees_only_the_customers_assigned_to_them(base_url):
    s = scenario(base_url)
    p = s['prefix'] + '-'
    engineer_id, engineer = user_session(base_url, 'Engineer', 'pune')
    assert engineer.get(app_url(base_url) + '/customers').json() == []
    c1 = customer_id(s, base_url, 'C1')
    r = s['admin'].put(f'{app_url(base_url)}/customers/{c1}/assign-engineer',
                       json={'engineerId': engineer_id})
    assert r.status_code == 200 and r.json() == {'success': True}

    customers = json_of(engineer.get(app_url(base_url) + '/customers'))
    assert [c['customerCode'] for c in customers] == [p + 'C1']
    assert customers[0]['outstandingAmount'] == 2500.5
    assert customers[0]['assignedEngineer']['id'] == engineer_id
    assert sorted(i['invoiceNumber'] for i in customers[0]['invoices']) == [p + 'I1', p + 'I2']
    tracker = engineer.get(app_url(base_url) + '/invoice-tracker').json()
    assert sorted(t['invoiceNumber'] for t in tracker) == [p + 'I1', p + 'I2']
    dash = json_of(engineer.get(app_url(base_url) + '/dashboard'))
    assert dash['kpis']['totalOutstanding'] == 2500.5

    c2 = customer_id(s, base_url, 'C2')
    assert engineer.put(f'{app_url(base_url)}/customers/{c2}/notes',
                        json={'newNotes': 'x'}).status_code == 404
    assert engineer.put(f'{app_url(base_url)}/customers/{c2}/invoices/{p}I3/dispute',
                        json={'newStatus': 'dispute'}).status_code == 404
    assert engineer.put(f'{app_url(base_url)}/customers/{c1}/assign-engineer',
                        json={'engineerId': engineer_id}).status_code == 403


def test_a_manager_sees_their_region(base_url):
    s = scenario(base_url)
    p = s['prefix'] + '-'
    _, manager = user_session(base_url, 'Manager', 'delhi')
    customers = manager.get(app_url(base_url) + '/customers').json()
    assert [c['customerCode'] for c in customers] == [p + 'C3']
    tracker = manager.get(app_url(base_url) + '/invoice-tracker').json()
    assert [t['invoiceNumber'] for t in tracker] == [p + 'I4']  # I5 was settled in May


def test_the_invoice_tracker_row_has_age_bucket_status_and_remark(base_url):
    s = scenario(base_url)
    p = s['prefix'] + '-'
    rows = json_of(s['admin'].get(app_url(base_url) + '/invoice-tracker',
                                  params={'region': 'pune', 'financialYear': '2025-26'}))
    i2 = next(r for r in rows if r['invoiceNumber'] == p + 'I2')
    assert i2['customerName'] == 'Patil Infra' and i2['region'] == 'pune'
    assert i2['amount'] == 1500 and i2['invoiceAmount'] == 2000
    assert i2['invoiceDate'] == '2025-03-01' and i2['ageInDays'] == 91
    assert i2['bucket'] == '61-90' and i2['status'] == 'unpaid'
    i1 = next(r for r in rows if r['invoiceNumber'] == p + 'I1')
    assert i1['invoiceDate'] == '2025-04-20', 'an Excel date cell (serial 45767) is read as a date'
    assert i1['dueDate'] == '2025-05-20' and i1['bucket'] == '0-30'
    april = s['admin'].get(app_url(base_url) + '/invoice-tracker',
                           params={'month': 'April', 'financialYear': '2025-26'}).json()
    assert p + 'I5' in [r['invoiceNumber'] for r in april]


def test_remark_and_notes_are_saved_and_validated(base_url):
    s = scenario(base_url)
    c3 = customer_id(s, base_url, 'C3')
    base = f'{app_url(base_url)}/customers/{c3}'
    assert s['admin'].put(base + '/remark', json={'newRemark': 'under follow-up'}).json() == \
        {'success': True}
    assert s['admin'].put(base + '/notes', json={'newNotes': 'Promised by EOD.'}).status_code == 200
    r = s['admin'].put(base + '/remark', json={'newRemark': 'sometime'})
    assert r.status_code == 400 and 'error' in r.json()
    c = next(c for c in s['admin'].get(app_url(base_url) + '/customers').json() if c['id'] == c3)
    assert (c['remarks'], c['notes']) == ('under follow-up', 'Promised by EOD.')


def test_only_an_engineer_can_be_assigned(base_url):
    s = scenario(base_url)
    c3 = customer_id(s, base_url, 'C3')
    manager_id, _ = user_session(base_url, 'Manager', 'delhi')
    r = s['admin'].put(f'{app_url(base_url)}/customers/{c3}/assign-engineer',
                       json={'engineerId': manager_id})
    assert r.status_code == 400
    assert s['admin'].put(f'{app_url(base_url)}/customers/999999999/remark',
                          json={'newRemark': 'none'}).status_code == 404
