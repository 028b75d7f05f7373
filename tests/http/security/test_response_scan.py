"""The response scan of this suite (security/conftest.py) can fail: it finds each kind of leak in
a body, records the responses the tests receive, and reports a leaking one."""
import pytest
import requests

from security.conftest import ResponseRecorder, leaks

LEAKING = [
    '{"password": "$2b$10$6n.1Vs7QaGkv9LwZIdnsaemG6mdxfYO8OKdRhNf92t"}',
    '{"hash": "$2a$10$a6i7LhQ8GWYHKlFH9aJQa.HXrfGxPfkw8Z/JZiMKBayjzxSyyuKD6"}',
    '{"password_hash": "x"}',
    '{"passwordHash": "x"}',
    '{"error": "syntax error at or near \\"OR\\""}',
    'ERROR:  division by zero',
    '{"message": "SQLSTATE 23505"}',
    '{"message": "relation \\"wallet.users\\" does not exist"}',
    '{"message": "duplicate key value violates unique constraint"}',
    '{"message": "permission denied for function pg_read_file"}',
    '{"message": "PL/pgSQL function wallet.h_x(jsonb) line 4"}',
    'CONTEXT:  SQL statement "SELECT 1"',
]


@pytest.mark.parametrize('body', LEAKING)
def test_the_scan_finds_a_leak_in_a_body(body):
    assert leaks(body), body


def test_the_scan_passes_an_ordinary_body():
    assert leaks('{"success": true, "message": "Profile updated successfully", '
                 '"data": {"amount": 123.47, "note": "x OR 1=1 --"}}') == []


def test_the_recorder_reports_a_leaking_response(base_url, monkeypatch):
    recorder = ResponseRecorder()
    recorder.install(monkeypatch)
    requests.get(base_url + '/healthz', timeout=10)
    assert [r[:3] for r in recorder.responses] == [('GET', base_url + '/healthz', 200)]
    assert recorder.findings() == []
    recorder.responses.append(('GET', base_url + '/x', 500, LEAKING[0]))
    assert len(recorder.findings()) == 1 and 'bcrypt' in recorder.findings()[0]


def test_every_request_of_a_test_is_recorded(base_url, response_scan):
    before = len(response_scan.responses)
    requests.get(base_url + '/healthz', timeout=10)
    with requests.Session() as s:
        s.get(base_url + '/wallet/api/config/public', timeout=10)
    assert len(response_scan.responses) == before + 2
