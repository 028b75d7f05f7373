"""POST /customer/upload/:billerId: CSV and XLSX files as atomic versions of a biller's bills."""
import datetime
import uuid

import pytest
import requests

from bills_support import (auth, csv_file, login, new_biller, upload, xlsx_bomb, xlsx_file,
                           zip_parts)


@pytest.fixture(scope='module')
def app(base_url):
    return base_url + '/bills'


@pytest.fixture
def biller(app):
    b = new_biller()
    b['token'] = login(app, b)
    return b


def uid():
    return uuid.uuid4().hex[:8]


def bills_of(app, biller, customer_identifier, expired=False):
    customers = requests.get(app + '/customer/', headers=auth(biller['token']),
                             json={'billerId': biller['billerId']}, timeout=30).json()
    customer = next(c for c in customers if c['customerIdentifier'] == customer_identifier)
    r = requests.get(f"{app}/bills/{customer['_id']}", headers=auth(biller['token']),
                     json={'expired': expired}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_csv_upload_creates_customers_with_their_active_bills(app, biller):
    k = uid()
    data = csv_file([
        ('NADHIYA', f'96-{k}', f'B-{k}-1', '1018.5', '2025-01-01', '2025-01-31', 'Jan 2025'),
        ('NADHIYA', f'96-{k}', f'B-{k}-2', '200', '2025-01-01', '2025-02-28', 'Feb 2025'),
        ('Rahim Traders', f'97-{k}', f'B-{k}-3', '75.25', '2025-01-05', '2025-01-20', ''),
    ])
    r = upload(app, biller['token'], biller['billerId'], data)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body['rowsRead'], body['rowsImported'], body['customersCreated'],
            body['customersUpdated'], body['billsCreated'], body['billsExpired']) == (3, 3, 2, 0, 3, 0)
    assert body['errors'] == []
    bills = bills_of(app, biller, f'96-{k}')
    assert [(b['billNumber'], b['amount'], b['dueDate'], b['status'], b['outstanding'])
            for b in bills] == [(f'B-{k}-1', 1018.5, '2025-01-31', 'open', 1018.5),
                                (f'B-{k}-2', 200, '2025-02-28', 'open', 200)]
    assert bills[0]['period'] == 'Jan 2025' and bills[0]['paid'] == 0


def test_an_xlsx_upload_is_read_like_a_csv(app, biller):
    k = uid()
    data = xlsx_file([('Karim & Sons', f'X-{k}', f'XB-{k}', 250.75, '2025-03-01', '2025-03-31',
                       'Mar 2025')],
                     header=('customerName', 'customerIdentifier', 'billNumber', 'amount',
                             'billDate', 'dueDate', 'period'))
    r = upload(app, biller['token'], biller['billerId'], data, filename='bills.xlsx')
    assert r.status_code == 200, r.text
    assert r.json()['billsCreated'] == 1 and r.json()['customersCreated'] == 1
    [bill] = bills_of(app, biller, f'X-{k}')
    assert bill['amount'] == 250.75 and bill['customerName'] == 'Karim & Sons'


def test_xlsx_date_cells_are_read_as_dates(app, biller):
    k = uid()
    data = xlsx_file([('Rahim', f'Y-{k}', f'YB-{k}', 1018.5, datetime.date(2025, 2, 1),
                       datetime.date(2025, 2, 28), 'Feb 2025')])
    r = upload(app, biller['token'], biller['billerId'], data, filename='bills.xlsx')
    assert r.status_code == 200 and r.json()['errors'] == [], r.text
    [bill] = bills_of(app, biller, f'Y-{k}')
    assert (bill['billDate'], bill['dueDate'], bill['amount']) == ('2025-02-01', '2025-02-28', 1018.5)


def test_a_second_upload_expires_the_customers_previous_unpaid_bills(app, biller):
    k = uid()
    first = csv_file([('A', f'C-{k}', f'OLD-{k}', '100', '2025-01-01', '2025-01-31', 'Jan'),
                      ('B', f'D-{k}', f'KEEP-{k}', '50', '2025-01-01', '2025-01-31', 'Jan')])
    assert upload(app, biller['token'], biller['billerId'], first).status_code == 200
    second = csv_file([('A renamed', f'C-{k}', f'NEW-{k}', '120', '2025-02-01', '2025-02-28', 'Feb')])
    r = upload(app, biller['token'], biller['billerId'], second)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body['customersCreated'], body['customersUpdated'], body['billsCreated'],
            body['billsExpired']) == (0, 1, 1, 1)
    assert [b['billNumber'] for b in bills_of(app, biller, f'C-{k}')] == [f'NEW-{k}']
    expired = bills_of(app, biller, f'C-{k}', expired=True)
    assert [(b['billNumber'], b['status'], b['outstanding']) for b in expired] == \
        [(f'OLD-{k}', 'expired', 0)]
    # A customer the second file does not list keeps its bills.
    assert [b['billNumber'] for b in bills_of(app, biller, f'D-{k}')] == [f'KEEP-{k}']


