"""Helpers for the wallet app's HTTP tests: fresh users, tokens, funding and the ledger."""
import itertools
import os
import random
import uuid

import requests

from conftest import run_sql

_phones = itertools.count(random.randrange(10_000_000, 80_000_000))
TEST_CARD = '4111222233334444'


def url(base_url, path):
    return base_url + '/wallet' + path


def unique_phone():
    return '019' + str(next(_phones)).zfill(8)


def unique_email(prefix='user'):
    return f'{prefix}-{uuid.uuid4().hex[:12]}@example.com'


def auth(token):
    return {'Authorization': f'Bearer {token}'}


class Client:
    """A logged-in consumer, agent or admin."""

    def __init__(self, base_url, token, profile, email, phone=None, password=None):
        self.base_url, self.token, self.profile = base_url, token, profile
        self.email, self.phone, self.password = email, phone, password

    @property
    def id(self):
        return self.profile['id']

    def request(self, method, path, **kw):
        headers = {**auth(self.token), **kw.pop('headers', {})}
        return requests.request(method, url(self.base_url, path), headers=headers, timeout=30, **kw)

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def post(self, path, json=None, **kw):
        return self.request('POST', path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self.request('PUT', path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request('PATCH', path, json=json, **kw)

    def delete(self, path, **kw):
        return self.request('DELETE', path, **kw)

    def balance(self):
        return self.get('/api/wallet').json()['data']['availableBalance']


def consumer_body(**over):
    body = {'email': unique_email(), 'phone': unique_phone(), 'password': 'SecurePass123!',
            'firstName': 'Test', 'lastName': 'Consumer', 'role': 'CONSUMER'}
    body.update(over)
    return body


def agent_body(**over):
    body = {'email': unique_email('agent'), 'phone': unique_phone(), 'password': 'SecurePass123!',
            'firstName': 'Test', 'lastName': 'Agent', 'businessName': 'Test Mobile Banking',
            'businessAddress': '123 Main Street, Dhaka-1205'}
    body.update(over)
    return body


def login(base_url, kind, identifier, password):
    if kind == 'admin':
        r = requests.post(url(base_url, '/api/auth/admin/login'),
                          json={'email': identifier, 'password': password}, timeout=30)
    else:
        r = requests.post(url(base_url, f'/api/auth/{kind}/login'),
                          json={'identifier': identifier, 'password': password}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()['data']


def new_consumer(base_url, fund=None):
    body = consumer_body()
    r = requests.post(url(base_url, '/api/auth/consumer/register'), json=body, timeout=30)
    assert r.status_code == 201, r.text
    data = login(base_url, 'consumer', body['email'], body['password'])
    c = Client(base_url, data['token'], data['profile'], body['email'], body['phone'], body['password'])
    if fund:
        add_money(c, fund)
    return c


def new_agent(base_url, fund=None):
    body = agent_body()
    r = requests.post(url(base_url, '/api/auth/agent/register'), json=body, timeout=30)
    assert r.status_code == 201, r.text
    run_sql(f"UPDATE wallet.users SET status = 'ACTIVE' WHERE email = '{body['email']}'")
    data = login(base_url, 'agent', body['email'], body['password'])
    a = Client(base_url, data['token'], data['profile'], body['email'], body['phone'], body['password'])
    a.agent_code = data['profile']['agent']['agentCode']
    if fund:
        add_money(a, fund)
    return a


def new_admin(base_url):
    email, password = unique_email('admin'), 'AdminPass123!'
    run_sql(f"SELECT wallet.create_admin('{email}', '{password}', 'Test Administrator')")
    data = login(base_url, 'admin', email, password)
    return Client(base_url, data['token'], data['profile'], email, password=password)


def ensure_card(balance_taka=100_000_000):
    run_sql(f"""INSERT INTO wallet.bank_cards VALUES ('{TEST_CARD}', 'Test Holder', '12', '35', '321',
                {balance_taka * 100}) ON CONFLICT (card_number) DO UPDATE SET balance = EXCLUDED.balance""")


def card_body(amount, **over):
    body = {'amount': amount, 'cardNumber': TEST_CARD, 'cardHolderName': 'Test Holder',
            'expiryMonth': '12', 'expiryYear': '35', 'cvv': '321'}
    body.update(over)
    return body


def add_money(client, amount):
    ensure_card()
    left = amount
    while left > 0:
        step = min(left, 25000)
        r = client.post('/api/transactions/add-money', json=card_body(step))
        assert r.status_code == 200, r.text
        left -= step


def platform_balance():
    return run_sql("SELECT posted FROM khata.account_row(wallet.account('PLATFORM'))")[0][0]
