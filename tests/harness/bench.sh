#!/usr/bin/env bash
# `make bench`: one throwaway cluster, the baselines first, then every tests/bench/NN_*.sh in
# name order. Machines are noisy, so figures are reported as ratios to baselines measured in
# this same run. BENCH_SECONDS (30) sets each measurement's length; BENCH_ONLY=NN runs the
# baselines and the scripts whose names start with NN.
#
# A script is sourced with lib.sh loaded, the cluster up, and these helpers:
#   pgbench_tps NAME CLIENTS ARGS...   runs pgbench, records and prints tps as NAME
#   recorded NAME                      a figure recorded earlier in this run
#   ratio A B                          A / B with two decimals
#   report LINE                        prints LINE and appends it to the summary
#   settle                             a CHECKPOINT: call it before every measurement

source "$KHATA_ROOT/tests/harness/lib.sh"
cd "$KHATA_ROOT"

ensure_packages
make -s -j"$(nproc)" all >/dev/null || die "build failed"

WORK=$(mktemp -d /tmp/khata-bench.XXXXXX)
chmod 755 "$WORK"
KHATAD_PID=
trap 'code=$?; env_stop; rm -rf "$WORK"; exit $code' EXIT
trap 'exit 130' INT TERM

env_start "$WORK"
# Checkpoints happen only when settle asks for one, before a measurement: one started by the
# WAL of earlier runs would otherwise land inside whichever measurement comes next (the
# first write of every page after it logs the whole page), slowing that figure alone.
psql_super "$KHATA_PGPORT" postgres -q -c "ALTER SYSTEM SET max_wal_size = '8GB'" \
  -c "ALTER SYSTEM SET checkpoint_timeout = '1h'" -c "SELECT pg_reload_conf()" >/dev/null
export BENCH_SECONDS=${BENCH_SECONDS:-30}
export BENCH_CLIENTS=${BENCH_CLIENTS:-1 2 4 8}
FIGURES=$WORK/figures
SUMMARY=$WORK/summary
mkdir -p "$FIGURES"
: >"$SUMMARY"

report() { echo "$*" | tee -a "$SUMMARY"; }
recorded() { cat "$FIGURES/$1"; }
ratio() { python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'{a / b:.2f}' if b else 'n/a')" "$1" "$2"; }

settle() { psql_super "$KHATA_PGPORT" khata -q -c CHECKPOINT; }

pgbench_tps() {
  local name=$1 clients=$2 tps
  shift 2
  settle
  tps=$(pgbench -n -c "$clients" -j "$clients" -T "$BENCH_SECONDS" "$@" 2>"$WORK/pgbench.err" |
    sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  [ -n "$tps" ] || { cat "$WORK/pgbench.err" >&2; die "pgbench $name failed"; }
  printf '%.0f\n' "$tps" >"$FIGURES/$name"
  printf '  %-34s %8.0f tps\n' "$name" "$tps"
}

echo "baselines (pgbench, ${BENCH_SECONDS}s each)"
pgbench -i -q -s 10 >/dev/null 2>&1
psql_super "$KHATA_PGPORT" khata -c "create table bench_counter (id int primary key, v bigint)" \
  -c "insert into bench_counter select g, 0 from generate_series(1, 10000) g"
cat >"$WORK/update_one_row.sql" <<'SQL'
\set id random(1, 10000)
UPDATE bench_counter SET v = v + 1 WHERE id = :id;
SQL
for c in $BENCH_CLIENTS; do
  pgbench_tps "tpcb_c$c" "$c"
  pgbench_tps "update_row_c$c" "$c" -f "$WORK/update_one_row.sql"
done

for script in tests/bench/[0-9][0-9]_*.sh; do
  [ -e "$script" ] || continue
  [ -z "${BENCH_ONLY:-}" ] || [[ "$(basename "$script")" == ${BENCH_ONLY}_* ]] || continue
  echo
  echo "$(basename "$script" .sh)"
  # shellcheck disable=SC1090
  source "$script"
done

echo
echo "summary"
cat "$SUMMARY"
