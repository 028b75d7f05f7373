"""Pagination abuse on every list route: absurd, negative, zero and non-numeric page, limit and
offset are refused (400) or clamped, never a 500 and never more than the spec's 100 rows, also
where more than 100 rows exist."""
import base64
import json

import pytest
import requests

from conftest import run_sql
from security.conftest import app_base, route_id, routes
from wallet import helpers as wallet

MAX_ROWS = 100
GET_ROUTES = [r for r in routes() if r[1] == 'GET']
LIST_BODY_ROUTES = [r for r in routes() if r[1] == 'POST' and r[2].endswith('/list')]

ABUSIVE_QUERIES = [
    {'limit': '1000000'}, {'limit': '-1'}, {'limit': 'abc'}, {'limit': '0'}, {'limit': '1e3'},
    {'limit': '100.5'}, {'limit': '99999999999999999999'}, {'limit': ''}, {'limit': ' 50'},
    {'page': '0'}, {'page': '-1'}, {'page': 'abc'}, {'page': '99999999999'},
    {'page': '999999', 'limit': '100'}, {'offset': '-5'}, {'offset': '99999999999999999999'},
    {'limit': ['1', '1000000']}, {'page': '1', 'limit': '101'},
]
ABUSIVE_BODIES = [
    {'offset': 0, 'limit': 1000000}, {'offset': 0, 'limit': -1}, {'offset': 0, 'limit': 'abc'},
    {'offset': -5, 'limit': 10}, {'offset': 0, 'limit': 0}, {'offset': 1e30, 'limit': 10},
    {'offset': 99999999999999999999, 'limit': 10}, {'offset': 0, 'limit': 100.5},
    {'offset': 0, 'limit': 1e2}, {'offset': '0', 'limit': '10'}, {'offset': None, 'limit': None},
    {'offset': 0, 'limit': [10]}, {'offset': {}, 'limit': 10},
]


def arrays_in(value):
    """Every JSON array in a decoded body, outermost first."""
    if isinstance(value, list):
        yield value
        for v in value:
            yield from arrays_in(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from arrays_in(v)


def longest_list(response):
    return max((len(a) for a in arrays_in(response.json())), default=0)


def claims_of(token):
    part = token.split('.')[1]
    return json.loads(base64.urlsafe_b64decode(part + '=' * (-len(part) % 4)))


@pytest.fixture(scope='module')
def busy(base_url):
    """A consumer with more than 100 transactions (add-money of 50 taka, the minimum, made in one statement
    through the route's own handler)."""
    c = wallet.new_consumer(base_url)
    wallet.ensure_card()
    claims = json.dumps(claims_of(c.token)).replace("'", "''")
    body = json.dumps(wallet.card_body(50))
    made = run_sql(f"""SELECT count(*) FILTER (WHERE (wallet.h_add_money(jsonb_build_object(
                         'claims', '{claims}'::jsonb, 'body', '{body}'::jsonb,
                         'headers', '{{}}'::jsonb)) ->> 'status') = '200')
                       FROM generate_series(1, 105)""")[0][0]
    assert made == 105
    return c


def assert_400_or_clamped(send, variants):
    """Each abusive variant sent is refused with 400 or answered with at most MAX_ROWS rows."""
    wrong = []
    for variant in variants:
        r = send(variant)
        if r.status_code not in (200, 400) or (r.status_code == 200
                                               and longest_list(r) > MAX_ROWS):
            wrong.append((variant, r.status_code, r.text[:200]))
    assert not wrong, '\n'.join(map(str, wrong))


@pytest.mark.parametrize('route', GET_ROUTES, ids=route_id)
def test_abusive_paging_on_a_list_route_is_400_or_clamped(base_url, paths, caller, route):
    url = app_base(base_url, route[0]) + paths(route)
    assert_400_or_clamped(lambda query: requests.get(url, params=query, headers=caller(route),
                                                     timeout=30), ABUSIVE_QUERIES)


@pytest.mark.parametrize('route', LIST_BODY_ROUTES, ids=route_id)
def test_abusive_paging_in_a_list_body_is_400_or_clamped(base_url, paths, caller, route):
    url = app_base(base_url, route[0]) + paths(route)
    assert_400_or_clamped(lambda body: requests.post(url, json=body, headers=caller(route),
                                                     timeout=30), ABUSIVE_BODIES)


def test_history_with_more_than_100_rows_never_answers_more(busy):
    r = busy.get('/api/transactions/history', params={'limit': 100})
    assert r.status_code == 200 and len(r.json()['data']['transactions']) == MAX_ROWS
    assert r.json()['data']['pagination']['totalCount'] > MAX_ROWS
    for query in ABUSIVE_QUERIES:
        r = busy.get('/api/transactions/history', params=query)
        assert r.status_code in (200, 400), (query, r.text)
        if r.status_code == 200:
            assert len(r.json()['data']['transactions']) <= MAX_ROWS, query


def test_admin_views_of_more_than_100_rows_never_answer_more(base_url, busy, wallet_world):
    admin = wallet_world['admin']
    path = f'/api/admin/consumers/{busy.id}/transactions'
    r = admin.get(path, params={'limit': 100})
    assert r.status_code == 200 and longest_list(r) == MAX_ROWS, r.text[:300]
    for query in ABUSIVE_QUERIES:
        r = admin.get(path, params=query)
        assert r.status_code in (200, 400), (query, r.text)
        assert r.status_code == 400 or longest_list(r) <= MAX_ROWS, query
    for query in ABUSIVE_QUERIES:
        r = admin.get('/api/admin/platform-wallet/transactions', params=query)
        assert r.status_code in (200, 400), (query, r.text)
        assert r.status_code == 400 or longest_list(r) <= MAX_ROWS, query
