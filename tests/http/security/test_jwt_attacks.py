"""Forged and altered tokens against a protected route of every app: each is 401. A token made
the same way with honest claims is accepted, so each refusal is the attack's doing."""
import base64
import functools
import hashlib
import hmac
import json
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from security.conftest import app_base


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def unb64(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def claims_of(token):
    return json.loads(unb64(token.split('.')[1]))


def fresh(claims, **over):
    now = int(time.time())
    out = {**claims, 'iat': now, 'nbf': now, 'exp': now + 600}
    out.update(over)
    return {k: v for k, v in out.items() if v is not None}


def rs256(private, claims, headers=None):
    return jwt.encode(claims, private, algorithm='RS256', headers=headers)


def unsigned(claims, alg='none'):
    header = b64(json.dumps({'alg': alg, 'typ': 'JWT'}).encode())
    return f'{header}.{b64(json.dumps(claims).encode())}.'


def hs256(secret, claims):
    head = b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())
    body = b64(json.dumps(claims).encode())
    sig = hmac.new(secret, f'{head}.{body}'.encode(), hashlib.sha256).digest()
    return f'{head}.{body}.{b64(sig)}'


# (app, how the route is called, the token fixture's key)
TARGETS = {
    'wallet': ('GET', '/api/wallet'),
    'wallet-admin': ('GET', '/api/auth/admin/profile'),
    'bills': ('GET', '/customer/'),
    'receivables': ('GET', '/api/users'),
}


@pytest.fixture(scope='module')
def real_tokens(wallet_world, bills_world, receivables_world):
    return {'wallet': wallet_world['alice'].token, 'wallet-admin': wallet_world['admin'].token,
            'bills': bills_world['x']['token'],
            'receivables': receivables_world['Engineer']['token']}


def call(base_url, target, token):
    method, path = TARGETS[target]
    app = target.split('-')[0]
    return requests.request(method, app_base(base_url, app) + path,
                            headers={'Authorization': 'Bearer ' + token}, timeout=30)


@functools.lru_cache(maxsize=1)
def attacker_key():
    """An RSA key that is not khatad's (made once: making one takes a while)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


ATTACKS = {
    'alg none': lambda k, c, t: unsigned(fresh(c)),
    'alg None': lambda k, c, t: unsigned(fresh(c), 'None'),
    'alg NONE': lambda k, c, t: unsigned(fresh(c), 'NONE'),
    'alg none with the real signature': lambda k, c, t: unsigned(claims_of(t)) + t.split('.')[2],
    'HS256 keyed with the RSA public key (PEM)': lambda k, c, t: hs256(k[1], fresh(c)),
    'HS256 keyed with the PEM without its newline': lambda k, c, t: hs256(k[1].strip(), fresh(c)),
    'expired a minute ago': lambda k, c, t: rs256(k[0], fresh(c, exp=int(time.time()) - 60)),
    'no exp': lambda k, c, t: rs256(k[0], {x: v for x, v in fresh(c).items() if x != 'exp'}),
    'not valid for another two minutes': lambda k, c, t: rs256(
        k[0], fresh(c, nbf=int(time.time()) + 120)),
    'a refresh token': lambda k, c, t: rs256(k[0], fresh(c, typ='refresh')),
    'no typ': lambda k, c, t: rs256(k[0], fresh(c, typ=None)),
    'another issuer': lambda k, c, t: rs256(k[0], fresh(c, iss='evil')),
    'no issuer': lambda k, c, t: rs256(k[0], fresh(c, iss=None)),
    'another audience': lambda k, c, t: rs256(k[0], fresh(c, aud='other-app')),
    'no audience': lambda k, c, t: rs256(k[0], fresh(c, aud=None)),
    'signed by another key': lambda k, c, t: rs256(attacker_key(), fresh(c)),
    'signed by another key named in a jwk header': lambda k, c, t: forged_with_jwk(fresh(c)),
    'tampered signature': lambda k, c, t: t[:-6] + ('AAAAAA' if t[-6:] != 'AAAAAA' else 'BBBBBB'),
    'signature removed': lambda k, c, t: t.rsplit('.', 1)[0] + '.',
    'payload raised to admin': lambda k, c, t: raised_to_admin(t),
    'payload with a later exp': lambda k, c, t: with_payload(
        t, {**claims_of(t), 'exp': claims_of(t)['exp'] + 86400}),
    'two tokens joined': lambda k, c, t: t + '.' + t,
}


def forged_with_jwk(claims):
    key = attacker_key()
    numbers = key.public_key().public_numbers()
    jwk = {'kty': 'RSA', 'e': b64(numbers.e.to_bytes(3, 'big')),
           'n': b64(numbers.n.to_bytes(256, 'big'))}
    return rs256(key, claims, headers={'jwk': jwk, 'kid': '../../../../dev/null'})


def with_payload(token, claims):
    head, _, sig = token.split('.')
    return f'{head}.{b64(json.dumps(claims).encode())}.{sig}'


def raised_to_admin(token):
    c = claims_of(token)
    c.update(userType='Admin', role='Admin', admin=True)
    return with_payload(token, c)


@pytest.mark.parametrize('target', TARGETS)
def test_a_token_signed_like_khatads_with_honest_claims_is_accepted(base_url, keys, real_tokens,
                                                                    target):
    token = rs256(keys[0], fresh(claims_of(real_tokens[target])))
    r = call(base_url, target, token)
    assert r.status_code == 200, r.text
    assert call(base_url, target, real_tokens[target]).status_code == 200


@pytest.mark.parametrize('attack', ATTACKS)
@pytest.mark.parametrize('target', TARGETS)
def test_a_forged_or_altered_token_is_401(base_url, keys, real_tokens, target, attack):
    real = real_tokens[target]
    token = ATTACKS[attack](keys, claims_of(real), real)
    r = call(base_url, target, token)
    assert r.status_code == 401, r.text
    assert 'data' not in r.json()


def test_raising_a_real_consumer_to_admin_with_khatads_key_still_needs_an_admin_session(
        base_url, keys, wallet_world):
    """Even with the signing key, a consumer's id as an admin names no open admin session."""
    c = fresh(claims_of(wallet_world['alice'].token), userType='Admin', sid='1')
    r = call(base_url, 'wallet-admin', rs256(keys[0], c))
    assert r.status_code == 401, r.text


def test_an_admin_token_is_refused_after_logout(base_url):
    from wallet.helpers import login, new_admin
    admin = new_admin(base_url)
    second = login(base_url, 'admin', admin.email, admin.password)['token']
    assert admin.get('/api/auth/admin/profile').status_code == 200
    r = admin.post('/api/auth/admin/logout')
    assert r.status_code == 200, r.text
    for token in (admin.token, second):
        for method, path in (('GET', '/api/auth/admin/profile'), ('GET', '/api/admin/config'),
                             ('POST', '/api/admin/consumers/list')):
            r = requests.request(method, app_base(base_url, 'wallet') + path, json={},
                                 headers={'Authorization': 'Bearer ' + token}, timeout=30)
            assert r.status_code == 401, (path, r.text)
