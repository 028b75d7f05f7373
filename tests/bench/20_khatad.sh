# khatad's overhead: wrk at 32 connections against a handler that reads one row, versus
# pgbench calling the same SQL function with the same arguments at 32 clients. The issue's
# bar is khatad >= 0.6 x pgbench. Sourced by tests/harness/bench.sh.

psql_super "$KHATA_PGPORT" khata -q >/dev/null <<'SQL'
CREATE SCHEMA khata_bench;
GRANT USAGE ON SCHEMA khata_bench TO khata_api;
CREATE TABLE khata_bench.accounts (id int PRIMARY KEY, name text NOT NULL, balance bigint NOT NULL);
INSERT INTO khata_bench.accounts SELECT g, 'account ' || g, g * 100 FROM generate_series(1, 10000) g;
CREATE FUNCTION khata_bench.h_account(req jsonb) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT jsonb_build_object('status', 200, 'body', jsonb_build_object(
    'id', a.id, 'name', a.name, 'balance', khata.format_amount(a.balance)))
  FROM khata_bench.accounts a WHERE a.id = (req->'params'->>'id')::int;
$$;
GRANT EXECUTE ON FUNCTION khata_bench.h_account(jsonb) TO khata_api;
GRANT EXECUTE ON FUNCTION khata.format_amount(bigint, int) TO khata_api;
SELECT khata.register_route('bench', 'GET', '/accounts/:id', 'khata_bench.h_account(jsonb)', 'none');
SQL

# Handlers answer synchronously, so each worker thread has one request (and one database
# connection) in flight at a time: enough threads keep the database busy, more only add
# context switches on two cores. Measured on an otherwise idle machine: 8 threads read at
# 0.66x and post at 0.93x pgbench, 12 at 0.55x and 0.75x, 16 at 0.56x reading.
KHATAD_BENCH_THREADS=${KHATAD_BENCH_THREADS:-8}
khatad_start "$WORK/khatad.log" --threads "$KHATAD_BENCH_THREADS" --log-level warn
curl -fs "$KHATA_URL/bench/accounts/42" >/dev/null || die "khatad does not serve the bench route"

cat >"$WORK/read_one_row.lua" <<'LUA'
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/bench/accounts/" .. math.random(1, 10000))
end
LUA
settle
wrk -c 32 -t 2 -d "${BENCH_SECONDS}s" --latency -s "$WORK/read_one_row.lua" "$KHATA_URL" \
  >"$WORK/wrk.out" 2>&1 || { cat "$WORK/wrk.out" >&2; die "wrk failed"; }
khatad_rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$WORK/wrk.out")
p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.out")
p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.out")
non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$WORK/wrk.out")
[ -z "$non2xx" ] || die "khatad answered $non2xx requests with an error status"
printf '  %-34s %8.0f req/s  p50 %s  p99 %s\n' khatad_read_one_row_c32 "$khatad_rps" "$p50" "$p99"
khatad_stop

cat >"$WORK/read_one_row.sql" <<'SQL'
\set id random(1, 10000)
SELECT khata_bench.h_account(jsonb_build_object('params', jsonb_build_object('id', :id::text)));
SQL
pgbench_tps pgbench_read_one_row_c32 32 -M prepared -f "$WORK/read_one_row.sql"
report "khatad read one row, 32 connections: $(printf '%.0f' "$khatad_rps") req/s, p50 $p50, p99 $p99;" \
  "$(ratio "$khatad_rps" "$(recorded pgbench_read_one_row_c32)") x pgbench calling the handler" \
  "at 32 clients (bar: 0.60)"

# The same comparison for a handler that posts a two-leg journal between two of 1000 accounts.
psql_super "$KHATA_PGPORT" khata -q >/dev/null <<'SQL'
SELECT khata.create_book('bench_http', 'HTTP bench book') AS book \gset
SELECT count(khata.create_account(:book, 'A' || g, 'Account ' || g, 'asset', 'BDT'))
FROM generate_series(1, 1000) g;
CREATE FUNCTION khata_bench.h_post(req jsonb) RETURNS jsonb
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT jsonb_build_object('status', 201, 'body', khata.post_journal(
    (SELECT id FROM khata.books WHERE code = 'bench_http'), req->'body'->>'key',
    jsonb_build_array(
      jsonb_build_object('account', 'A' || (req->'body'->>'from'), 'debit', (req->'body'->'amount')::bigint),
      jsonb_build_object('account', 'A' || (req->'body'->>'to'), 'credit', (req->'body'->'amount')::bigint))));
$$;
GRANT EXECUTE ON FUNCTION khata_bench.h_post(jsonb) TO khata_api;
SELECT khata.register_route('bench', 'POST', '/journals', 'khata_bench.h_post(jsonb)', 'none');
SQL
khatad_start "$WORK/khatad.log" --threads "$KHATAD_BENCH_THREADS" --log-level warn
cat >"$WORK/post_journal.lua" <<'LUA'
math.randomseed(os.time() + math.floor(os.clock() * 1e6))
local n = 0
request = function()
  n = n + 1
  local from = math.random(1, 1000)
  local to = from % 1000 + 1
  local body = string.format('{"key": "w-%d-%d", "from": %d, "to": %d, "amount": 100}',
                             math.random(1, 1000000000), n, from, to)
  return wrk.format("POST", "/bench/journals", {["Content-Type"] = "application/json"}, body)
end
LUA
settle
wrk -c 32 -t 2 -d "${BENCH_SECONDS}s" --latency -s "$WORK/post_journal.lua" "$KHATA_URL" \
  >"$WORK/wrk_post.out" 2>&1 || { cat "$WORK/wrk_post.out" >&2; die "wrk failed"; }
post_rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$WORK/wrk_post.out")
post_p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk_post.out")
post_p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk_post.out")
non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$WORK/wrk_post.out")
[ -z "$non2xx" ] || die "khatad answered $non2xx journal posts with an error status"
printf '  %-34s %8.0f req/s  p50 %s  p99 %s\n' khatad_post_journal_c32 "$post_rps" "$post_p50" "$post_p99"
khatad_stop

cat >"$WORK/post_journal.sql" <<'SQL'
\set from random(1, 1000)
\set key random(1, 1000000000)
SELECT khata_bench.h_post(jsonb_build_object('body', jsonb_build_object(
  'key', 'p-' || :client_id::text || '-' || :key::text, 'from', :from::int,
  'to', :from::int % 1000 + 1, 'amount', 100)));
SQL
pgbench_tps pgbench_post_journal_c32 32 -M prepared -f "$WORK/post_journal.sql"
report "khatad post a two-leg journal, 32 connections: $(printf '%.0f' "$post_rps") req/s," \
  "p50 $post_p50, p99 $post_p99; $(ratio "$post_rps" "$(recorded pgbench_post_journal_c32)") x" \
  "pgbench calling the handler at 32 clients (bar: 0.60)"
