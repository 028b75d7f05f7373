"""Monthly uploads: one atomic snapshot per month, the diff with the previous month, refusals."""
import requests

from conftest import run_sql
from receivables_support import (HEADER, app_url, json_of, scenario, unique, upload,
                                 user_session)


def test_two_months_are_counted_and_april_is_all_new(base_url):
    s = scenario(base_url)
    assert s['april'].status_code == 200, s['april'].text
    april = s['april'].json()
    assert april['count'] == 5 and april['message'] == 'Upload successful.'
    assert april['month'] == '2025-04' and april['financialYear'] == '2025-26'
    assert april['changes']['counts']['new'] == 5
    assert april['changes']['settled'] == []


def test_may_reports_new_settled_changed_and_bucket_moves_since_april(base_url):
    s = scenario(base_url)
    p = s['prefix'] + '-'
    assert s['may'].status_code == 200, s['may'].text
    may = json_of(s['may'])
    assert may['count'] == 5 and may['previousMonth'] == '2025-04'
    changes = may['changes']
    assert changes['new'] == [p + 'I6']
    assert changes['settled'] == [p + 'I5']
    assert changes['changed'] == [{'invoiceNumber': p + 'I2', 'from': 2000, 'to': 1500}]
    assert changes['bucketMoves'] == [
        {'invoiceNumber': p + 'I1', 'from': 'current', 'to': '0-30'},
        {'invoiceNumber': p + 'I2', 'from': '31-60', 'to': '61-90'},
        {'invoiceNumber': p + 'I4', 'from': '0-30', 'to': '31-60'},
    ]
    assert changes['counts'] == {'new': 1, 'settled': 1, 'changed': 1, 'unchanged': 3,
                                 'bucketMoves': 3}


def test_the_settled_and_collected_amounts_are_payments_in_the_ledger(base_url):
    s = scenario(base_url)
    p = s['prefix'] + '-'
    rows = run_sql(
        "SELECT d.number, d.status, d.amount - d.settled FROM khata.documents d "
        f"WHERE d.book_id = khata.book_id('receivables') AND d.number LIKE '{p}%' ORDER BY 1")
    owed = {number: (status, left) for number, status, left in rows}
    assert owed[p + 'I5'] == ('paid', 0)
    assert owed[p + 'I2'] == ('partially_paid', 150000)
    assert owed[p + 'I6'] == ('open', 75000)
    assert run_sql("SELECT count(*) FROM khata.verify_book(khata.book_id('receivables'))") == [(0,)]


def test_an_engineers_upload_is_refused_and_changes_nothing(base_url):
    scenario(base_url)
    _, engineer = user_session(base_url, 'Engineer', 'pune')
    before = run_sql('SELECT count(*) FROM receivables.uploads')
    r = upload(engineer, base_url, [['X1', 'X', 'pune', unique('X'), '2025-06-01', 10, 0, 'B']],
               'June', '2025-26')
    assert r.status_code == 403
    assert r.json() == {'error': 'Only a Country Manager or an Admin can upload.'}
    assert run_sql('SELECT count(*) FROM receivables.uploads') == before


def test_a_file_that_is_not_a_workbook_is_refused_and_changes_nothing(base_url):
    s = scenario(base_url)
    before = run_sql('SELECT count(*), (SELECT count(*) FROM khata.documents) '
                     'FROM receivables.uploads')
    r = s['admin'].post(app_url(base_url) + '/upload',
                        files={'file': ('june.xlsx', b'PK\x03\x04 this is not a zip archive')},
                        data={'month': 'June', 'financialYear': '2025-26'})
    assert r.status_code == 400
    assert r.json()['error'] == 'File processing failed.'
    assert run_sql('SELECT count(*), (SELECT count(*) FROM khata.documents) '
                   'FROM receivables.uploads') == before


def test_bad_rows_are_reported_by_line_and_the_whole_file_changes_nothing(base_url):
    s = scenario(base_url)
    p = s['prefix'] + '-'
    before = run_sql("SELECT count(*), (SELECT count(*) FROM khata.documents), "
                     "(SELECT count(*) FROM khata.payments) FROM receivables.uploads")
    rows = [
        [p + 'C1', 'Patil Infra', 'pune', p + 'I1', '2025-04-20', 900, 30, 'Batching Plant'],
        [p + 'C9', 'Nowhere Ltd', 'atlantis', p + 'I90', '2025-06-01', 10, 0, 'B'],
        [p + 'C9', 'Nowhere Ltd', 'pune', p + 'I91', 'yesterday', 10, 0, 'B'],
        [p + 'C9', 'Nowhere Ltd', 'pune', p + 'I92', '2025-06-01', '10.005', 0, 'B'],
        [p + 'C1', 'Patil Infra', 'pune', p + 'I1', '2025-06-01', 10, 0, 'B'],
        [p + 'C9', 'Nowhere Ltd', 'pune', p + 'I3', '2025-06-01', 10, 0, 'B'],
    ]
    r = upload(s['admin'], base_url, rows, 'June', '2025-26')
    assert r.status_code == 400
    body = r.json()
    assert body['error'] == 'File processing failed.'
    lines = {e['line']: e['error'] for e in body['errors']}
    assert set(lines) == {3, 4, 5, 6, 7}, lines
    assert 'region' in lines[3] and 'invoice date' in lines[4] and 'amount' in lines[5]
    assert 'also on line 2' in lines[6] and 'belongs to customer' in lines[7]
    assert run_sql("SELECT count(*), (SELECT count(*) FROM khata.documents), "
                   "(SELECT count(*) FROM khata.payments) FROM receivables.uploads") == before


def test_a_missing_column_and_an_earlier_month_are_refused(base_url):
    s = scenario(base_url)
    r = upload(s['admin'], base_url, [['C', 'N', 'pune', 'I', '2025-06-01', 'B']], 'June',
               '2025-26', header=['Customer Code', 'Customer Name', 'Region', 'Invoice Number',
                                  'Invoice Date', 'Department'])
    assert r.status_code == 400 and 'amount' in r.json()['errors'][0]['error']
    r = upload(s['admin'], base_url, [['C', 'N', 'pune', unique('I'), '2025-04-01', 5, 0, 'B']],
               'April', '2025-26')
    assert r.status_code == 409
    r = upload(s['admin'], base_url, [['C', 'N', 'pune', unique('I'), '2025-04-01', 5, 0, 'B']],
               'Juny', '2025-26')
    assert r.status_code == 400
    assert set(HEADER) >= {'Customer Code', 'Amount'}
    assert requests.post(app_url(base_url) + '/upload').status_code == 401
