"""Operating khatad: uploads, request ids, CORS, rate limits, metrics, logs, limits, shutdown."""
import base64
import json
import os
import select
import signal
import socket
import subprocess
import threading
import time
from http.client import HTTPConnection

import requests


def test_multipart_fields_become_the_body_and_files_req_files(http, test_app):
    csv = b'Customer Name;Amount\r\nRahim Traders;1018.50\r\n\x00\xff'
    r = http.post(test_app + '/upload', data={'month': '2024-03', 'region': 'Dhaka'},
                  files={'file': ('march.csv', csv, 'text/csv')})
    assert r.status_code == 200
    req = r.json()['req']
    assert req['body'] == {'month': '2024-03', 'region': 'Dhaka'}
    [f] = req['files']
    assert f['field'] == 'file' and f['filename'] == 'march.csv'
    assert f['content_type'] == 'text/csv' and f['size'] == len(csv)
    assert base64.b64decode(f['data']) == csv


def test_a_malformed_multipart_body_is_400(http, test_app):
    r = http.post(test_app + '/upload', data=b'--b\r\nno headers end',
                  headers={'Content-Type': 'multipart/form-data; boundary=b'})
    assert r.status_code == 400
    assert r.json()['code'] == 'bad_request'


def test_an_upload_over_its_limit_is_413_and_under_it_passes(khatad_factory, test_app):
    _, url = khatad_factory('--max-upload-bytes', '2000000', '--max-json-bytes', '1000')
    small = requests.post(url + '/test/upload', files={'f': ('a.bin', b'x' * 1500000)}, timeout=10)
    assert small.status_code == 200, 'an upload may exceed the JSON limit'
    big = requests.post(url + '/test/upload', files={'f': ('a.bin', b'x' * 2100000)}, timeout=10)
    assert big.status_code == 413


def test_a_request_id_is_echoed_or_made(http, test_app):
    r = http.get(test_app + '/echo', headers={'X-Request-Id': 'abc-123'})
    assert r.headers['X-Request-Id'] == 'abc-123'
    assert r.json()['req']['request_id'] == 'abc-123'
    made = http.get(test_app + '/echo', headers={'X-Request-Id': 'bad id\twith junk'})
    assert made.headers['X-Request-Id'] != 'bad id\twith junk'
    assert len(made.headers['X-Request-Id']) == 32


def test_cors_preflight_and_responses_for_configured_origins_only(khatad_factory, test_app):
    _, url = khatad_factory('--cors-origin', 'https://app.example')
    pre = requests.options(url + '/test/items/5', timeout=5, headers={
        'Origin': 'https://app.example', 'Access-Control-Request-Method': 'DELETE',
        'Access-Control-Request-Headers': 'authorization, content-type'})
    assert pre.status_code == 204
    assert pre.headers['Access-Control-Allow-Origin'] == 'https://app.example'
    methods = {m.strip() for m in pre.headers['Access-Control-Allow-Methods'].split(',')}
    assert {'GET', 'DELETE'} <= methods
    assert pre.headers['Access-Control-Allow-Headers'] == 'authorization, content-type'
    r = requests.get(url + '/test/echo', headers={'Origin': 'https://app.example'}, timeout=5)
    assert r.headers['Access-Control-Allow-Origin'] == 'https://app.example'
    assert 'X-Request-Id' in r.headers['Access-Control-Expose-Headers']
    other = requests.get(url + '/test/echo', headers={'Origin': 'https://evil.example'}, timeout=5)
    assert 'Access-Control-Allow-Origin' not in other.headers


def test_rate_limits_count_per_client_with_headers_then_429(khatad_factory, test_app, http):
    _, url = khatad_factory('--rate-limit', 'test=3/1h,100/1d', '--rate-limit',
                            'test:diamond=5/1h')
    seen = [requests.get(url + '/test/echo', timeout=5) for _ in range(4)]
    assert [r.status_code for r in seen] == [200, 200, 200, 429]
    assert seen[0].headers['X-RateLimit-Limit'] == '3'
    assert [r.headers['X-RateLimit-Remaining'] for r in seen] == ['2', '1', '0', '0']
    reset = int(seen[0].headers['X-RateLimit-Reset'])
    assert time.time() < reset <= time.time() + 3600
    assert seen[3].json()['code'] == 'rate_limited' and 'Retry-After' in seen[3].headers
    # A token's subject is its own client, and its tier its own limits.
    token = http.post(test_app + '/login', json={'user': 'd-1', 'tier': 'diamond'}).json()
    headers = {'Authorization': f"Bearer {token['data']['access_token']}"}
    r = requests.get(url + '/test/echo', headers=headers, timeout=5)
    assert r.status_code == 200 and r.headers['X-RateLimit-Limit'] == '5'


