#!/usr/bin/env python3
"""make chaos: the bank workload under faults, through khatad and the wallet app.

16 consumer wallets, 2 agents and the platform wallet hold a known total. 8 clients send
random send-money / cash-out / cash-in requests for --seconds, each with an Idempotency-Key
written to the client log before it is sent and retried with the same key for up to 30 s;
one operation in four reads the sum of all balances in one snapshot. Every 15-30 s (chosen
by the seed) a fault strikes: khatad killed -9 and restarted, PostgreSQL restarted in
immediate mode, khatad stopped for 5 s, or khatad's connections terminated.

Checks: every read sums to the total; no balance below zero; at most one journal per key;
every acknowledged key has exactly one journal; khata.verify_book is empty at the end.
Prints the figures and, with --tap, one TAP line per check. Exit 1 on any violation.

Environment (set by tests/harness/chaos.sh and test.sh): KHATAD_BIN, KHATA_API_DSN,
KHATA_SUPER_DSN, KHATAD_JWT_PRIVATE_KEY, KHATAD_JWT_PUBLIC_KEY, KHATA_PG_CTL, KHATA_DATA,
KHATA_PGPORT, KHATA_AS_PG (a command prefix running as the postgres user, or empty).
"""
import argparse
import json
import os
import random
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid

import psycopg2
import requests

