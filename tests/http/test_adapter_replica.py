"""--replica: read-only routes run on a streaming replica of the database, writes on the primary."""
import os
import shutil
import subprocess
import tempfile
import time

import pytest
import requests

from conftest import free_port

PG_BINDIR = '/usr/lib/postgresql/15/bin'


def as_pg(*cmd):
    prefix = ['runuser', '-u', 'postgres', '--'] if os.geteuid() == 0 else []
    return subprocess.run(prefix + list(cmd), check=True, capture_output=True, text=True,
                          cwd='/', timeout=120)


@pytest.fixture(scope='module')
def standby_port():
    """A real hot standby of the test cluster, made with pg_basebackup and streaming from it."""
    bindir = os.environ['KHATA_STAGE'] + PG_BINDIR
    data = tempfile.mkdtemp(prefix='standby-', dir=os.environ['KHATA_WORK'])
    if os.geteuid() == 0:
        shutil.chown(data, 'postgres', 'postgres')
    port = free_port()
    as_pg(bindir + '/pg_basebackup', '-h', '127.0.0.1', '-p', os.environ['KHATA_PGPORT'],
          '-U', 'postgres', '-D', data, '-R', '-X', 'stream', '-c', 'fast')
    as_pg(bindir + '/pg_ctl', '-D', data, '-o', f'-p {port}', '-l', data + '/server.log', '-w',
          '-t', '60', 'start')
    try:
        yield port
    finally:
        as_pg(bindir + '/pg_ctl', '-D', data, '-m', 'immediate', '-w', 'stop')
        shutil.rmtree(data, ignore_errors=True)


def dsn_on(port):
    return ' '.join(f'port={port}' if part.startswith('port=') else part
                    for part in os.environ['KHATA_API_DSN'].split())


def test_read_only_routes_run_on_the_replica_and_writes_on_the_primary(
        khatad_factory, test_app, standby_port):
    _, url = khatad_factory('--replica', dsn_on(standby_port))
    deadline = time.time() + 20
    while True:  # the test app's routes reach the standby by streaming
        got = requests.get(url + '/test/echo', timeout=5)
        if got.status_code == 200 or time.time() > deadline:
            break
        time.sleep(0.2)
    assert got.status_code == 200
    assert got.json()['in_recovery'] is True and got.json()['read_only'] == 'on'
    posted = requests.post(url + '/test/echo', json={}, timeout=5)
    assert posted.status_code == 200 and posted.json()['in_recovery'] is False


def test_reads_fall_back_to_the_primary_while_the_replica_is_unreachable(khatad_factory,
                                                                          test_app):
    _, url = khatad_factory('--replica', dsn_on(free_port()))
    got = requests.get(url + '/test/echo', timeout=10)
    assert got.status_code == 200 and got.json()['in_recovery'] is False
