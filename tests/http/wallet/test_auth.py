"""Authentication (spec sections User, Agent and Admin Authentication)."""
import base64
import json
import re
import time

import requests

from conftest import run_sql
from wallet.helpers import (agent_body, auth, consumer_body, login, new_admin, new_agent,
                            new_consumer, unique_email, url)


def register(base_url, body, kind='consumer'):
    return requests.post(url(base_url, f'/api/auth/{kind}/register'), json=body, timeout=30)


# Values of every JSON type but string, for the spec's string fields.
NOT_STRINGS = (12, 1.5, True, ['x', 'y'], {'first': 'x'})


def users_with(*values):
    """How many users have any of these emails or phones."""
    quoted = ', '.join("'" + v + "'" for v in values if isinstance(v, str))
    return run_sql(f"SELECT count(*) FROM wallet.users WHERE email IN ({quoted}) "
                   f"OR phone IN ({quoted})")[0][0]


def user_row(email):
    return run_sql(f"""SELECT first_name, last_name, date_of_birth, updated_at FROM wallet.users
                       WHERE email = '{email}'""")[0]


def assert_one_error(r, field, message):
    assert r.status_code == 400, r.text
    body = r.json()
    assert body['success'] is False and body['message'] == 'Validation error'
    assert {'field': field, 'message': message} in body['errors'], body['errors']
    assert [e['field'] for e in body['errors']].count(field) == 1, body['errors']


def test_consumer_registration_is_active_with_50_taka_bonus(base_url):
    body = consumer_body()
    r = register(base_url, body)
    assert r.status_code == 201
    data = r.json()['data']
    assert data['bonusGiven'] is True
    assert data['user']['status'] == 'ACTIVE' and data['user']['role'] == 'CONSUMER'
    assert len(data['user']['id']) == 8
    assert 'password' not in r.text and '$2' not in r.text
    profile = login(base_url, 'consumer', body['email'], body['password'])['profile']
    assert profile['wallet']['balance'] == 50
    assert profile['wallet']['dailyLimit'] == 25000 and profile['wallet']['monthlyLimit'] == 100000


def test_password_is_stored_as_bcrypt_cost_10(base_url):
    body = consumer_body()
    register(base_url, body)
    h = run_sql(f"SELECT password_hash FROM wallet.users WHERE email = '{body['email']}'")[0][0]
    assert h.startswith('$2a$10$')


def test_registration_validation_errors_name_each_field(base_url):
    r = register(base_url, consumer_body(email='nope', phone='01212345678', password='short',
                                         firstName='A'))
    assert r.status_code == 400
    body = r.json()
    assert body['success'] is False and body['message'] == 'Validation error'
    fields = {e['field'] for e in body['errors']}
    assert {'email', 'phone', 'password', 'firstName'} <= fields


def test_registration_refuses_names_that_are_not_strings(base_url):
    body = consumer_body(firstName=12, lastName=['x', 'y'])
    r = register(base_url, body)
    assert r.status_code == 400, r.text
    assert r.json() == {'success': False, 'message': 'Validation error', 'errors': [
        {'field': 'firstName', 'message': 'First name must be a string'},
        {'field': 'lastName', 'message': 'Last name must be a string'}]}
    assert users_with(body['email'], body['phone']) == 0


def test_registration_refuses_every_string_field_of_another_json_type(base_url):
    labels = {'email': 'Email', 'phone': 'Phone', 'password': 'Password',
              'firstName': 'First name', 'lastName': 'Last name',
              'dateOfBirth': 'Date of birth', 'nidNumber': 'NID number'}
    for kind, make in (('consumer', consumer_body), ('agent', agent_body)):
        fields = dict(labels, **({'businessName': 'Business name',
                                  'businessAddress': 'Business address'} if kind == 'agent' else {}))
        for field, label in fields.items():
            for value in NOT_STRINGS:
                body = make(**{field: value})
                r = register(base_url, body, kind)
                assert_one_error(r, field, f'{label} must be a string')
                assert users_with(body['email'], body['phone']) == 0, (kind, field, value)


def test_registration_takes_a_password_only_as_a_string(base_url):
    # As text, ["SecurePass123!"] would pass the policy and become the password.
    body = consumer_body(password=['SecurePass123!'], email=[unique_email()])
    r = register(base_url, body)
    assert {e['field'] for e in r.json()['errors']} == {'password', 'email'}
    assert users_with(body['phone']) == 0


