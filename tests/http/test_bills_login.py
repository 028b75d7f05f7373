"""POST /biller/login/: the documented biller fields and a token, never the password hash."""
import base64
import json

import pytest
import requests

from bills_support import PASSWORD, new_biller


@pytest.fixture(scope='module')
def app(base_url):
    return base_url + '/bills'


def claims_of(token):
    payload = token.split('.')[1]
    return json.loads(base64.urlsafe_b64decode(payload + '=' * (-len(payload) % 4)))


def test_create_biller_returns_a_biller_id_shaped_like_the_spec_and_a_one_time_key():
    biller = new_biller()
    assert len(biller['billerId']) == 14
    assert biller['billerId'][:4].isalpha() and biller['billerId'][:4].isupper()
    assert biller['billerId'][4:9].isdigit()
    assert biller['billerId'][9:].isalpha() and biller['billerId'][9:].isupper()
    assert biller['apiKey'].startswith('bk_') and len(biller['apiKey']) == 51


def test_login_returns_the_biller_fields_and_a_token_but_no_password(app):
    biller = new_biller('donation')
    r = requests.post(app + '/biller/login/',
                      json={'email': biller['email'].upper(), 'password': PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body['billerId'] == biller['billerId']
    assert body['email'] == biller['email']
    assert body['billerName'] == 'Normal Finance'
    assert body['billerCategory'] == 'donation'
    assert 'password' not in body and '$2' not in r.text
    claims = claims_of(body['token'])
    assert claims['billerId'] == biller['billerId'] and claims['aud'] == 'bills'


@pytest.mark.parametrize('email_known', [True, False])
def test_login_with_a_wrong_password_or_unknown_email_is_401(app, email_known):
    biller = new_biller()
    email = biller['email'] if email_known else 'nobody-' + biller['email']
    r = requests.post(app + '/biller/login/', json={'email': email, 'password': 'wrong-pass'},
                      timeout=30)
    assert r.status_code == 401
    assert r.json()['success'] is False and 'token' not in r.json()


def test_login_without_a_password_is_400(app):
    r = requests.post(app + '/biller/login/', json={'email': 'a@b.c'}, timeout=30)
    assert r.status_code == 400


def test_the_api_key_is_stored_only_as_a_hash():
    biller = new_biller()
    rows = run_stored(biller['billerId'])
    assert biller['apiKey'] not in rows and PASSWORD not in rows


def run_stored(biller_id):
    from conftest import run_sql
    return json.dumps(run_sql(f"SELECT to_jsonb(b)::text FROM bills.billers b "
                              f"WHERE biller_id = '{biller_id}'"))