def test_metrics_count_requests_by_route_and_status_with_latency(http, base_url, test_app):
    http.get(test_app + '/items/1')
    http.get(test_app + '/nowhere')
    text = http.get(base_url + '/metrics').text
    assert 'khatad_requests_total{route="test GET /items/:id",status="200"}' in text
    assert 'khatad_requests_total{route="unmatched",status="404"}' in text
    assert 'khatad_request_duration_seconds_bucket{route="test GET /items/:id",le="+Inf"}' in text
    assert 'khatad_db_connections_in_use ' in text and 'khatad_db_retries_total ' in text


def test_the_access_log_is_one_json_line_a_request_without_bodies_or_tokens(khatad_factory,
                                                                             test_app):
    proc, url = khatad_factory()
    token = requests.post(url + '/test/login', json={'user': 'log-1'}, timeout=5).json()
    requests.get(url + '/test/me?secret=q', timeout=5,
                 headers={'Authorization': f"Bearer {token['data']['access_token']}",
                          'X-Request-Id': 'log-me'})
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=10)
    lines = [json.loads(l) for l in out.splitlines() if l.startswith('{')]
    [line] = [l for l in lines if l.get('request_id') == 'log-me']
    assert line['route'] == 'test GET /me' and line['status'] == 200
    assert line['duration_ms'] >= 0 and line['method'] == 'GET'
    assert token['data']['access_token'] not in out
    assert 'log-1' not in out and 'secret' not in out


def test_sigterm_finishes_in_flight_requests_then_exits(khatad_factory, test_app):
    proc, url = khatad_factory()
    result = {}

    def slow():
        result['r'] = requests.get(url + '/test/sleep?seconds=1', timeout=10)

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    t.join()
    assert result['r'].status_code == 200
    assert proc.wait(10) == 0


def test_connections_over_the_cap_are_answered_503(khatad_factory, test_app):
    _, url = khatad_factory('--max-connections', '2')
    port = int(url.rsplit(':', 1)[1])
    # Which of three connections is the one over the cap depends on the order khatad's threads
    # take them in: exactly one is answered 503, the other two stay open and silent.
    conns = [socket.create_connection(('127.0.0.1', port)) for _ in range(3)]
    answered, _, _ = select.select(conns, [], [], 5)
    assert len(answered) == 1
    assert answered[0].recv(4096).decode().startswith('HTTP/1.1 503')
    time.sleep(0.3)
    assert select.select([c for c in conns if c is not answered[0]], [], [], 0)[0] == []
    for s in conns:
        s.close()
    time.sleep(0.2)
    assert requests.get(url + '/test/echo', timeout=5).status_code == 200


def test_help_lists_every_flag_and_its_variable():
    out = subprocess.run([os.environ['KHATAD_BIN'], '--help'], capture_output=True, text=True,
                         timeout=10).stdout
    for flag, env in [('--listen', 'KHATAD_LISTEN'), ('--db', 'KHATAD_DB'),
                      ('--threads', 'KHATAD_THREADS'), ('--mount', 'KHATAD_MOUNTS'),
                      ('--jwt-private-key', 'KHATAD_JWT_PRIVATE_KEY'),
                      ('--jwt-public-key', 'KHATAD_JWT_PUBLIC_KEY'),
                      ('--max-json-bytes', 'KHATAD_MAX_JSON_BYTES'),
                      ('--max-upload-bytes', 'KHATAD_MAX_UPLOAD_BYTES'),
                      ('--max-connections', 'KHATAD_MAX_CONNECTIONS'),
                      ('--cors-origin', 'KHATAD_CORS_ORIGINS'),
                      ('--rate-limit', 'KHATAD_RATE_LIMITS'), ('--log-level', 'KHATAD_LOG_LEVEL')]:
        assert flag in out and env in out


def test_a_bad_flag_is_refused_with_usage():
    p = subprocess.run([os.environ['KHATAD_BIN'], '--threads', 'many'], capture_output=True,
                       text=True, timeout=10)
    assert p.returncode == 2 and '--threads' in p.stderr


def _get_on(conn, path, headers=None):
    conn.request('GET', path, headers=headers or {})
    response = conn.getresponse()
    response.read()
    return response


def test_http11_connections_persist_unless_the_client_closes(base_url):
    host, port = base_url.split('//')[1].split(':')
    conn = HTTPConnection(host, int(port), timeout=5)
    first = _get_on(conn, '/healthz')
    sock = conn.sock
    assert first.status == 200 and first.getheader('Connection').lower() == 'keep-alive'
    second = _get_on(conn, '/healthz')
    assert second.status == 200 and conn.sock is sock, 'the second request reuses the connection'
    closing = _get_on(conn, '/healthz', {'Connection': 'close'})
    assert closing.getheader('Connection').lower() == 'close'
    conn.close()


def test_http10_connections_close_unless_the_client_asks_to_keep_them(base_url):
    host, port = base_url.split('//')[1].split(':')
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(b'GET /healthz HTTP/1.0\r\n\r\n')
        reply = s.recv(4096).decode()
    assert reply.startswith('HTTP/1.0 200') and 'Connection: Close' in reply
