# The wallet app through khatad: send-money between random pairs of 1,000 funded consumers
# (each request a fresh Idempotency-Key) and GET /api/wallet, with wrk at 8 and 32
# connections, next to pgbench calling the same handlers with the same kind of request.
# issue 7's target: send-money >= 2,850 req/s at 32 connections with no error.
# Sourced by tests/harness/bench.sh.

WALLET_CONSUMERS=1000
WALLET_PASSWORD='BenchPass123!'

# 1,000 ACTIVE consumers made by the inserts wallet.create_user does (one bcrypt hash shared
# by all, so the setup takes seconds, not a bcrypt per user), each funded with ৳20,000 by an
# add-money journal from the settlement account. Every send is ৳10 (free of fee), so the
# limits stay the spec's and are not hit: a consumer would have to send 2,500 times in a day
# to reach its ৳25,000 daily cap (a run sends about 1,000 times fewer per consumer than the
# whole run's requests), and a balance of ৳20,000 never runs out.
psql_super "$KHATA_PGPORT" khata -q -v consumers="$WALLET_CONSUMERS" -v password="$WALLET_PASSWORD" \
  >/dev/null <<'SQL'
CREATE SCHEMA wallet_bench;
CREATE TABLE wallet_bench.consumers (n int PRIMARY KEY, public_id text NOT NULL UNIQUE,
                                     phone text NOT NULL, claims jsonb);
SELECT set_config('wallet_bench.consumers', :'consumers', false),
       set_config('wallet_bench.hash', wallet.hash_password(:'password'), false);
DO $$
DECLARE
  pid text;
  account bigint;
  u wallet.users;
  ids record;
  posted jsonb;
BEGIN
  FOR n IN 1..current_setting('wallet_bench.consumers')::int LOOP
    pid := wallet.public_id(nextval('wallet.user_seq'), 2654435761, 104729);
    account := khata.create_account(wallet.book(), 'U' || pid, 'Wallet of Bench Consumer ' || n,
                                    'liability', 'BDT', true);
    PERFORM khata.set_spending_limits(account, 2500000, 10000000);
    INSERT INTO wallet.users (public_id, role, email, phone, password_hash, first_name, last_name,
                              status, account_id)
    VALUES (pid, 'CONSUMER', 'bench-' || n || '@example.com', '016' || lpad(n::text, 8, '0'),
            current_setting('wallet_bench.hash'), 'Bench', 'Consumer ' || n, 'ACTIVE', account)
    RETURNING * INTO u;
    ids := wallet.next_transaction_ids();
    posted := khata.post_priced(wallet.schedule(), 'add_money', 2000000,
      jsonb_build_object('sender', wallet.account('SETTLEMENT'), 'receiver', account,
                         'platform', wallet.account('PLATFORM')),
      ids.transaction_id, '{}', 'Bench funding', NULL, NULL, false);
    PERFORM wallet.record(ids.public_id, ids.transaction_id, 'ADD_MONEY', posted -> 'quote',
                          (posted ->> 'journal_id')::bigint, NULL, u.id, NULL, 'Bench funding', NULL);
    INSERT INTO wallet_bench.consumers (n, public_id, phone) VALUES (n, pid, u.phone);
  END LOOP;
END
$$;
SQL
[ "$(psql_super "$KHATA_PGPORT" khata -tAc "select count(*) from wallet_bench.consumers")" = \
  "$WALLET_CONSUMERS" ] || die "the bench consumers were not created"
# Every run measures from the same statistics: taken now, with wallet.idempotent_responses
# still empty, rather than whenever autovacuum first gets to the tables mid-run.
psql_super "$KHATA_PGPORT" khata -q -c "VACUUM ANALYZE"

# What the wallet holds in total: every user's wallet and the platform's.
wallet_total() {
  psql_super "$KHATA_PGPORT" khata -tAc "select sum(r.posted)::bigint from (
    select r.posted from wallet.users u, khata.account_row(u.account_id) r
    union all select r.posted from khata.account_row(wallet.account('PLATFORM')) r) r"
}
wallet_total_before=$(wallet_total)

# khatad's default, three threads (three backends) per core, unless KHATAD_BENCH_THREADS
# says otherwise (see the README on threads).
khatad_start "$WORK/khatad.log" ${KHATAD_BENCH_THREADS:+--threads "$KHATAD_BENCH_THREADS"} \
  --log-level warn

