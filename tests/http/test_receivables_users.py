"""The receivables app's users: the DBA's bootstrap, login, and the team list."""
import requests

from conftest import run_sql
from receivables_support import PASSWORD, app_url, make_user, user_session


def test_login_returns_a_token_and_the_user_with_department(base_url):
    user_id, email = make_user('Manager', 'pune', 'Batching Plant', name='Asha Kulkarni')
    r = requests.post(app_url(base_url) + '/auth/login',
                      json={'email': email.upper(), 'password': PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body['user'] == {'id': user_id, 'name': 'Asha Kulkarni', 'role': 'Manager',
                            'department': 'Batching Plant', 'email': email, 'region': 'pune'}
    assert body['token'].count('.') == 2
    me = requests.get(app_url(base_url) + '/users',
                      headers={'Authorization': 'Bearer ' + body['token']})
    assert me.status_code == 200


def test_a_wrong_password_or_unknown_email_is_refused_with_the_same_message(base_url):
    _, email = make_user('Engineer', 'goa')
    for creds in ({'email': email, 'password': 'not the password'},
                  {'email': 'nobody-' + email, 'password': PASSWORD}):
        r = requests.post(app_url(base_url) + '/auth/login', json=creds)
        assert r.status_code == 401
        assert r.json() == {'error': 'Invalid email or password.'}
    r = requests.post(app_url(base_url) + '/auth/login', json={'email': email})
    assert r.status_code == 400 and 'error' in r.json()


def test_the_user_list_never_shows_password_hashes(base_url):
    _, s = user_session(base_url, 'Engineer', 'delhi')
    r = s.get(app_url(base_url) + '/users')
    assert r.status_code == 200
    users = r.json()
    assert len(users) >= 1
    text = r.text
    assert 'password' not in text and '$2a$' not in text
    assert {'id', 'name', 'email', 'role', 'region', 'department'} <= set(users[0])


def test_the_user_list_needs_a_token(base_url):
    assert requests.get(app_url(base_url) + '/users').status_code == 401


def test_create_user_refuses_an_unknown_role_a_taken_email_and_a_manager_without_region():
    _, email = make_user('Admin')
    for sql in (
        "SELECT receivables.create_user('X', 'x-role@example.com', 'longenough', 'Boss')",
        f"SELECT receivables.create_user('X', '{email.upper()}', 'longenough', 'Admin')",
        "SELECT receivables.create_user('X', 'x-mgr@example.com', 'longenough', 'Manager')",
    ):
        try:
            run_sql(sql)
        except Exception as e:  # psycopg2 error carrying the SQLSTATE
            assert e.pgcode in ('22K55', '23K55'), e.pgcode
        else:
            raise AssertionError('accepted: ' + sql)
    hashes = run_sql(f"SELECT password_hash FROM receivables.users WHERE email = '{email}'")
    assert hashes[0][0].startswith('$2a$10$')


def test_the_tracker_front_end_origin_passes_cors_when_khatad_allows_it(khatad_factory):
    _, url = khatad_factory('--cors-origin', 'http://localhost:9002')
    pre = requests.options(url + '/receivables/api/auth/login', headers={
        'Origin': 'http://localhost:9002', 'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type, authorization'}, timeout=5)
    assert pre.status_code in (200, 204)
    assert pre.headers['Access-Control-Allow-Origin'] == 'http://localhost:9002'
    _, email = make_user('Admin')
    r = requests.post(url + '/receivables/api/auth/login', json={'email': email, 'password': PASSWORD},
                      headers={'Origin': 'http://localhost:9002'}, timeout=30)
    assert r.status_code == 200
    assert r.headers['Access-Control-Allow-Origin'] == 'http://localhost:9002'
    other = requests.post(url + '/receivables/api/auth/login',
                          json={'email': email, 'password': PASSWORD},
                          headers={'Origin': 'http://localhost:3000'}, timeout=30)
    assert 'Access-Control-Allow-Origin' not in other.headers
