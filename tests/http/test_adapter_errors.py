"""How khatad answers failures: raised SQLSTATEs by one table, malformed bodies, limits."""
import json

import pytest
import requests

from conftest import run_sql


@pytest.mark.parametrize('state,status', [
    ('23505', 409), ('23K01', 409), ('42501', 403), ('P0002', 404), ('22023', 400),
    ('22K60', 400), ('08006', 503), ('53300', 503), ('57P01', 503), ('XX000', 500),
    ('42883', 500), ('P0001', 500),
])
def test_a_raised_sqlstate_maps_to_its_status(http, test_app, state, status):
    r = http.get(f'{test_app}/raise/{state}')
    assert r.status_code == status
    body = r.json()
    assert body['success'] is False and body['requestId'] == r.headers['X-Request-Id']


def test_a_500_carries_a_generic_message_and_the_request_id_never_sql_text(http, test_app):
    r = http.get(test_app + '/raise/XX000', headers={'X-Request-Id': 'trace-500'})
    assert r.status_code == 500
    assert r.json()['message'] == 'Internal server error (request trace-500)'
    assert 'secret' not in r.text and 'detail' not in r.text and 'khata_test' not in r.text


def test_a_handler_result_is_sent_as_is_with_its_status_and_headers(http, test_app):
    r = http.post(test_app + '/reply', data='{"status": 422, "headers": {"X-Custom": "yes"}, '
                  '"body": {"success": false, "message": "phone is required", "amount": 10.10}}',
                  headers={'Content-Type': 'application/json'})
    assert r.status_code == 422
    assert r.headers['X-Custom'] == 'yes'
    assert r.text == '{"amount": 10.10, "message": "phone is required", "success": false}'


def test_a_non_json_content_type_sends_a_string_body_as_text(http, test_app):
    r = http.post(test_app + '/reply', json={
        'status': 200, 'headers': {'Content-Type': 'text/csv'}, 'body': 'a,b\r\n1,2\r\n'})
    assert r.status_code == 200
    assert r.headers['Content-Type'].startswith('text/csv')
    assert r.text == 'a,b\r\n1,2\r\n'


def test_a_result_without_a_status_is_a_500(http, test_app):
    r = http.post(test_app + '/reply', json={'body': {}})
    assert r.status_code == 500


def test_numbers_in_the_body_reach_sql_exactly(http, test_app):
    r = http.post(test_app + '/echo', data='{"amount": 10.10, "big": 12345678901234567890.12}',
                  headers={'Content-Type': 'application/json'})
    assert r.status_code == 200
    assert r.json()['body_text'] == '10.10'
    assert '"big": 12345678901234567890.12' in r.text


def test_malformed_json_is_400(http, test_app):
    r = http.post(test_app + '/echo', data='{"amount": 10.10,',
                  headers={'Content-Type': 'application/json'})
    assert r.status_code == 400
    assert r.json()['code'] == 'bad_request'


def test_a_body_over_the_json_limit_is_413(http, test_app):
    r = http.post(test_app + '/echo', data=json.dumps({'x': 'a' * (1 << 20)}),
                  headers={'Content-Type': 'application/json'})
    assert r.status_code == 413
    assert r.json()['code'] == 'payload_too_large'


def test_the_json_limit_is_settable(khatad_factory, test_app):
    _, url = khatad_factory('--max-json-bytes', '100')
    ok = requests.post(url + '/test/echo', json={'x': 'a' * 50}, timeout=5)
    assert ok.status_code == 200
    r = requests.post(url + '/test/echo', json={'x': 'a' * 200}, timeout=5)
    assert r.status_code == 413


def test_serialization_failures_are_retried(http, test_app, base_url):
    run_sql("SELECT setval('khata_test.flaky_calls', 1, false)")
    r = http.post(test_app + '/flaky')
    assert r.status_code == 200
    assert r.json()['call'] == 3, 'two 40001 failures, then the third attempt commits'
    metrics = http.get(base_url + '/metrics').text
    retries = [l for l in metrics.splitlines() if l.startswith('khatad_db_retries_total ')]
    assert int(retries[0].split()[1]) >= 2


def test_a_handler_over_the_statement_timeout_is_cancelled(khatad_factory, test_app):
    _, url = khatad_factory('--statement-timeout', '200')
    r = requests.get(url + '/test/sleep?seconds=3', timeout=10)
    assert r.status_code == 500
    assert r.elapsed.total_seconds() < 2.5
    assert requests.get(url + '/test/echo', timeout=5).json()['statement_timeout'] == '200ms'


def test_the_connection_is_rebuilt_after_the_backend_dies(http, test_app):
    before = http.get(test_app + '/echo')
    assert before.status_code == 200
    run_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE usename = 'khatad' AND pid <> pg_backend_pid() AND query NOT LIKE 'LISTEN%'")
    statuses = [http.get(test_app + '/echo').status_code for _ in range(4)]
    assert statuses[-1] == 200 and statuses[-2] == 200
