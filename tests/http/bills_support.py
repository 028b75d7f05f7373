"""Shared steps of the bills HTTP tests: billers made as a DBA would, logins and upload files."""
import datetime
import io
import uuid
import zipfile
from xml.sax.saxutils import escape

import requests

from conftest import run_sql

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


def _col(n):
    name = ''
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


def xlsx_file(rows, header=('Customer Name', 'Customer Identifier', 'Bill Number', 'Amount',
                            'Bill Date', 'Due Date', 'Period'), sheet_xml=None):
    """A minimal XLSX workbook: text as inline strings, numbers as numbers, dates as serial
    numbers in the builtin date format (as Excel saves them)."""
    def cell(ref, value):
        if isinstance(value, datetime.date):
            serial = (value - datetime.date(1899, 12, 30)).days
            return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
        if isinstance(value, (int, float)):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'

    body = []
    for i, row in enumerate([header, *rows], start=1):
        cells = ''.join(cell(f'{_col(j)}{i}', v) for j, v in enumerate(row))
        body.append(f'<row r="{i}">{cells}</row>')
    sheet = sheet_xml or (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData>{"".join(body)}</sheetData></worksheet>')
    return zip_parts({
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
            '<sheets><sheet name="Bills" sheetId="1" r:id="rId1"/></sheets></workbook>',
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
        'xl/worksheets/sheet1.xml': sheet,
    })


def zip_parts(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text if isinstance(text, bytes) else text.encode())
    return out.getvalue()


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