def test_uploading_the_same_file_again_changes_nothing(app, biller):
    k = uid()
    data = csv_file([('A', f'S-{k}', f'S1-{k}', '10', '2025-01-01', '2025-01-31', 'Jan'),
                     ('A', f'S-{k}', f'S2-{k}', '20', '2025-01-01', '2025-01-31', 'Jan')])
    assert upload(app, biller['token'], biller['billerId'], data).json()['billsCreated'] == 2
    again = upload(app, biller['token'], biller['billerId'], data).json()
    assert (again['rowsRead'], again['customersCreated'], again['customersUpdated'],
            again['billsCreated'], again['billsExpired'], again['errors']) == (2, 0, 0, 0, 0, [])
    assert len(bills_of(app, biller, f'S-{k}')) == 2


def test_a_broken_row_is_reported_with_its_line_and_the_good_rows_imported(app, biller):
    k = uid()
    data = csv_file([('A', f'G-{k}', f'G1-{k}', '10', '2025-01-01', '2025-01-31', 'Jan'),
                     ('B', f'H-{k}', f'H1-{k}', 'ten', '2025-01-01', '2025-01-31', 'Jan'),
                     ('C', f'I-{k}', f'I1-{k}', '5', '2025-01-01', '31.01.2025', 'Jan')])
    r = upload(app, biller['token'], biller['billerId'], data)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body['rowsRead'] == 3 and body['rowsImported'] == 1 and body['billsCreated'] == 1
    assert [(e['line'], e['field']) for e in body['errors']] == [(3, 'amount'), (4, 'due date')]
    assert 'ten' in body['errors'][0]['message']


def test_a_customer_with_a_broken_row_is_kept_out_whole(app, biller):
    k = uid()
    data = csv_file([('A', f'W-{k}', f'W1-{k}', '10', '2025-01-01', '2025-01-31', 'Jan'),
                     ('A', f'W-{k}', f'W2-{k}', '-3', '2025-01-01', '2025-01-31', 'Jan')])
    body = upload(app, biller['token'], biller['billerId'], data).json()
    assert body['billsCreated'] == 0 and body['customersCreated'] == 0
    assert [(e['line'], e['field']) for e in body['errors']] == [(2, None), (3, 'amount')]


def test_atomic_upload_with_an_error_imports_nothing(app, biller):
    k = uid()
    data = csv_file([('A', f'T-{k}', f'T1-{k}', '10', '2025-01-01', '2025-01-31', 'Jan'),
                     ('B', f'U-{k}', '', '10', '2025-01-01', '2025-01-31', 'Jan')])
    r = upload(app, biller['token'], biller['billerId'], data, query='?atomic=true')
    assert r.status_code == 422
    assert [(e['line'], e['field']) for e in r.json()['errors']] == [(3, 'bill number')]
    customers = requests.get(app + '/customer/', headers=auth(biller['token']), timeout=30).json()
    assert f'T-{k}' not in [c['customerIdentifier'] for c in customers]


def test_upload_to_another_billers_id_is_404(app, biller):
    other = new_biller()
    data = csv_file([('A', 'C1', f'Z-{uid()}', '10', '2025-01-01', '2025-01-31', 'Jan')])
    assert upload(app, biller['token'], other['billerId'], data).status_code == 404


def test_upload_without_a_token_is_401(app, biller):
    r = requests.post(f"{app}/customer/upload/{biller['billerId']}",
                      files={'file': ('a.csv', b'x', 'text/csv')}, timeout=30)
    assert r.status_code == 401


def test_a_zip_bomb_is_refused_without_exhausting_memory(app, biller):
    data = xlsx_bomb(inflated_mib=64)
    assert len(data) < 1024 * 1024
    r = upload(app, biller['token'], biller['billerId'], data, filename='bomb.xlsx')
    assert r.status_code == 400, r.text
    assert 'cannot be read' in r.json()['message']
    # The server is still there, and still answers.
    assert requests.get(app + '/customer/', headers=auth(biller['token']),
                        timeout=30).status_code == 200


def test_an_xlsx_with_an_external_entity_is_refused(app, biller):
    sheet = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row>'
             '</sheetData></worksheet>')
    r = upload(app, biller['token'], biller['billerId'], xlsx_file([], sheet_xml=sheet),
               filename='entity.xlsx')
    assert r.status_code == 400, r.text
    assert 'root:' not in r.text


def test_a_file_that_is_not_a_table_is_refused_as_a_whole(app, biller):
    r = upload(app, biller['token'], biller['billerId'], zip_parts({'a.txt': 'hello'}),
               filename='a.xlsx')
    assert r.status_code == 400