RETRY_FOR = 30.0
CARD = {"cardNumber": "4000123412341234", "cardHolderName": "Chaos Bank",
        "expiryMonth": "12", "expiryYear": "99", "cvv": "123"}


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def sql(query, args=None, dsn=None):
    conn = psycopg2.connect(dsn or os.environ['KHATA_SUPER_DSN'], connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(query, args)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def sql_retrying(query, args=None, seconds=60):
    deadline = time.time() + seconds
    while True:
        try:
            return sql(query, args)
        except psycopg2.Error:
            if time.time() > deadline:
                raise
            time.sleep(0.2)


class Khatad:
    """khatad on its own port, which the fault thread may kill, stop and restart."""

    def __init__(self, log_path):
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.log = open(log_path, 'ab')
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [os.environ['KHATAD_BIN'], '--listen', f'127.0.0.1:{self.port}',
             '--db', os.environ['KHATA_API_DSN'], '--threads', '4'],
            stdout=self.log, stderr=self.log)
        self.wait_healthy()

    def wait_healthy(self, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                r = requests.get(self.url + '/healthz', timeout=1)
                if r.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise RuntimeError('khatad did not become healthy')

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Api:
    def __init__(self, khatad):
        self.khatad = khatad

    def call(self, method, path, token=None, body=None, headers=None, timeout=10):
        h = dict(headers or {})
        if token:
            h['Authorization'] = 'Bearer ' + token
        return requests.request(method, self.khatad.url + '/wallet' + path, json=body,
                                headers=h, timeout=timeout)

    def ok(self, method, path, token=None, body=None):
        r = self.call(method, path, token, body)
        if r.status_code >= 300:
            raise RuntimeError(f'{method} {path}: {r.status_code} {r.text[:300]}')
        return r.json()


class Run:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.lock = threading.Lock()
        self.outcomes = {'ok': 0, 'failed': 0, 'indeterminate': 0}
        self.latencies = []
        self.acknowledged = []
        self.sent_keys = []
        self.reads = 0
        self.bad_reads = []
        self.faults = []
        self.refusals = {}
        self.stop_at = 0.0
        os.makedirs(args.log, exist_ok=True)
        self.client_log = open(os.path.join(args.log, 'client.log'), 'a', buffering=1)
        self.khatad = Khatad(os.path.join(args.log, 'khatad.log'))
        self.api = Api(self.khatad)

    # --- setup --------------------------------------------------------------------------
    def setup(self):
        # An admin and a card of the simulated card bank of our own, so the run needs no demo data.
        sql("select wallet.create_admin('chaos-admin@test.com', 'Chaos123!x', 'Chaos Admin')")
        sql("insert into wallet.bank_cards values (%s, 'Chaos Bank', '12', '99', '123', 1000000000000)"
            " on conflict (card_number) do update set balance = excluded.balance",
            (CARD['cardNumber'],))
        tag = f'{self.args.seed % 100000:05d}{os.getpid() % 1000:03d}'
        admin = self.api.ok('POST', '/api/auth/admin/login',
                            body={'email': 'chaos-admin@test.com', 'password': 'Chaos123!x'})
        admin_token = admin['data']['token']
        self.consumers = []
        for i in range(16):
            email = f'chaos{tag}c{i}@test.com'
            phone = f'017{int(tag) % 100000:05d}{i:03d}'
            self.api.ok('POST', '/api/auth/consumer/register', body={
                'email': email, 'phone': phone, 'password': 'Chaos123!x', 'firstName': 'Chaos',
                'lastName': f'Consumer{i}', 'role': 'CONSUMER'})
            login = self.api.ok('POST', '/api/auth/consumer/login',
                                body={'identifier': email, 'password': 'Chaos123!x'})
            self.consumers.append({'email': email, 'phone': phone,
                                   'token': login['data']['token'],
                                   'id': login['data']['profile']['id']})
            self.api.ok('POST', '/api/transactions/add-money', self.consumers[-1]['token'],
                        dict(CARD, amount=20000))
        self.agents = []
        for i in range(2):
            email = f'chaos{tag}a{i}@test.com'
            phone = f'018{int(tag) % 100000:05d}{i:03d}'
            reg = self.api.ok('POST', '/api/auth/agent/register', body={
                'email': email, 'phone': phone, 'password': 'Chaos123!x', 'firstName': 'Chaos',
                'lastName': f'Agent{i}', 'role': 'AGENT', 'businessName': f'Chaos Shop {i}',
                'businessAddress': 'House 1, Road 2, Dhaka', 'nidNumber': f'99{tag}{i:04d}'})
            agent_id = reg['data']['user']['id']
            self.api.ok('POST', f'/api/admin/agents/{agent_id}/approve', admin_token, {})
            login = self.api.ok('POST', '/api/auth/agent/login',
                                body={'identifier': email, 'password': 'Chaos123!x'})
            profile = login['data']['profile']
            self.agents.append({'email': email, 'token': login['data']['token'],
                                'code': profile['agent']['agentCode'], 'id': profile['id']})
            self.api.ok('POST', '/api/transactions/add-money', self.agents[-1]['token'],
                        dict(CARD, amount=20000))
        self.public_ids = [u['id'] for u in self.consumers + self.agents]
        # Limits are not what this run tests: lift them, so refusals are only overdrafts.
        sql("select khata.set_spending_limits(u.account_id, NULL, NULL) from wallet.users u "
            "where u.public_id = any(%s)", (self.public_ids,))
        self.total = self.sum_balances()
        print(f'setup: 16 consumers, 2 agents, total {self.total} paisa in the tracked wallets',
              flush=True)

    def sum_balances(self):
        rows = sql_retrying(TRACKED_SUM, (self.public_ids,))
        return rows[0][0]

    # --- clients ------------------------------------------------------------------------
    def operation(self, rng):
        kind = rng.choice(['send-money', 'cash-out', 'cash-in'])
        amount = rng.choice([50, 75, 100, 250, 999, 1001, 1500, 2000]) + rng.choice([0, 0, 0.5, 0.25])
        if kind == 'send-money':
            a, b = rng.sample(self.consumers, 2)
            return kind, a['token'], {'recipientIdentifier': rng.choice([b['email'], b['phone']]),
                                      'amount': amount, 'description': 'chaos'}
        if kind == 'cash-out':
            a = rng.choice(self.consumers)
            return kind, a['token'], {'agentCode': rng.choice(self.agents)['code'],
                                      'amount': amount, 'description': 'chaos'}
        agent = rng.choice(self.agents)
        return kind, agent['token'], {'consumerIdentifier': rng.choice(self.consumers)['email'],
                                      'amount': amount, 'description': 'chaos'}

    def send(self, kind, token, body):
        key = str(uuid.uuid4())
        self.client_log.write(json.dumps({'key': key, 'op': kind, 'body': body,
                                          'at': time.time()}) + '\n')
        with self.lock:
            self.sent_keys.append(key)
        started = time.time()
        while True:
            try:
                r = self.api.call('POST', '/api/transactions/' + kind, token, body,
                                  {'Idempotency-Key': key}, timeout=10)
                if r.status_code < 300:
                    return key, 'ok', time.time() - started
                if r.status_code < 500 and r.status_code not in (408, 409, 429):
                    with self.lock:
                        try:
                            reason = f"{r.status_code} {r.json().get('message', '')}"
                        except ValueError:
                            reason = f'{r.status_code} {r.text[:80]}'
                        self.refusals[reason] = self.refusals.get(reason, 0) + 1
                    return key, 'failed', time.time() - started
            except requests.RequestException:
                pass
            if time.time() - started > RETRY_FOR:
                return key, 'indeterminate', None
            time.sleep(0.1 + random.random() * 0.3)

    def client(self, n):
        rng = random.Random(self.args.seed * 1000 + n)
        while time.time() < self.stop_at:
            if rng.random() < 0.25:
                try:
                    s = self.sum_balances()
                except psycopg2.Error:
                    continue
                with self.lock:
                    self.reads += 1
                    if s != self.total:
                        self.bad_reads.append(s)
                continue
            key, outcome, latency = self.send(*self.operation(rng))
            self.client_log.write(json.dumps({'key': key, 'outcome': outcome}) + '\n')
            with self.lock:
                self.outcomes[outcome] += 1
                if latency is not None:
                    self.latencies.append(latency)
                if outcome == 'ok':
                    self.acknowledged.append(key)

    # --- faults -------------------------------------------------------------------------
    def restart_postgres(self):
        prefix = shlex.split(os.environ.get('KHATA_AS_PG', ''))
        subprocess.run(prefix + [os.environ['KHATA_PG_CTL'], '-D', os.environ['KHATA_DATA'],
                                 '-o', f"-p {os.environ['KHATA_PGPORT']}",
                                 '-l', os.path.join(os.environ['KHATA_DATA'], 'server.log'),
                                 '-m', 'immediate', '-w', '-t', '60', 'restart'],
                       cwd='/', check=True, stdout=subprocess.DEVNULL)

    def fault(self, name):
        if name == 'kill9':
            self.khatad.kill9()
            self.khatad.start()
        elif name == 'pg_restart':
            self.restart_postgres()
        elif name == 'sigstop':
            self.khatad.proc.send_signal(signal.SIGSTOP)
            time.sleep(5)
            self.khatad.proc.send_signal(signal.SIGCONT)
        elif name == 'terminate':
            sql_retrying("select pg_terminate_backend(pid) from pg_stat_activity "
                         "where usename = 'khatad'")

    def faults_loop(self):
        rng = random.Random(self.args.seed)
        while True:
            wait = rng.uniform(15, 30)
            if time.time() + wait > self.stop_at - 5:
                return
            time.sleep(wait)
            name = rng.choice(['kill9', 'pg_restart', 'sigstop', 'terminate'])
            began = time.time()
            self.fault(name)
            recovery = self.recovery_time(began)
            self.faults.append((name, round(began - self.started, 1), recovery))
            print(f'fault {name} at {began - self.started:.1f}s: recovered in {recovery:.2f}s',
                  flush=True)

    def recovery_time(self, since):
        """Seconds from the fault's start until a wallet read through khatad succeeds again."""
        token = self.consumers[0]['token']
        while True:
            try:
                if self.api.call('GET', '/api/wallet', token, timeout=2).status_code == 200:
                    return time.time() - since
            except requests.RequestException:
                pass
            time.sleep(0.05)

    # --- the run ------------------------------------------------------------------------
    def run(self):
        self.khatad.start()
        try:
            self.setup()
            self.started = time.time()
            self.stop_at = self.started + self.args.seconds
            threads = [threading.Thread(target=self.client, args=(i,)) for i in range(8)]
            threads.append(threading.Thread(target=self.faults_loop))
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.time() - self.started
            return self.report(elapsed)
        finally:
            self.khatad.stop()

    def report(self, elapsed):
        checks = []
        final = self.sum_balances()
        checks.append((not self.bad_reads and final == self.total,
                       f'every read summed to the total ({self.reads} reads, '
                       f'{len(self.bad_reads)} off; final {final} of {self.total})'))
        negative = sql(NEGATIVE, (self.public_ids,))
        checks.append((not negative, f'no balance below zero ({len(negative)} negative)'))
        counts = dict(sql(JOURNALS_PER_KEY, (self.sent_keys,)))
        duplicated = [k for k, c in counts.items() if c > 1]
        checks.append((not duplicated, f'at most one journal per key ({len(duplicated)} keys with more)'))
        missing = [k for k in self.acknowledged if counts.get(k, 0) != 1]
        checks.append((not missing, f'every acknowledged key has exactly one journal '
                                    f'({len(self.acknowledged)} acknowledged, {len(missing)} without)'))
        drift = sql("select count(*) from khata.verify_book(khata.book_id('wallet'))")[0][0]
        checks.append((drift == 0, f'khata.verify_book is empty ({drift} rows)'))

        lat = sorted(self.latencies)
        p = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000) if lat else (lambda q: 0)
        violations = sum(1 for good, _ in checks if not good)
        print(f'seed {self.args.seed}, {elapsed:.0f} s, 8 clients')
        print(f"ok {self.outcomes['ok']}, failed {self.outcomes['failed']}, "
              f"indeterminate {self.outcomes['indeterminate']}")
        for reason, n in sorted(self.refusals.items(), key=lambda x: -x[1])[:5]:
            print(f'  refused {n} times: {reason}')
        print(f"throughput {self.outcomes['ok'] / elapsed:.1f} ok/s; latency p50 {p(0.5):.1f} ms, "
              f"p99 {p(0.99):.1f} ms")
        for name, at, rec in self.faults:
            print(f'fault {name} at {at}s: recovery {rec:.2f} s')
        for good, text in checks:
            print(('ok   ' if good else 'FAIL ') + text)
        print(f'violations {violations}')
        if self.args.tap:
            with open(self.args.tap, 'w') as f:
                f.write(f'1..{len(checks)}\n')
                for i, (good, text) in enumerate(checks, 1):
                    f.write(f"{'ok' if good else 'not ok'} {i} - chaos: {text}\n")
        return 1 if violations else 0