# One token per consumer: consumer 1 logs in through HTTP, and every consumer gets a token
# with the claims of that login (its own id), signed with khatad's key as khatad signs them,
# so khatad verifies each one as it would a login's.
curl -fs -H 'Content-Type: application/json' \
  -d "{\"identifier\": \"bench-1@example.com\", \"password\": \"$WALLET_PASSWORD\"}" \
  "$KHATA_URL/wallet/api/auth/consumer/login" >"$WORK/wallet_login.json" ||
  die "the bench consumer could not log in"
psql_super "$KHATA_PGPORT" khata -tAF $'\t' -c "select n, public_id, phone from wallet_bench.consumers order by n" \
  >"$WORK/wallet_consumers.tsv"
/usr/bin/python3 - "$WORK" <<'PY' || die "could not mint the bench tokens"
import json, os, sys
import jwt

work = sys.argv[1]
login = json.load(open(f'{work}/wallet_login.json'))
claims = jwt.decode(login['data']['token'], open(os.environ['KHATAD_JWT_PUBLIC_KEY'], 'rb').read(),
                    algorithms=['RS256'], audience='wallet')
key = open(os.environ['KHATAD_JWT_PRIVATE_KEY'], 'rb').read()
rows = [line.rstrip('\n').split('\t') for line in open(f'{work}/wallet_consumers.tsv') if line.strip()]
tokens, phones = [], []
with open(f'{work}/wallet_claims.tsv', 'w') as out:
    for n, public_id, phone in rows:
        mine = dict(claims, id=public_id, public_key=public_id)
        tokens.append(jwt.encode(mine, key, algorithm='RS256'))
        phones.append(phone)
        out.write(f'{n}\t{json.dumps(mine)}\n')
lua = lambda xs: '{' + ','.join(json.dumps(x) for x in xs) + '}'
with open(f'{work}/wallet_users.lua', 'w') as f:
    f.write(f'tokens = {lua(tokens)}\nphones = {lua(phones)}\n')
PY
psql_super "$KHATA_PGPORT" khata -q \
  -c "create temp table c (n int, claims jsonb)" \
  -c "\\copy c from '$WORK/wallet_claims.tsv'" \
  -c "update wallet_bench.consumers b set claims = c.claims from c where c.n = b.n"

# Both scripts load the tokens and number wrk's threads (tid).
cat >"$WORK/wallet_common.lua" <<LUA
dofile("$WORK/wallet_users.lua")
LUA
cat >>"$WORK/wallet_common.lua" <<'LUA'
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
LUA
cat >"$WORK/wallet_send.lua" <<LUA
dofile("$WORK/wallet_common.lua")
LUA
cat >>"$WORK/wallet_send.lua" <<'LUA'
-- Each thread numbers its requests; run tag, thread and number make the Idempotency-Key.
function init(args)
  run = args[1] or "run"
  n = 0
  math.randomseed(os.time() * 100 + tid)
