# khata.aging over 1,000,000 documents of 10,000 parties (tests/bench/30_aging.sql): the time
# of each report (best of AGING_RUNS, default 5) against the 2 s budget, and the plan's index use.

psql_super "$KHATA_PGPORT" khata -f tests/bench/30_aging.sql >/dev/null
echo "  loaded: $(psql_super "$KHATA_PGPORT" khata -tAc "select count(*) || ' documents, ' ||
  count(distinct party) || ' parties, ' || count(*) filter (where open_until > '2025-12-31') ||
  ' owing on 2025-12-31' from khata.documents where book_id = khata.book_id('bench-aging')")"

# aging_ms SQL: the best wall time in milliseconds of AGING_RUNS runs of SQL.
aging_ms() {
  local sql=$1 i
  for i in $(seq "${AGING_RUNS:-5}"); do
    echo '\timing on'
    echo "$sql;"
  done | psql_super "$KHATA_PGPORT" khata -o /dev/null 2>&1 |
    sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n | head -1
}

AGING_BUDGET_MS=2000
for variant in \
  "whole book|select * from khata.aging(khata.book_id('bench-aging'), '2025-12-31')" \
  "by party|select * from khata.aging(khata.book_id('bench-aging'), '2025-12-31', group_by => '{party}')" \
  "by region (a dimension)|select * from khata.aging(khata.book_id('bench-aging'), '2025-12-31', group_by => '{region}')" \
  "by party, document date|select * from khata.aging(khata.book_id('bench-aging'), '2025-12-31', '{30,60,90,180}', 'document', '{party}')" \
  "by party, a year earlier|select * from khata.aging(khata.book_id('bench-aging'), '2024-12-31', group_by => '{party}')"; do
  name=${variant%%|*}
  ms=$(aging_ms "${variant#*|}")
  verdict=$(python3 -c "import sys; print('within' if float(sys.argv[1]) < float(sys.argv[2]) else 'OVER')" "$ms" "$AGING_BUDGET_MS")
  report "$(printf '  aging 1M documents, %-28s %8.0f ms  (%s the %d ms budget)' "$name:" "$ms" "$verdict" "$AGING_BUDGET_MS")"
done

# The plan of the report's query, from auto_explain: which indexes it reads.
echo "  plan of aging by party (index use):"
plan=$(psql_super "$KHATA_PGPORT" khata 2>&1 >/dev/null <<'SQL'
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_analyze = on;
SET auto_explain.log_level = notice;
SET client_min_messages = notice;
SELECT count(*) FROM khata.aging(khata.book_id('bench-aging'), '2025-12-31', group_by => '{party}');
SQL
)
echo "$plan" |
  grep -E ' on (documents|document_status_history|allocations)|Heap Fetches|(Group|Hash)Aggregate|Sort Method' |
  sed 's/^ *\(->  \)*/    /; s/(cost=[^)]*) //'
