# Ledger benchmarks (issue 4), sourced by tests/harness/bench.sh. 10,000 no_overdraft wallets,
# each funded so transfers never fail:
#   (a) one two-leg transfer per transaction between random wallets
#   (b) the same, every journal also crediting one fee account (a hot account, 8 slots)
#   (c) khata.post_journals with 100 transfers per call (figures in transfers/s): first on
#       one-slot wallets, then with every wallet striped into 8 slots (set_account_slots: a
#       debit that the backend's slot covers locks that slot alone). Batches of 100 random
#       transfers nearly always share a wallet, so on one-slot wallets each waits for another's
#       commit. Single transfers rarely collide, and striping costs each about a tenth more
#       CPU, so (a) and (b) run on one-slot wallets; (c)'s target is read on striped ones.
# then the storage per two-leg transfer, journals with their indexes.

psql_super "$KHATA_PGPORT" khata -o /dev/null <<'SQL'
SELECT khata.create_book('bench', 'bench');
SELECT khata.create_account(khata.book_id('bench'), 'EQUITY', 'capital', 'equity', 'BDT');
SELECT khata.create_account(khata.book_id('bench'), 'FEES', 'fee income', 'income', 'BDT');
SELECT khata.set_account_slots(khata.account_id(khata.book_id('bench'), 'FEES'), 8);
SELECT count(khata.create_account(khata.book_id('bench'), 'W' || g, 'wallet ' || g, 'liability', 'BDT', true))
FROM generate_series(1, 10000) g;
-- Fund every wallet: one batch of 10,000 journals.
SELECT count(*) FROM jsonb_array_elements(khata.post_journals(khata.book_id('bench'),
  (SELECT jsonb_agg(jsonb_build_object('idempotency_key', 'fund-' || g, 'legs', jsonb_build_array(
     jsonb_build_object('account', 'EQUITY', 'debit', 1000000000000),
     jsonb_build_object('account', 'W' || g, 'credit', 1000000000000))))
   FROM generate_series(1, 10000) g))) r WHERE (r ->> 'ok')::boolean;
VACUUM ANALYZE khata.balances;
VACUUM ANALYZE khata.journals;
SQL
BENCH_BOOK=$(psql_super "$KHATA_PGPORT" khata -tAc "select khata.book_id('bench')")
BENCH_W0=$(psql_super "$KHATA_PGPORT" khata -tAc "select khata.account_id($BENCH_BOOK, 'W1') - 1")
BENCH_FEES=$(psql_super "$KHATA_PGPORT" khata -tAc "select khata.account_id($BENCH_BOOK, 'FEES')")

cat >"$WORK/ledger_transfer.sql" <<SQL
\set a random($((BENCH_W0 + 1)), $((BENCH_W0 + 10000)))
\set b random($((BENCH_W0 + 1)), $((BENCH_W0 + 10000)))
\set k random(1, 1000000000000000)
SELECT khata.post_journal($BENCH_BOOK, 'a:client_id-:k',
  '[{"account": :a, "debit": 1850}, {"account": :b, "credit": 1850}]');
SQL
cat >"$WORK/ledger_hot.sql" <<SQL
\set a random($((BENCH_W0 + 1)), $((BENCH_W0 + 10000)))
\set b random($((BENCH_W0 + 1)), $((BENCH_W0 + 10000)))
\set k random(1, 1000000000000000)
SELECT khata.post_journal($BENCH_BOOK, 'b:client_id-:k',
  '[{"account": :a, "debit": 1885}, {"account": :b, "credit": 1850}, {"account": $BENCH_FEES, "credit": 35}]');
SQL
# The batch as a client sends it: JSON text with its random accounts filled in by pgbench,
# so the backend's time goes to post_journals, not to building the batch.
{
  echo "\\set k random(1, 1000000000000000)"
  for g in $(seq 100); do
    echo "\\set d$g random($((BENCH_W0 + 1)), $((BENCH_W0 + 10000)))"
    echo "\\set c$g random($((BENCH_W0 + 1)), $((BENCH_W0 + 10000)))"
  done
  printf "SELECT khata.post_journals(%s, '[" "$BENCH_BOOK"
  for g in $(seq 100); do
    [ "$g" = 1 ] || printf ', '
    printf '{"idempotency_key": "c:client_id-:k-%d", "legs": [{"account": :d%d, "debit": 1850}, {"account": :c%d, "credit": 1850}]}' \
      "$g" "$g" "$g"
  done
  echo "]');"
} >"$WORK/ledger_batch.sql"

for c in $BENCH_CLIENTS; do
  pgbench_tps "ledger_a_c$c" "$c" -f "$WORK/ledger_transfer.sql"
done
read -r journals_a bytes_a <<<"$(psql_super "$KHATA_PGPORT" khata -tAF' ' -c \
  "select count(*), pg_total_relation_size('khata.journals') from khata.journals where book_id = $BENCH_BOOK")"
for c in $BENCH_CLIENTS; do
  pgbench_tps "ledger_b_c$c" "$c" -f "$WORK/ledger_hot.sql"
done
# (c) on one-slot wallets, then on striped ones.
for stripes in 1 8; do
  if [ "$stripes" = 8 ]; then
    psql_super "$KHATA_PGPORT" khata -o /dev/null -c \
      "SELECT count(*) FROM (SELECT khata.set_account_slots(khata.account_id($BENCH_BOOK, 'W' || g), 8)
                             FROM generate_series(1, 10000) g) s" -c "VACUUM ANALYZE khata.balances"
  fi
  name=ledger_c
  [ "$stripes" = 8 ] || name=ledger_c_one_slot
  for c in $BENCH_CLIENTS; do
    pgbench_tps "${name}_calls_c$c" "$c" -f "$WORK/ledger_batch.sql"
    echo $(($(recorded "${name}_calls_c$c") * 100)) >"$FIGURES/${name}_c$c"
    printf '  %-34s %8d transfers/s\n' "${name}_c$c" "$(recorded "${name}_c$c")"
  done
done

top=${BENCH_CLIENTS##* }
verify=$(psql_super "$KHATA_PGPORT" khata -tAc "select count(*) from khata.verify_book($BENCH_BOOK)")
report "ledger (a) transfers/s at $top clients: $(recorded "ledger_a_c$top") = $(ratio "$(recorded "ledger_a_c$top")" "$(recorded "tpcb_c$top")") x TPC-B (target >= 1.5)"
report "ledger (b) hot fee account at $top clients: $(recorded "ledger_b_c$top") = $(ratio "$(recorded "ledger_b_c$top")" "$(recorded "ledger_a_c$top")") x (a) (target >= 0.8)"
report "ledger (c) post_journals x100 at $top clients: $(recorded "ledger_c_c$top") transfers/s on wallets striped 8 ways (target >= 50000); $(recorded "ledger_c_one_slot_c$top") on one-slot wallets"
report "ledger storage: $((bytes_a / journals_a)) bytes per two-leg transfer, journals with indexes, $journals_a journals (target <= 350)"
report "ledger verify_book after the runs: $verify problems"
