"""Helpers for the receivables app's HTTP tests: users, logins and generated XLSX uploads."""
import datetime
import io
import uuid
import zipfile
from xml.sax.saxutils import escape

import requests

from conftest import run_sql

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


def _cell(ref, value):
    if isinstance(value, datetime.date):  # an Excel date: a serial number in a date format
        return f'<c r="{ref}" s="1"><v>{(value - datetime.date(1899, 12, 30)).days}</v></c>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _column(i):
    name = ''
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def xlsx(rows):
    """A one-sheet workbook of rows (lists of str/int/float/date/None), the first row the header."""
    sheet_rows = []
    for n, row in enumerate(rows, start=1):
        cells = ''.join(_cell(f'{_column(i)}{n}', v) for i, v in enumerate(row) if v is not None)
        sheet_rows.append(f'<row r="{n}">{cells}</row>')
    parts = {
        '[Content_Types].xml':
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '</Types>',
        '_rels/.rels':
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>',
        'xl/workbook.xml':
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Outstanding" sheetId="1" r:id="rId1"/></sheets></workbook>',
        'xl/_rels/workbook.xml.rels':
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            '</Relationships>',
        'xl/styles.xml':
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
            '</styleSheet>',
        'xl/worksheets/sheet1.xml':
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData>' + ''.join(sheet_rows) + '</sheetData></worksheet>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buf.getvalue()


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