def test_consumer_registration_requires_role_consumer(base_url):
    for role, message in ((None, 'Role is required'), ('', 'Role must be CONSUMER or AGENT'),
                          ('ADMIN', 'Role must be CONSUMER or AGENT'),
                          (['CONSUMER'], 'Role must be CONSUMER or AGENT'),
                          (1, 'Role must be CONSUMER or AGENT'),
                          ('AGENT', 'Agents register through /api/auth/agent/register')):
        body = consumer_body(role=role)
        r = register(base_url, body)
        assert_one_error(r, 'role', message)
        assert users_with(body['email'], body['phone']) == 0, role
    body = consumer_body()
    del body['role']
    assert_one_error(register(base_url, body), 'role', 'Role is required')
    assert users_with(body['email'], body['phone']) == 0


def test_password_policy_needs_upper_lower_digit_and_special(base_url):
    for weak in ('alllowercase1!', 'ALLUPPERCASE1!', 'NoDigitsHere!', 'NoSpecial123'):
        r = register(base_url, consumer_body(password=weak))
        assert r.status_code == 400, weak


def test_duplicate_email_or_phone_is_409(base_url):
    body = consumer_body()
    assert register(base_url, body).status_code == 201
    r = register(base_url, consumer_body(email=body['email'].upper()))
    assert r.status_code == 409 and r.json()['message'] == 'Email already registered'
    assert register(base_url, consumer_body(phone=body['phone'])).status_code == 409


def token_payload(token):
    part = token.split('.')[1]
    return json.loads(base64.urlsafe_b64decode(part + '=' * (-len(part) % 4)))


def test_token_payload_is_id_public_key_and_user_type(base_url):
    c = new_consumer(base_url)
    payload = token_payload(login(base_url, 'consumer', c.email, c.password)['token'])
    assert {k: payload[k] for k in ('id', 'public_key', 'userType')} == \
        {'id': c.id, 'public_key': c.id, 'userType': 'Consumer'}
    admin = new_admin(base_url)
    payload = token_payload(login(base_url, 'admin', admin.email, admin.password)['token'])
    assert payload['userType'] == 'Admin' and payload['public_key'] == payload['id']


def test_login_by_phone_and_wrong_password(base_url):
    c = new_consumer(base_url)
    assert login(base_url, 'consumer', c.phone, c.password)['userType'] == 'Consumer'
    r = requests.post(url(base_url, '/api/auth/consumer/login'),
                      json={'identifier': c.phone, 'password': 'Wrong123!'}, timeout=30)
    assert r.status_code == 401
    r = requests.post(url(base_url, '/api/auth/consumer/login'),
                      json={'identifier': 'nobody@example.com', 'password': 'Wrong123!'}, timeout=30)
    assert r.status_code == 401 and r.json()['message'] == 'Invalid credentials'


def test_login_fields_of_another_json_type_are_a_400(base_url):
    c = new_consumer(base_url)
    r = requests.post(url(base_url, '/api/auth/consumer/login'),
                      json={'identifier': [c.email], 'password': 12345678}, timeout=30)
    assert r.status_code == 400
    assert r.json()['errors'] == [{'field': 'identifier', 'message': 'Identifier must be a string'},
                                  {'field': 'password', 'message': 'Password must be a string'}]
    r = requests.post(url(base_url, '/api/auth/admin/login'),
                      json={'email': {'x': 1}, 'password': ['AdminPass123!']}, timeout=30)
    assert r.status_code == 400
    assert r.json()['errors'] == [{'field': 'email', 'message': 'Email must be a string'},
                                  {'field': 'password', 'message': 'Password must be a string'}]


def test_unknown_and_known_identifiers_take_the_same_time(base_url):
    c = new_consumer(base_url)

    def timed(identifier):
        start = time.perf_counter()
        requests.post(url(base_url, '/api/auth/consumer/login'),
                      json={'identifier': identifier, 'password': 'Wrong123!'}, timeout=30)
        return time.perf_counter() - start

    # Interleaved, and the fastest of five each: a busy machine slows single calls, not all.
    # Without a bcrypt for unknown identifiers, they would answer many times faster.
    known, unknown = [], []
    for _ in range(5):
        known.append(timed(c.email))
        unknown.append(timed('ghost-' + c.email))
    assert min(unknown) > min(known) * 0.5 and min(known) > min(unknown) * 0.5


def last_login_at(email):
    return run_sql(f"SELECT last_login_at FROM wallet.users WHERE email = '{email}'")[0][0]


