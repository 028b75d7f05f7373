"""khatad's routing: routes come from khata.routes, static beats :param, exact slashes, 404/405."""
import requests

from conftest import run_sql


def test_a_route_row_is_served_at_its_app_mount_with_its_params(http, test_app):
    r = http.get(test_app + '/items/T1A2B3C4?page=2&q=rahim%20traders')
    assert r.status_code == 200
    req = r.json()['req']
    assert req['method'] == 'GET'
    assert req['path'] == '/test/items/T1A2B3C4'
    assert req['params'] == {'id': 'T1A2B3C4'}
    assert req['query'] == {'page': '2', 'q': 'rahim traders'}
    assert req['body'] is None and req['claims'] is None and req['files'] == []
    assert req['ip'] == '127.0.0.1'


def test_a_static_segment_wins_over_a_parameter(http, test_app):
    r = http.get(test_app + '/items/latest')
    assert r.status_code == 200
    assert r.json()['req']['params'] == {}, '/items/latest is its own route, not :id=latest'
    assert http.get(test_app + '/items/older').json()['req']['params'] == {'id': 'older'}


def test_an_unknown_path_is_404_in_the_adapter_error_shape(http, test_app):
    r = http.get(test_app + '/no/such/thing')
    assert r.status_code == 404
    body = r.json()
    assert body['success'] is False and body['code'] == 'not_found'
    assert body['error'] == body['message']
    assert body['requestId'] == r.headers['X-Request-Id']


def test_a_wrong_method_is_405_with_allow(http, test_app):
    r = http.put(test_app + '/items/7')
    assert r.status_code == 405
    allow = {m.strip() for m in r.headers['Allow'].split(',')}
    assert {'GET', 'DELETE'} <= allow and 'PUT' not in allow
    assert r.json()['code'] == 'method_not_allowed'


def test_trailing_slashes_are_exact(http, test_app):
    assert http.get(test_app + '/slash/').status_code == 200
    assert http.get(test_app + '/slash').status_code == 404
    assert http.get(test_app + '/echo/').status_code == 404
    assert http.get(test_app + '/items/').status_code == 404, 'a :param never matches empty'


def test_a_new_route_row_is_served_after_notify_and_gone_after_delete(http, test_app):
    import time
    run_sql("SELECT khata.register_route('test', 'GET', '/fresh/:x', "
            "'khata_test.h_echo(jsonb)', 'none')")
    deadline = time.time() + 5
    while http.get(test_app + '/fresh/1').status_code != 200 and time.time() < deadline:
        time.sleep(0.05)
    assert http.get(test_app + '/fresh/1').json()['req']['params'] == {'x': '1'}
    run_sql("DELETE FROM khata.routes WHERE app = 'test' AND path = '/fresh/:x'")
    deadline = time.time() + 5
    while http.get(test_app + '/fresh/1').status_code != 404 and time.time() < deadline:
        time.sleep(0.05)
    assert http.get(test_app + '/fresh/1').status_code == 404


def test_mount_moves_an_app_and_root_mount_serves_it_unprefixed(khatad_factory, test_app):
    _, url = khatad_factory('--mount', 'test=/v2/t')
    assert requests.get(url + '/v2/t/echo', timeout=5).status_code == 200
    assert requests.get(url + '/test/echo', timeout=5).status_code == 404
    _, root = khatad_factory('--mount', 'test=/')
    r = requests.get(root + '/items/9', timeout=5)
    assert r.status_code == 200 and r.json()['req']['params'] == {'id': '9'}


def test_get_routes_run_read_only_and_posts_do_not(http, test_app):
    assert http.get(test_app + '/echo').json()['read_only'] == 'on'
    assert http.post(test_app + '/echo', json={}).json()['read_only'] == 'off'
    r = http.get(test_app + '/write')
    assert r.status_code == 500, 'a write in a READ ONLY transaction fails'
    assert run_sql(f"SELECT count(*) FROM khata_test.writes WHERE request_id = "
                   f"'{r.headers['X-Request-Id']}'")[0][0] == 0
    r = http.post(test_app + '/write')
    assert r.status_code == 201
    assert run_sql(f"SELECT count(*) FROM khata_test.writes WHERE request_id = "
                   f"'{r.headers['X-Request-Id']}'")[0][0] == 1
