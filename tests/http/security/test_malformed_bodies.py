"""Oversized and malformed bodies against every route that takes one, sent by a caller allowed
there so that the handler is reached: 413 over the JSON limit, 415 for a type khatad does not
read, 400 for anything unreadable or of the wrong shape; never a 500; errors in the app's shape."""
import pytest
import requests

from security.conftest import app_base, error_shape_ok, route_id, routes

BODY_ROUTES = [r for r in routes() if r[1] in ('POST', 'PUT', 'PATCH')]
JSON_LIMIT = 1048576
IGNORES_BODY = {'/api/auth/admin/logout'}  # khatad's --max-json-bytes default

MALFORMED = {
    'truncated JSON': b'{"email": "a@example.com", ',
    'a bare word': b'hello',
    'trailing garbage': b'{"a": 1} x',
    'single quotes': b"{'a': 1}",
    'a comment': b'{"a": 1 /* c */}',
    'invalid UTF-8 in a string': b'{"email": "\xff\xfe@example.com"}',
    'invalid UTF-8 outside strings': b'{"a": 1}\xc3',
    'a NUL escape': b'{"email": "a\\u0000@example.com", "firstName": "\\u0000"}',
    'a lone surrogate escape': b'{"email": "\\ud800@example.com"}',
    'NaN': b'{"amount": NaN}',
    'a huge exponent': b'{"amount": 1e999999999, "limit": 1e999999999, "offset": -1e999999}',
}
# What the 400 says for a body PostgreSQL's jsonb would refuse in its own words.
TOLD = {
    'a NUL escape': 'u0000',
    'a huge exponent': 'out of range',
}
# Not an object where an object is expected: a validation error.
NOT_AN_OBJECT = {
    'an array': b'[{"email": "a@example.com"}]',
    'an empty array': b'[]',
    'a string': b'"hello"',
    'a number': b'42',
    'true': b'true',
}
# Tolerated as "nothing sent" (an update of no field may answer 200) or refused, never a 500.
NOTHING_OR_ODD = {
    'null': b'null',
    'an empty body': b'',
    'an empty object': b'{}',
    'an object of wrong types': (b'{"email": 1, "password": [], "amount": {}, "status": [1], '
                                 b'"offset": "0", "limit": "10", "newStatus": 5, "newNotes": {}, '
                                 b'"engineerId": [], "remark": 7, "transactionRefId": 1, '
                                 b'"customerIdentifier": {}, "billerId": [], "firstName": 5, '
                                 b'"name": false, "value": [], "key": {}, "reason": 1}'),
}


def post(base_url, route, path, headers, data, content_type='application/json'):
    app, method = route[0], route[1]
    return requests.request(method, app_base(base_url, app) + path, data=data, timeout=30,
                            headers={**headers, 'Content-Type': content_type})


@pytest.mark.parametrize('route', BODY_ROUTES, ids=route_id)
def test_a_malformed_json_body_is_400_in_the_error_shape(base_url, paths, caller, route):
    wrong = []
    cases = [(name, data, 'application/json') for name, data in MALFORMED.items()]
    cases.append(('truncated JSON as text/plain', MALFORMED['truncated JSON'], 'text/plain'))
    for name, data, ctype in cases:
        r = post(base_url, route, paths(route), caller(route), data, ctype)
        if (r.status_code != 400 or not error_shape_ok(route[0], r)
                or TOLD.get(name, '') not in r.text):
            wrong.append((name, ctype, r.status_code, r.text[:200]))
    assert not wrong, '\n'.join(map(str, wrong))


@pytest.mark.parametrize('route', BODY_ROUTES, ids=route_id)
def test_json_that_is_not_an_object_is_400(base_url, paths, caller, route):
    """Where an object is expected, anything else is a validation error (a route that reads
    no body at all, like a logout, may ignore it)."""
    wrong = []
    for name, data in NOT_AN_OBJECT.items():
        r = post(base_url, route, paths(route), caller(route), data)
        expected = 200 if route[2] in IGNORES_BODY else 400
        if r.status_code != expected or (r.status_code >= 400
                                         and not error_shape_ok(route[0], r)):
            wrong.append((name, r.status_code, r.text[:200]))
    assert not wrong, '\n'.join(map(str, wrong))


@pytest.mark.parametrize('route', BODY_ROUTES, ids=route_id)
def test_an_empty_or_ill_typed_body_is_never_a_500(base_url, paths, caller, route):
    wrong = []
    for name, data in NOTHING_OR_ODD.items():
        r = post(base_url, route, paths(route), caller(route), data)
        if r.status_code >= 500 or (r.status_code >= 400 and not error_shape_ok(route[0], r)):
            wrong.append((name, r.status_code, r.text[:200]))
    assert not wrong, '\n'.join(map(str, wrong))


@pytest.mark.parametrize('route', BODY_ROUTES, ids=route_id)
def test_a_body_of_a_type_khatad_does_not_read_is_415(base_url, paths, caller, route):
    wrong = []
    for ctype in ('application/xml', 'application/octet-stream', 'text/html', 'image/png'):
        r = post(base_url, route, paths(route), caller(route), b'{}', ctype)
        if r.status_code != 415 or not error_shape_ok(route[0], r):
            wrong.append((ctype, r.status_code, r.text[:200]))
    assert not wrong, '\n'.join(map(str, wrong))


@pytest.mark.parametrize('route', BODY_ROUTES, ids=route_id)
def test_a_json_body_over_the_limit_is_413(base_url, paths, caller, route):
    just_over = b'{"a": "' + b'x' * (JSON_LIMIT - 8) + b'"}'
    assert len(just_over) == JSON_LIMIT + 1
    r = post(base_url, route, paths(route), caller(route), just_over)
    assert r.status_code == 413, r.text
    assert error_shape_ok(route[0], r), r.text


def test_a_body_far_over_the_limit_is_413_and_khatad_stays_up(base_url, wallet_world):
    r = requests.post(app_base(base_url, 'wallet') + '/api/auth/consumer/login',
                      data=b'{"a": "' + b'x' * (8 * JSON_LIMIT) + b'"}',
                      headers={'Content-Type': 'application/json'}, timeout=60)
    assert r.status_code == 413
    assert requests.get(base_url + '/healthz', timeout=10).status_code == 200


def test_a_deeply_nested_body_is_answered_without_a_500(base_url, wallet_world):
    for depth in (1000, 100000):
        for data in (b'{"a":' * depth + b'1' + b'}' * depth,
                     b'{"firstName": ' + b'[' * depth + b']' * depth + b'}'):
            r = requests.put(app_base(base_url, 'wallet') + '/api/auth/consumer/profile',
                             data=data, timeout=60,
                             headers={'Content-Type': 'application/json',
                                      'Authorization': 'Bearer ' + wallet_world['alice'].token})
            assert r.status_code < 500, (depth, r.status_code, r.text[:200])
            assert r.status_code == 400 or 'firstName' not in data[:20].decode()
    assert requests.get(base_url + '/healthz', timeout=10).status_code == 200


def test_a_form_body_with_unexpected_fields_is_not_a_500(base_url, wallet_world):
    r = requests.post(app_base(base_url, 'wallet') + '/api/auth/consumer/login',
                      data={'identifier': ["a", "b"], 'password': '%00\x00'}, timeout=30)
    assert 400 <= r.status_code < 500, r.text
