"""GET /healthz: khatad is up and can reach its database."""
import os

from conftest import TcpRelay


def test_healthz_answers_ok_when_the_database_is_reachable(http, base_url):
    r = http.get(base_url + '/healthz')
    assert r.status_code == 200
    assert r.headers['Content-Type'].startswith('application/json')
    assert r.json() == {'status': 'ok', 'db': 'ok'}


def test_healthz_answers_503_while_the_database_is_unreachable_and_recovers(khatad_factory):
    relay = TcpRelay(int(os.environ['KHATA_PGPORT']))
    dsn = f"host=127.0.0.1 port={relay.port} dbname=khata user=khatad connect_timeout=2"
    proc, url = khatad_factory('--threads', '1', dsn=dsn)
    import requests
    assert requests.get(url + '/healthz', timeout=5).status_code == 200

    relay.cut()
    r = requests.get(url + '/healthz', timeout=10)
    assert r.status_code == 503
    assert r.json()['db'] == 'unreachable'

    relay.open()
    r = requests.get(url + '/healthz', timeout=10)
    assert r.status_code == 200, 'khatad reconnects once the database is back'


def test_khatad_refuses_to_start_without_a_database(khatad_factory):
    proc, _ = khatad_factory(dsn='host=127.0.0.1 port=1 dbname=khata connect_timeout=2', wait=False)
    out, _ = proc.communicate(timeout=15)
    assert proc.returncode != 0
    assert 'cannot connect to the database' in out


def test_unknown_path_is_404(http, base_url):
    assert http.get(base_url + '/no/such/route').status_code == 404
