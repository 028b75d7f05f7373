"""Concurrency: random send-money requests from 32 clients move money between 20 consumers
without creating, destroying or double-posting any of it."""
import random
import uuid
from concurrent.futures import ThreadPoolExecutor

from conftest import run_sql
from wallet.helpers import new_admin, new_consumer

TRACKED = """
  SELECT r.* FROM wallet.users u, khata.account_row(u.account_id) r WHERE u.public_id = ANY(%s)
  UNION ALL
  SELECT r.* FROM khata.account_row(wallet.account('PLATFORM')) r"""


def sql_with(query, ids):
    ids_array = 'ARRAY[' + ','.join(f"'{i}'" for i in ids) + ']::text[]'
    return run_sql(query.replace('%s', ids_array))


def test_2000_concurrent_send_money_requests_keep_the_total_and_post_each_once(base_url):
    consumers = [new_consumer(base_url, fund=10000) for _ in range(20)]
    ids = [c.id for c in consumers]
    before = sql_with(f'SELECT sum(posted)::bigint FROM ({TRACKED}) t', ids)[0][0]
    rng = random.Random(20261123)
    plan = []
    for _ in range(2000):
        sender, receiver = rng.sample(consumers, 2)
        amount = rng.choice([10, 25, 99.5, 150, 300, 999.99, 1000, 1001, 2500])
        plan.append((sender, receiver, amount, str(uuid.uuid4())))

    def send(item):
        sender, receiver, amount, key = item
        r = sender.post('/api/transactions/send-money',
                        json={'recipientIdentifier': receiver.phone, 'amount': amount},
                        headers={'Idempotency-Key': key})
        return r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(send, plan))

    statuses = [s for s, _ in results]
    assert all(s in (200, 400) for s in statuses), sorted(set(statuses))
    refusals = {body['message'] for s, body in results if s == 400}
    assert refusals <= {'Insufficient balance', 'Daily transaction limit exceeded'}, refusals
    acknowledged = [body['data']['transaction']['transactionId'] for s, body in results if s == 200]
    assert len(acknowledged) > 500, 'a good part of the transfers should go through'

    after = sql_with(f'SELECT sum(posted)::bigint FROM ({TRACKED}) t', ids)[0][0]
    assert after == before, 'money was created or destroyed'
    assert sql_with(f'SELECT count(*) FROM ({TRACKED}) t WHERE posted < 0 OR available < 0', ids)[0][0] == 0

    # Every 2xx has exactly one journal, and no journal moved money without a 2xx.
    assert len(set(acknowledged)) == len(acknowledged)
    listed = 'ARRAY[' + ','.join(f"'{t}'" for t in acknowledged) + ']::text[]'
    journals = run_sql(f"""SELECT count(DISTINCT j.id) FROM wallet.transactions t
                           JOIN khata.journals j ON j.id = t.journal_id
                           WHERE t.transaction_id = ANY({listed})""")[0][0]
    assert journals == len(acknowledged)
    ids_array = 'ARRAY[' + ','.join(f"'{i}'" for i in ids) + ']::text[]'
    sent = run_sql(f"""SELECT count(*) FROM wallet.transactions t JOIN wallet.users u ON u.id = t.sender_id
                       WHERE t.type = 'SEND_MONEY' AND u.public_id = ANY({ids_array})""")[0][0]
    assert sent == len(acknowledged)

    admin = new_admin(base_url)
    reconcile = admin.get('/api/admin/platform-wallet/reconcile').json()['data']
    assert reconcile['success'] is True and reconcile['discrepancy'] == 0
    assert run_sql("SELECT count(*) FROM khata.verify_book(khata.book_id('wallet'))")[0][0] == 0