def test_only_a_successful_login_records_its_time(base_url):
    body = consumer_body()
    register(base_url, body)
    assert last_login_at(body['email']) is None
    r = requests.post(url(base_url, '/api/auth/consumer/login'),
                      json={'identifier': body['email'], 'password': 'Wrong123!'}, timeout=30)
    assert r.status_code == 401 and last_login_at(body['email']) is None
    login(base_url, 'consumer', body['phone'], body['password'])
    first = last_login_at(body['email'])
    assert first is not None
    now = run_sql('SELECT now()')[0][0]
    assert 0 <= (now - first).total_seconds() < 60
    r = requests.post(url(base_url, '/api/auth/consumer/login'),
                      json={'identifier': body['email'], 'password': 'Wrong123!'}, timeout=30)
    assert r.status_code == 401 and last_login_at(body['email']) == first
    run_sql(f"UPDATE wallet.users SET status = 'SUSPENDED' WHERE email = '{body['email']}'")
    r = requests.post(url(base_url, '/api/auth/consumer/login'),
                      json={'identifier': body['email'], 'password': body['password']}, timeout=30)
    assert r.status_code == 403 and last_login_at(body['email']) == first


def test_agent_login_records_its_time_once_the_agent_is_active(base_url):
    body = agent_body()
    register(base_url, body, 'agent')
    r = requests.post(url(base_url, '/api/auth/agent/login'),
                      json={'identifier': body['email'], 'password': body['password']}, timeout=30)
    assert r.status_code == 403 and last_login_at(body['email']) is None
    run_sql(f"UPDATE wallet.users SET status = 'ACTIVE' WHERE email = '{body['email']}'")
    login(base_url, 'agent', body['email'], body['password'])
    assert last_login_at(body['email']) is not None


def test_suspended_consumer_cannot_log_in(base_url):
    c = new_consumer(base_url)
    run_sql(f"UPDATE wallet.users SET status = 'SUSPENDED' WHERE email = '{c.email}'")
    r = requests.post(url(base_url, '/api/auth/consumer/login'),
                      json={'identifier': c.email, 'password': c.password}, timeout=30)
    assert r.status_code == 403
    assert r.json()['message'] == 'Account is suspended. Please contact support.'


def test_profile_needs_a_token_and_shows_the_wallet(base_url):
    assert requests.get(url(base_url, '/api/auth/profile'), timeout=30).status_code == 401
    c = new_consumer(base_url)
    r = c.get('/api/auth/profile')
    assert r.status_code == 200
    user = r.json()['data']['user']
    assert user['id'] == c.id and user['wallet']['availableBalance'] == 50


def test_consumer_updates_profile(base_url):
    c = new_consumer(base_url)
    r = c.put('/api/auth/consumer/profile', json={'firstName': 'Jane', 'dateOfBirth': '1995-08-20'})
    assert r.status_code == 200
    assert r.json()['data']['user']['firstName'] == 'Jane'
    assert r.json()['data']['user']['lastName'] == 'Consumer'
    assert c.put('/api/auth/consumer/profile', json={'dateOfBirth': '1995-02-30'}).status_code == 400


def test_profile_update_refuses_fields_that_are_not_strings(base_url):
    c = new_consumer(base_url)
    before = user_row(c.email)
    labels = {'firstName': 'First name', 'lastName': 'Last name', 'dateOfBirth': 'Date of birth'}
    for field, label in labels.items():
        for value in NOT_STRINGS:
            r = c.put('/api/auth/consumer/profile', json={'firstName': 'Jane', field: value})
            assert_one_error(r, field, f'{label} must be a string')
    assert user_row(c.email) == before
    r = c.put('/api/auth/consumer/profile', json={'firstName': 12, 'lastName': ['x', 'y']})
    assert r.json()['errors'] == [{'field': 'firstName', 'message': 'First name must be a string'},
                                  {'field': 'lastName', 'message': 'Last name must be a string'}]
    assert user_row(c.email) == before
    assert c.get('/api/auth/profile').json()['data']['user']['lastName'] == 'Consumer'


def test_agent_profile_update_refuses_fields_that_are_not_strings(base_url):
    a = new_agent(base_url)
    before = user_row(a.email)
    business = run_sql(f"""SELECT business_name, business_address FROM wallet.agents x
                           JOIN wallet.users u ON u.id = x.user_id WHERE u.email = '{a.email}'""")
    for field, label in (('firstName', 'First name'), ('businessName', 'Business name'),
                         ('businessAddress', 'Business address')):
        for value in NOT_STRINGS:
            r = a.put('/api/agents/auth/profile', json={'lastName': 'Rahman', field: value})
            assert_one_error(r, field, f'{label} must be a string')
    assert user_row(a.email) == before
    assert run_sql(f"""SELECT business_name, business_address FROM wallet.agents x
                       JOIN wallet.users u ON u.id = x.user_id WHERE u.email = '{a.email}'""") == business


