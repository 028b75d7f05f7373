"""Tokens: khatad signs what a handler asks for (set_token) and verifies what clients send."""
import base64
import json
import os
import re
import time

import jwt
import requests
from cryptography.hazmat.primitives import serialization


def login(http, test_app, **body):
    r = http.post(test_app + '/login', json={'user': 'u-42', **body})
    assert r.status_code == 200
    return r.json()['data']


def private_key():
    with open(os.environ['KHATAD_JWT_PRIVATE_KEY'], 'rb') as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def public_pem():
    with open(os.environ['KHATAD_JWT_PUBLIC_KEY'], 'rb') as f:
        return f.read()


def sign(claims, **overrides):
    now = int(time.time())
    base = {'iss': 'khata', 'aud': 'test', 'app': 'test', 'typ': 'access', 'sub': 'u-1',
            'iat': now, 'nbf': now, 'exp': now + 600}
    base.update(claims)
    return jwt.encode(base, private_key(), algorithm='RS256', **overrides)


def me(http, test_app, token):
    return http.get(test_app + '/me', headers={'Authorization': f'Bearer {token}'})


def test_set_token_signs_rs256_tokens_into_the_body_at_their_paths(http, test_app):
    r = http.post(test_app + '/login', json={'user': 'u-42'})
    assert re.search(r'"balance": ?10\.10\b', r.text), 'numbers stay as written beside tokens'
    data = r.json()['data']
    claims = jwt.decode(data['access_token'], public_pem(), algorithms=['RS256'],
                        audience='test', issuer='khata')
    assert claims['sub'] == 'u-42' and claims['sid'] == 'session-1'
    assert claims['typ'] == 'access' and claims['app'] == 'test'
    assert claims['exp'] - claims['iat'] == 900
    assert jwt.get_unverified_header(data['access_token'])['alg'] == 'RS256'
    refresh = jwt.decode(data['refresh_token'], public_pem(), algorithms=['RS256'],
                         audience='test')
    assert refresh['typ'] == 'refresh' and refresh['exp'] - refresh['iat'] == 86400


def test_claims_reach_sql_as_request_claims_and_req_claims(http, test_app):
    token = login(http, test_app)['access_token']
    r = me(http, test_app, token)
    assert r.status_code == 200
    body = r.json()
    assert body['req']['claims']['sub'] == 'u-42'
    assert json.loads(body['claims_setting'])['sub'] == 'u-42'
    assert body['request_id_setting'] == r.headers['X-Request-Id']
    assert 'authorization' not in body['req']['headers']


def test_a_token_route_without_a_token_is_401(http, test_app):
    r = http.get(test_app + '/me')
    assert r.status_code == 401
    assert r.json()['code'] == 'unauthorized'


def test_alg_none_is_refused(http, test_app):
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b'=').decode()
    payload = base64.urlsafe_b64encode(json.dumps({
        'iss': 'khata', 'aud': 'test', 'typ': 'access', 'sub': 'admin',
        'exp': int(time.time()) + 600}).encode()).rstrip(b'=').decode()
    assert me(http, test_app, f'{header}.{payload}.').status_code == 401


def test_hs256_signed_with_the_public_key_is_refused(http, test_app):
    import hmac
    import hashlib
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b'=')
    payload = base64.urlsafe_b64encode(json.dumps({
        'iss': 'khata', 'aud': 'test', 'typ': 'access', 'sub': 'admin',
        'exp': int(time.time()) + 600}).encode()).rstrip(b'=')
    mac = hmac.new(public_pem(), header + b'.' + payload, hashlib.sha256).digest()
    token = (header + b'.' + payload + b'.' + base64.urlsafe_b64encode(mac).rstrip(b'=')).decode()
    assert me(http, test_app, token).status_code == 401


def test_expired_and_not_yet_valid_tokens_are_refused(http, test_app):
    now = int(time.time())
    assert me(http, test_app, sign({})).status_code == 200
    assert me(http, test_app, sign({'exp': now - 60})).status_code == 401
    assert me(http, test_app, sign({'nbf': now + 600})).status_code == 401


def test_a_tampered_token_is_refused(http, test_app):
    token = login(http, test_app)['access_token']
    header, payload, signature = token.split('.')
    claims = json.loads(base64.urlsafe_b64decode(payload + '=' * (-len(payload) % 4)))
    claims['sub'] = 'admin'
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b'=').decode()
    assert me(http, test_app, f'{header}.{forged}.{signature}').status_code == 401


def test_wrong_issuer_audience_or_type_is_refused(http, test_app):
    assert me(http, test_app, sign({'iss': 'someone-else'})).status_code == 401
    assert me(http, test_app, sign({'aud': 'wallet'})).status_code == 401
    assert me(http, test_app, sign({'typ': 'refresh'})).status_code == 401


def test_access_and_refresh_tokens_are_not_interchangeable(http, test_app):
    tokens = login(http, test_app)
    assert me(http, test_app, tokens['refresh_token']).status_code == 401
    r = http.post(test_app + '/refresh',
                  headers={'Authorization': f"Bearer {tokens['refresh_token']}"})
    assert r.status_code == 200 and r.json()['req']['claims']['typ'] == 'refresh'
    r = http.post(test_app + '/refresh',
                  headers={'Authorization': f"Bearer {tokens['access_token']}"})
    assert r.status_code == 401


def test_an_auth_none_route_passes_a_valid_token_on_and_ignores_a_bad_one(http, test_app):
    token = login(http, test_app)['access_token']
    good = http.get(test_app + '/echo', headers={'Authorization': f'Bearer {token}'})
    assert good.json()['req']['claims']['sub'] == 'u-42'
    bad = http.get(test_app + '/echo', headers={'Authorization': 'Bearer x.y.z'})
    assert bad.status_code == 200 and bad.json()['req']['claims'] is None


def test_khatad_refuses_to_start_without_its_key(khatad_factory, tmp_path, monkeypatch):
    monkeypatch.setenv('KHATAD_JWT_PRIVATE_KEY', str(tmp_path / 'missing.key'))
    proc, _ = khatad_factory(wait=False)
    out, _ = proc.communicate(timeout=15)
    assert proc.returncode != 0
    assert 'missing.key' in out