# SQL that knows how the wallet app keeps its accounts and keys (sql/apps/wallet): each user's
# wallet is the khata account wallet.users.account_id, the platform wallet is
# wallet.account('PLATFORM'), and the first response per Idempotency-Key is stored in
# wallet.idempotent_responses under "<operation>:<key>", naming the transaction whose
# journal moved the money. One statement is one snapshot, so a sum is never torn.
TRACKED = """
  SELECT r.* FROM wallet.users u, khata.account_row(u.account_id) r WHERE u.public_id = ANY(%s)
  UNION ALL
  SELECT r.* FROM khata.account_row(wallet.account('PLATFORM')) r"""
TRACKED_SUM = f'SELECT sum(posted)::bigint FROM ({TRACKED}) t'
NEGATIVE = f'SELECT id, posted, available FROM ({TRACKED}) t WHERE posted < 0 OR available < 0'
JOURNALS_PER_KEY = """
  SELECT k.key, count(DISTINCT j.id)
  FROM unnest(%s::text[]) k(key)
  JOIN wallet.idempotent_responses r ON substr(r.key, strpos(r.key, ':') + 1) = k.key
  CROSS JOIN LATERAL jsonb_path_query(r.response, 'strict $.**.transactionId') tid
  JOIN wallet.transactions t ON t.transaction_id = tid #>> '{}'
  JOIN khata.journals j ON j.id = t.journal_id
  GROUP BY k.key"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seconds', type=int, default=120)
    parser.add_argument('--seed', type=int, default=None)
    parser.add_argument('--log', default='chaos-log')
    parser.add_argument('--tap', default=None)
    args = parser.parse_args()
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1, 2**31)
    print(f'chaos: seed {args.seed}, {args.seconds} s (repeat with CHAOS_SEED={args.seed})',
          flush=True)
    sys.exit(Run(args).run())


if __name__ == '__main__':
    main()