def test_consumer_profile_update_refuses_agents_and_admins(base_url):
    a = new_agent(base_url)
    before = user_row(a.email)
    r = a.put('/api/auth/consumer/profile', json={'firstName': 'Renamed', 'lastName': 'Agent'})
    assert r.status_code == 403
    assert r.json() == {'success': False, 'message': 'Access denied. Consumer credentials required.'}
    # The same answer as the consumer change-password route gives an agent.
    r = a.put('/api/auth/consumer/change-password',
              json={'currentPassword': a.password, 'newPassword': 'NewSecure456!'})
    assert r.status_code == 403
    assert r.json() == {'success': False, 'message': 'Access denied. Consumer credentials required.'}
    assert user_row(a.email) == before
    assert a.get('/api/agents/auth/profile').json()['data']['user']['firstName'] == 'Test'
    admin = new_admin(base_url)
    r = admin.put('/api/auth/consumer/profile', json={'firstName': 'Renamed'})
    assert r.status_code == 403
    assert r.json() == {'success': False, 'message': 'Access denied. Consumer credentials required.'}
    # The agent's own profile route still renames the agent.
    r = a.put('/api/agents/auth/profile', json={'firstName': 'Ahmed'})
    assert r.status_code == 200 and r.json()['data']['user']['firstName'] == 'Ahmed'


def test_consumer_changes_password(base_url):
    c = new_consumer(base_url)
    r = c.put('/api/auth/consumer/change-password',
              json={'currentPassword': 'Wrong123!', 'newPassword': 'NewSecure456!'})
    assert r.status_code == 401
    r = c.put('/api/auth/consumer/change-password',
              json={'currentPassword': c.password, 'newPassword': 'weak'})
    assert r.status_code == 400
    r = c.put('/api/auth/consumer/change-password',
              json={'currentPassword': c.password, 'newPassword': ['NewSecure456!']})
    assert r.status_code == 400
    assert r.json()['errors'] == [{'field': 'newPassword', 'message': 'New password must be a string'}]
    login(base_url, 'consumer', c.email, c.password)
    r = c.put('/api/auth/consumer/change-password',
              json={'currentPassword': c.password, 'newPassword': 'NewSecure456!'})
    assert r.status_code == 200
    login(base_url, 'consumer', c.email, 'NewSecure456!')


def test_agent_registers_pending_with_agent_code(base_url):
    body = agent_body()
    r = register(base_url, body, 'agent')
    assert r.status_code == 201
    data = r.json()['data']
    assert data['user']['status'] == 'PENDING' and data['agent']['status'] == 'PENDING'
    assert data['agent']['agentCode'].startswith('AG') and len(data['agent']['agentCode']) == 9
    assert data['agent']['agentCode'][2:].isdigit()
    r = requests.post(url(base_url, '/api/auth/agent/login'),
                      json={'identifier': body['email'], 'password': body['password']}, timeout=30)
    assert r.status_code == 403
    assert r.json()['message'] == ('Your agent account is pending approval. '
                                   'Please wait for admin approval.')


def test_agent_registration_needs_business_details(base_url):
    r = register(base_url, agent_body(businessName='AB', businessAddress='short'), 'agent')
    assert r.status_code == 400
    assert {'businessName', 'businessAddress'} <= {e['field'] for e in r.json()['errors']}


def test_rejected_agent_gets_the_rejection_message(base_url):
    body = agent_body()
    register(base_url, body, 'agent')
    run_sql(f"UPDATE wallet.users SET status = 'REJECTED' WHERE email = '{body['email']}'")
    r = requests.post(url(base_url, '/api/auth/agent/login'),
                      json={'identifier': body['email'], 'password': body['password']}, timeout=30)
    assert r.status_code == 403 and 'rejected' in r.json()['message']


def test_consumer_cannot_log_in_as_agent(base_url):
    c = new_consumer(base_url)
    r = requests.post(url(base_url, '/api/auth/agent/login'),
                      json={'identifier': c.email, 'password': c.password}, timeout=30)
    assert r.status_code == 401


def test_active_agent_logs_in_with_agent_limits(base_url):
    a = new_agent(base_url)
    assert a.profile['role'] == 'AGENT'
    assert a.profile['wallet']['dailyLimit'] == 100000 and a.profile['wallet']['monthlyLimit'] == 500000


