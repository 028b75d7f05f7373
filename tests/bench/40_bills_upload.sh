# The bills app: one upload of 10,000 bills of 5,000 customers (all new), then the next
# version of the same customers (10,000 bills created, 10,000 expired), each one transaction
# through bills.h_customer_upload as khatad would call it; and 1,000 proxy payments.

psql_super "$KHATA_PGPORT" khata -tAc "select bills.create_biller('bench@example.com',
  'bench-password', 'Bench Finance', 'offline') ->> 'billerId'" >"$WORK/bills_biller"
BILLER=$(cat "$WORK/bills_biller")

# upload_ms VERSION: milliseconds of one upload of the file for that month.
upload_ms() {
  settle
  psql_super "$KHATA_PGPORT" khata -v biller="$BILLER" -v version="$1" 2>&1 <<'SQL' |
\timing on
\set QUIET on
SELECT (bills.h_customer_upload(jsonb_build_object(
  'params', jsonb_build_object('billerId', :'biller'),
  'claims', jsonb_build_object('billerId', :'biller'),
  'query', '{}'::jsonb,
  'files', jsonb_build_array(jsonb_build_object('field', 'file', 'filename', 'bills.csv',
    'data', encode(convert_to(
      'Customer Name,Customer Identifier,Bill Number,Amount,Bill Date,Due Date,Period' || E'\n' ||
      (SELECT string_agg(format('Customer %s,C-%s,B-%s-%s-%s,%s.50,2025-%s-01,2025-%s-28,M%s',
                                c, c, :version, c, b, 100 + b, lpad(:'version', 2, '0'),
                                lpad(:'version', 2, '0'), :version), E'\n')
       FROM generate_series(1, 5000) c, generate_series(1, 2) b), 'UTF8'), 'base64'))))
) -> 'body') - 'errors';
SQL
    sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
}

ms=$(upload_ms 1)
report "$(printf '  bills upload, 10,000 new bills of 5,000 new customers     %8.0f ms' "$ms")"
ms=$(upload_ms 2)
report "$(printf '  bills upload, next version (10,000 created, 10,000 expired) %6.0f ms' "$ms")"

KEY=$(psql_super "$KHATA_PGPORT" khata -tAc "select bills.rotate_api_key('$BILLER')")
cat >"$WORK/bills_pay.sql" <<SQL
\set c random(1, 5000)
SELECT bills.h_transaction_create(jsonb_build_object(
  'headers', jsonb_build_object('x-api-key', '$KEY'),
  'body', jsonb_build_object('amount', '10', 'type', 'UPI', 'billerId', '$BILLER',
                             'customerIdentifier', 'C-' || :c,
                             'transactionRefId', md5(random()::text))));
SQL
# At the first and the last client count of BENCH_CLIENTS, where the one-row update baseline
# was measured in this run.
for c in $(printf '%s\n' "${BENCH_CLIENTS%% *}" "${BENCH_CLIENTS##* }" | sort -un); do
  pgbench_tps "bills_payment_c$c" "$c" -f "$WORK/bills_pay.sql"
  report "$(printf '  bills proxy payment, %d clients: %s tps (%s of update_row_c%d)' "$c" \
    "$(recorded "bills_payment_c$c")" "$(ratio "$(recorded "bills_payment_c$c")" "$(recorded "update_row_c$c")")" "$c")"
done