end
request = function()
  n = n + 1
  local s = math.random(1, #tokens)
  local r = math.random(1, #tokens - 1)
  if r >= s then r = r + 1 end
  return wrk.format("POST", "/wallet/api/transactions/send-money",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[s],
     ["Idempotency-Key"] = run .. "-" .. tid .. "-" .. n},
    '{"recipientIdentifier": "' .. phones[r] .. '", "amount": 10}')
end
LUA
cat >"$WORK/wallet_get.lua" <<LUA
dofile("$WORK/wallet_common.lua")
LUA
cat >>"$WORK/wallet_get.lua" <<'LUA'
function init(args)
  math.randomseed(os.time() * 100 + tid)
end
request = function()
  return wrk.format("GET", "/wallet/api/wallet",
    {["Authorization"] = "Bearer " .. tokens[math.random(1, #tokens)]})
end
LUA

# wallet_wrk NAME CONNECTIONS SCRIPT: runs wrk, fails on any non-2xx or socket error,
# records req/s as NAME and prints it with p50 and p99.
wallet_wrk() {
  local name=$1 conns=$2 script=$3 out="$WORK/$1.wrk" rps p50 p99 non2xx socket
  settle
  wrk -c "$conns" -t 2 -d "${BENCH_SECONDS}s" --timeout 10s --latency -s "$script" "$KHATA_URL" \
    -- "$name-$(date +%s%N)" >"$out" 2>&1 || { cat "$out" >&2; die "wrk $name failed"; }
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$out")
  socket=$(sed -n 's/^ *Socket errors: *\(.*\)$/\1/p' "$out")
  [ -n "$rps" ] || { cat "$out" >&2; die "wrk $name printed no figure"; }
  [ -z "$non2xx" ] || { tail -5 "$WORK/khatad.log" >&2; die "$name: khatad answered $non2xx requests with an error status"; }
  [ -z "$socket" ] || die "$name: socket errors: $socket"
  printf '%.0f\n' "$rps" >"$FIGURES/$name"
  printf '%s\n' "$p50" >"$FIGURES/$name.p50"
  printf '%s\n' "$p99" >"$FIGURES/$name.p99"
  printf '  %-34s %8.0f req/s  p50 %s  p99 %s  non-2xx 0\n' "$name" "$rps" "$p50" "$p99"
}

for c in 8 32; do
  wallet_wrk "khatad_send_money_c$c" "$c" "$WORK/wallet_send.lua"
done
for c in 8 32; do
  wallet_wrk "khatad_get_wallet_c$c" "$c" "$WORK/wallet_get.lua"
done
khatad_stop

# The same handlers called by pgbench with the req khatad builds (claims, headers, body).
cat >"$WORK/wallet_send.sql" <<'SQL'
\set s random(1, 1000)
\set r random(1, 999)
\set key random(1, 1000000000000)
SELECT wallet.h_send_money(jsonb_build_object(
  'method', 'POST', 'path', '/api/transactions/send-money', 'params', '{}'::jsonb,
  'query', '{}'::jsonb, 'ip', '127.0.0.1', 'request_id', 'pgbench', 'files', '[]'::jsonb,
  'headers', jsonb_build_object('content-type', 'application/json',
                                'idempotency-key', 'pg-' || :client_id || '-' || :key),
  'claims', (SELECT c.claims FROM wallet_bench.consumers c WHERE c.n = :s),
  'body', jsonb_build_object('amount', 10, 'recipientIdentifier',
    (SELECT c.phone FROM wallet_bench.consumers c
     WHERE c.n = CASE WHEN :r >= :s THEN :r + 1 ELSE :r END))));
SQL
cat >"$WORK/wallet_get.sql" <<'SQL'
\set s random(1, 1000)
SELECT wallet.h_wallet(jsonb_build_object(
  'method', 'GET', 'path', '/api/wallet', 'params', '{}'::jsonb, 'query', '{}'::jsonb,
  'ip', '127.0.0.1', 'request_id', 'pgbench', 'files', '[]'::jsonb, 'headers', '{}'::jsonb,
  'claims', (SELECT c.claims FROM wallet_bench.consumers c WHERE c.n = :s), 'body', NULL));
SQL
for c in 8 32; do
  pgbench_tps "pgbench_send_money_c$c" "$c" -M prepared -f "$WORK/wallet_send.sql"
done
for c in 8 32; do
  pgbench_tps "pgbench_get_wallet_c$c" "$c" -M prepared -f "$WORK/wallet_get.sql"
done

# Nothing was created or destroyed, and the ledger agrees with its stored balances.
[ "$(psql_super "$KHATA_PGPORT" khata -tAc \
  "select count(*) from wallet.transactions t where t.type = 'SEND_MONEY'")" -gt 0 ] ||
  die "no send-money was recorded"
problems=$(psql_super "$KHATA_PGPORT" khata -tAc "select count(*) from khata.verify_book(khata.book_id('wallet'))")
[ "$problems" = 0 ] || die "khata.verify_book reports $problems problems after the wallet bench"
wallet_total_after=$(wallet_total)
[ "$wallet_total_after" = "$wallet_total_before" ] ||
  die "the wallet total moved from $wallet_total_before to $wallet_total_after"
echo "  money: verify_book empty, wallet total unchanged ($wallet_total_before poisha)"

for op in send_money get_wallet; do
  for c in 8 32; do
    k="khatad_${op}_c$c"
    report "$(printf '  wallet %-10s %2d connections: khatad %5s req/s (p50 %s, p99 %s), pgbench %5s tps, khatad/pgbench %s' \
      "$op" "$c" "$(recorded "$k")" "$(recorded "$k.p50")" "$(recorded "$k.p99")" \
      "$(recorded "pgbench_${op}_c$c")" "$(ratio "$(recorded "$k")" "$(recorded "pgbench_${op}_c$c")")")"
  done
done
report "  wallet send-money at 32 connections: $(recorded khatad_send_money_c32) req/s vs target 2,850 ($(ratio "$(recorded khatad_send_money_c32)" 2850) x target, $(
  [ "$(recorded khatad_send_money_c32)" -ge 2850 ] && echo met || echo not met);" \
  "$(ratio "$(recorded khatad_send_money_c32)" "$(cat "$FIGURES/tpcb_c8" 2>/dev/null || echo 0)") x this run's pgbench TPC-B at 8 clients)"
