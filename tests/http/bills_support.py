"""Shared steps of the bills HTTP tests: billers made as a DBA would, logins and upload files."""
import io
import uuid
import zipfile

import requests

import xlsx_support
from conftest import run_sql
from xlsx_support import workbook, zip_parts  # noqa: F401 (zip_parts: used by the tests)

PASSWORD = 'correct horse 42'


def new_biller(category='offline'):
    """A biller made with bills.create_biller; returns its email, billerId and API key."""
    email = f'biller-{uuid.uuid4().hex[:12]}@example.com'
    made = run_sql(f"SELECT bills.create_biller('{email}', '{PASSWORD}', 'Normal Finance', "
                   f"'{category}')")[0][0]
    return {'email': email, 'billerId': made['billerId'], 'apiKey': made['apiKey']}


def login(app, biller):
    r = requests.post(app + '/biller/login/',
                      json={'email': biller['email'], 'password': PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()['token']


def auth(token):
    return {'Authorization': f'Bearer {token}'}


def csv_file(rows, header=('Customer Name', 'Customer Identifier', 'Bill Number', 'Amount',
                           'Bill Date', 'Due Date', 'Period')):
    lines = [','.join(header)] + [','.join(str(c) for c in row) for row in rows]
    return ('\r\n'.join(lines) + '\r\n').encode()


def xlsx_file(rows, header=('Customer Name', 'Customer Identifier', 'Bill Number', 'Amount',
                            'Bill Date', 'Due Date', 'Period'), sheet_xml=None):
    """A minimal XLSX workbook of a header and rows, or of the worksheet XML given."""
    return workbook(sheet_xml or xlsx_support.sheet_xml([header, *rows]), 'Bills')


def upload(app, token, biller_id, data, filename='bills.csv', query=''):
    return requests.post(f'{app}/customer/upload/{biller_id}{query}', headers=auth(token),
                         files={'file': (filename, data, 'application/octet-stream')},
                         timeout=60)


def xlsx_bomb(inflated_mib):
    """A workbook whose sheet inflates to inflated_mib MiB of one repeated row, written as a
    stream so that the test itself never holds it."""
    whole = io.BytesIO(xlsx_file([]))
    out = io.BytesIO()
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            if item.filename != 'xl/worksheets/sheet1.xml':
                z.writestr(item.filename, src.read(item.filename))
        with z.open('xl/worksheets/sheet1.xml', 'w', force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats'
                        b'.org/spreadsheetml/2006/main"><sheetData><row r="1">')
            block = b'<c r="A1"><v>0</v></c>' * (1024 * 1024 // 22)
            for _ in range(inflated_mib):
                sheet.write(block)
            sheet.write(b'</row></sheetData></worksheet>')
    return out.getvalue()
