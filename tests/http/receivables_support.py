"""Helpers for the receivables app's HTTP tests: users, logins and generated XLSX uploads."""
import datetime
import uuid

import requests

from conftest import run_sql
from xlsx_support import sheet_xml, workbook

PASSWORD = 'correct horse 42'


def app_url(base_url):
    return base_url + '/receivables/api'


def unique(prefix):
    return f'{prefix}-{uuid.uuid4().hex[:10]}'


def make_user(role, region=None, department='Batching Plant', name=None):
    """Creates a user through the DBA's bootstrap function; returns (id, email)."""
    email = unique(role.lower().replace(' ', '')) + '@example.com'
    rows = run_sql(
        "SELECT receivables.create_user(%s, %s, %s, %s, %s, %s)" % tuple(
            'NULL' if v is None else "'" + v.replace("'", "''") + "'"
            for v in (name or unique('User'), email, PASSWORD, role, region, department)))
    return str(rows[0][0]), email


def login(base_url, email, password=PASSWORD):
    r = requests.post(app_url(base_url) + '/auth/login',
                      json={'email': email, 'password': password}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()['token']


def user_session(base_url, role, region=None, department='Batching Plant'):
    """(user id, requests.Session carrying the user's token)."""
    user_id, email = make_user(role, region, department)
    s = requests.Session()
    s.headers['Authorization'] = 'Bearer ' + login(base_url, email)
    return user_id, s


def xlsx(rows):
    """A one-sheet workbook of rows (lists of str/int/float/date/None), the first row the header."""
    return workbook(sheet_xml(rows), 'Outstanding')


HEADER = ['Customer Code', 'Customer Name', 'Region', 'Invoice Number', 'Invoice Date', 'Amount',
          'Credit Days', 'Department']


def upload(session, base_url, rows, month, financial_year, header=HEADER, filename='out.xlsx'):
    data = xlsx([header] + rows)
    return session.post(app_url(base_url) + '/upload',
                        files={'file': (filename, data, 'application/vnd.openxmlformats-'
                                        'officedocument.spreadsheetml.sheet')},
                        data={'month': month, 'financialYear': financial_year}, timeout=60)


def json_of(response):
    """The body with exact decimals, as money should be compared."""
    from decimal import Decimal
    return response.json(parse_float=Decimal)


_SCENARIO = {}

APRIL = [
    # code, name, region, invoice, date, amount, credit days, department
    ['C1', 'Patil Infra', 'Pune', 'I1', datetime.date(2025, 4, 20), 1000.5, 30, 'Batching Plant'],
    ['C1', 'Patil Infra', 'Pune', 'I2', '2025-03-01', 2000, 15, 'Batching Plant'],
    ['C2', 'Goa Ready Mix', 'goa', 'I3', '2025-01-10', 3000, 0, 'Batching Plant'],
    ['C3', 'Delhi Pumps', 'DELHI', 'I4', '01/04/2025', '400.25', 10, 'Concrete Pumps'],
    ['C3', 'Delhi Pumps', 'DELHI', 'I5', '2025-02-15', 500, 30, 'Batching Plant'],
]
MAY = [
    ['C1', 'Patil Infra', 'Pune', 'I1', '2025-04-20', 1000.5, 30, 'Batching Plant'],
    ['C1', 'Patil Infra', 'Pune', 'I2', '2025-03-01', '1,500.00', 15, 'Batching Plant'],
    ['C2', 'Goa Ready Mix', 'goa', 'I3', '2025-01-10', 3000, 0, 'Batching Plant'],
    ['C3', 'Delhi Pumps', 'DELHI', 'I4', '01/04/2025', '400.25', 10, 'Concrete Pumps'],
    ['C2', 'Goa Ready Mix', 'goa', 'I6', '2025-05-10', 750, 30, 'Batching Plant'],
]


def scenario(base_url):
    """April and May 2025 uploaded once per test run by an Admin (the uploads of a book form
    one sequence of months, so every test reads this one). Codes carry a run prefix."""
    if not _SCENARIO:
        prefix = unique('R')
        def rows(month):
            return [[prefix + '-' + r[0]] + r[1:3] + [prefix + '-' + r[3]] + r[4:] for r in month]
        admin_id, admin = user_session(base_url, 'Admin')
        april = upload(admin, base_url, rows(APRIL), 'April', '2025-26')
        may = upload(admin, base_url, rows(MAY), 'May', '2025-26')
        _SCENARIO.update(prefix=prefix, admin=admin, admin_id=admin_id, april=april, may=may)
    return _SCENARIO