def test_agent_profile_read_and_update(base_url):
    a = new_agent(base_url)
    r = a.get('/api/agents/auth/profile')
    assert r.status_code == 200
    assert r.json()['data']['agent']['agentCode'] == a.agent_code
    r = a.put('/api/agents/auth/profile', json={'businessName': 'Rahman Mobile Services',
                                                 'businessAddress': '456 New Location, Dhaka-1207'})
    assert r.status_code == 200
    assert r.json()['data']['agent']['businessName'] == 'Rahman Mobile Services'
    c = new_consumer(base_url)
    assert c.get('/api/agents/auth/profile').status_code == 403
    assert c.put('/api/agents/auth/profile', json={}).status_code == 403


def test_agent_changes_password(base_url):
    a = new_agent(base_url)
    r = a.put('/api/agents/auth/change-password',
              json={'currentPassword': a.password, 'newPassword': 'AgentNew456!'})
    assert r.status_code == 200
    login(base_url, 'agent', a.email, 'AgentNew456!')
    c = new_consumer(base_url)
    r = c.put('/api/agents/auth/change-password',
              json={'currentPassword': c.password, 'newPassword': 'AgentNew456!'})
    assert r.status_code == 403


def test_admin_login_shows_and_records_its_time(base_url):
    admin = new_admin(base_url)
    stamp = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$')
    assert stamp.match(admin.profile['lastLoginAt'])
    shown = admin.get('/api/auth/admin/profile').json()['data']['admin']['last_login_at']
    assert shown == admin.profile['lastLoginAt']


def test_admin_login_profile_and_wrong_password(base_url):
    admin = new_admin(base_url)
    r = admin.get('/api/auth/admin/profile')
    assert r.status_code == 200
    assert r.json()['data']['admin']['email'] == admin.email
    assert r.json()['data']['admin']['role'] == 'ADMIN'
    r = requests.post(url(base_url, '/api/auth/admin/login'),
                      json={'email': admin.email, 'password': 'Wrong123!'}, timeout=30)
    assert r.status_code == 401


def test_consumer_token_is_not_an_admin_token(base_url):
    c = new_consumer(base_url)
    assert c.get('/api/auth/admin/profile').status_code == 401
    r = c.post('/api/admin/register', json={'email': 'x@example.com', 'password': 'AdminPass123!',
                                            'name': 'X'})
    assert r.status_code == 401


def test_admin_creates_admin(base_url):
    admin = new_admin(base_url)
    email = 'new-' + admin.email
    r = admin.post('/api/admin/register', json={'email': email, 'password': 'SecureAdmin123!',
                                                'name': 'New Administrator'})
    assert r.status_code == 201
    assert r.json()['data']['admin']['status'] == 'ACTIVE'
    r = admin.post('/api/admin/register', json={'email': email, 'password': 'SecureAdmin123!',
                                                'name': 'New Administrator'})
    assert r.status_code == 409
    r = admin.post('/api/admin/register', json={'email': 'bad', 'password': 'x', 'name': 'N'})
    assert r.status_code == 400
    r = admin.post('/api/admin/register', json={'email': ['new2-' + admin.email],
                                                'password': ['SecureAdmin123!'], 'name': 42})
    assert r.status_code == 400
    assert {e['field']: e['message'] for e in r.json()['errors']} == {
        'email': 'Email must be a string', 'password': 'Password must be a string',
        'name': 'Name must be a string'}
    login(base_url, 'admin', email, 'SecureAdmin123!')


def test_admin_logout_revokes_every_session(base_url):
    admin = new_admin(base_url)
    second = login(base_url, 'admin', admin.email, admin.password)['token']
    r = admin.post('/api/auth/admin/logout')
    assert r.status_code == 200
    assert r.json()['message'] == 'Logout successful. All sessions have been terminated.'
    assert admin.get('/api/auth/admin/profile').status_code == 401
    r = requests.get(url(base_url, '/api/auth/admin/profile'), headers=auth(second), timeout=30)
    assert r.status_code == 401
    fresh = login(base_url, 'admin', admin.email, admin.password)['token']
    r = requests.get(url(base_url, '/api/auth/admin/profile'), headers=auth(fresh), timeout=30)
    assert r.status_code == 200


def test_admin_changes_password(base_url):
    admin = new_admin(base_url)
    r = admin.put('/api/auth/admin/change-password',
                  json={'currentPassword': 'Wrong123!', 'newPassword': 'NewAdminPass456!'})
    assert r.status_code == 401
    r = admin.put('/api/auth/admin/change-password',
                  json={'currentPassword': admin.password, 'newPassword': 'NewAdminPass456!'})
    assert r.status_code == 200
    login(base_url, 'admin', admin.email, 'NewAdminPass456!')
