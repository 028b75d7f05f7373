"""Fixtures for the HTTP suites: a khatad started by `make test`, and ways to start more."""
import os
import socket
import subprocess
import threading
import time

import psycopg2
import pytest
import requests

FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures')


@pytest.fixture(scope='session')
def base_url():
    return os.environ['KHATA_URL']


def run_sql(sql, dsn=None):
    conn = psycopg2.connect(dsn or os.environ['KHATA_SUPER_DSN'])
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


@pytest.fixture(scope='session')
def test_app(base_url):
    """The test-only app (tests/http/fixtures/khata_test.sql) at /test, once khatad has it."""
    with open(os.path.join(FIXTURES, 'khata_test.sql')) as f:
        run_sql(f.read())
    deadline = time.time() + 10
    while time.time() < deadline:
        if requests.get(base_url + '/test/echo', timeout=5).status_code == 200:
            return base_url + '/test'
        time.sleep(0.05)
    raise AssertionError('khatad did not load the routes of the test app after NOTIFY')


@pytest.fixture(scope='session')
def http():
    session = requests.Session()
    yield session
    session.close()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class TcpRelay:
    """A loopback TCP relay to the database that a test can cut and restore."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.port = free_port()
        self.listener = None
        self.conns = []
        self.lock = threading.Lock()
        self.open()

    def open(self):
        self.listener = socket.create_server(('127.0.0.1', self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(('127.0.0.1', self.target_port))
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        """Refuses new connections and breaks the open ones."""
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for c in self.conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                    c.close()
                except OSError:
                    pass
            self.conns = []


@pytest.fixture
def khatad_factory():
    """Starts khatad processes with extra arguments; stops them after the test."""
    procs = []

    def start(*args, dsn=None, wait=True):
        port = free_port()
        cmd = [os.environ['KHATAD_BIN'], '--listen', f'127.0.0.1:{port}',
               '--db', dsn or os.environ['KHATA_API_DSN'], *args]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        procs.append(proc)
        url = f'http://127.0.0.1:{port}'
        if wait:
            deadline = time.time() + 10
            while time.time() < deadline and proc.poll() is None:
                try:
                    requests.get(url + '/healthz', timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.05)
        return proc, url

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
