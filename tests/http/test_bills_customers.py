"""GET /customer/ and GET /bills/:customerId: a biller sees its own data, and only that."""
import uuid

import pytest
import requests

from bills_support import auth, csv_file, login, new_biller, upload


@pytest.fixture(scope='module')
def app(base_url):
    return base_url + '/bills'


@pytest.fixture(scope='module')
def biller(app):
    b = new_biller()
    b['token'] = login(app, b)
    b['key'] = uuid.uuid4().hex[:8]
    k = b['key']
    r = upload(app, b['token'], b['billerId'],
               csv_file([('NADHIYA', f'96-{k}', f'N1-{k}', '500', '2025-01-01', '2025-01-31', 'Jan')]))
    assert r.status_code == 200, r.text
    return b


def test_customers_come_with_the_ids_of_their_bills(app, biller):
    r = requests.get(app + '/customer/', headers=auth(biller['token']),
                     json={'billerId': biller['billerId']}, timeout=30)
    assert r.status_code == 200
    [customer] = r.json()
    assert customer['customerName'] == 'NADHIYA'
    assert customer['customerIdentifier'] == f"96-{biller['key']}"
    assert customer['billerId'] == biller['billerId']
    assert len(customer['bills']) == 1 and customer['activeBills'] == customer['bills']


def test_the_biller_id_may_come_as_a_query_parameter(app, biller):
    r = requests.get(app + '/customer/', headers=auth(biller['token']),
                     params={'billerId': biller['billerId']}, timeout=30)
    assert r.status_code == 200 and len(r.json()) == 1


def test_another_billers_token_cannot_read_this_billers_customers(app, biller):
    other = new_biller()
    token = login(app, other)
    r = requests.get(app + '/customer/', headers=auth(token),
                     json={'billerId': biller['billerId']}, timeout=30)
    assert r.status_code == 404
    assert f"96-{biller['key']}" not in r.text
    # Its own list does not hold them either, and their bills are not found.
    assert requests.get(app + '/customer/', headers=auth(token), timeout=30).json() == []
    mine = requests.get(app + '/customer/', headers=auth(biller['token']), timeout=30).json()
    r = requests.get(f"{app}/bills/{mine[0]['_id']}", headers=auth(token), timeout=30)
    assert r.status_code == 404


def test_customers_need_a_token(app):
    assert requests.get(app + '/customer/', timeout=30).status_code == 401


def test_bills_take_expired_from_the_query_too(app, biller):
    mine = requests.get(app + '/customer/', headers=auth(biller['token']), timeout=30).json()
    url = f"{app}/bills/{mine[0]['_id']}"
    assert len(requests.get(url, headers=auth(biller['token']), params={'expired': 'false'},
                            timeout=30).json()) == 1
    assert requests.get(url, headers=auth(biller['token']), params={'expired': 'true'},
                        timeout=30).json() == []
    assert requests.get(url, headers=auth(biller['token']), params={'expired': 'maybe'},
                        timeout=30).status_code == 400
