#!/usr/bin/env bash
# `make test`: builds, starts a throwaway cluster and khatad on free ports, runs every suite
# (pgTAP, isolation, unit, HTTP), stops everything it started, and ends with one line
# "N passed, N failed". Exits non-zero on any failure.
#
# TEST_SUITES (default "pgtap isolation unit http chaos") narrows the run; PGTAP_FILES and
# PYTEST_ARGS narrow a suite further while developing.

source "$KHATA_ROOT/tests/harness/lib.sh"
cd "$KHATA_ROOT"

ensure_packages
make -s -j"$(nproc)" all >/dev/null || die "build failed"

WORK=$(mktemp -d /tmp/khata-test.XXXXXX)
chmod 755 "$WORK"
LOGS=$WORK/logs
mkdir -p "$LOGS"
KHATAD_PID=

cleanup() {
  local code=$?
  env_stop
  if [ "${KEEP_TEST_DIR:-}" = 1 ] || [ $code -ne 0 ] && [ "${KEEP_TEST_DIR:-}" != 0 ]; then
    log "test logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

env_start "$WORK"
psql_super "$KHATA_PGPORT" khata -c "create extension if not exists pgtap"

SUITES=${TEST_SUITES:-pgtap isolation unit http chaos}
TOTAL_PASSED=0
TOTAL_FAILED=0

# record SUITE KIND FILE CODE: adds one suite's counts to the totals.
record() {
  local counts passed failed
  counts=$(python3 tests/harness/tally.py "$2" "$3" "$4")
  read -r passed failed <<<"$counts"
  printf '%-10s %5d passed, %d failed\n' "$1" "$passed" "$failed"
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
}

has_suite() { [[ " $SUITES " == *" $1 "* ]]; }

if has_suite pgtap; then
  code=0
  # shellcheck disable=SC2086
  pg_prove -v --failures ${PGTAP_FILES:-tests/pgtap/*.sql} >"$LOGS/pgtap.log" 2>&1 || code=$?
  [ $code -eq 0 ] || grep -E '^(not ok|#)|Failed|Dubious|Parse errors' "$LOGS/pgtap.log" >&2 || true
  record pgtap tap "$LOGS/pgtap.log" $code
fi

if has_suite isolation && compgen -G 'tests/isolation/specs/*.spec' >/dev/null; then
  code=0
  specs=$(cd tests/isolation/specs && ls *.spec | sed 's/\.spec$//')
  # shellcheck disable=SC2086
  "$STAGE$PG_LIBDIR/pgxs/src/test/isolation/pg_isolation_regress" \
    --bindir="$STAGE$PG_BINDIR" --host=127.0.0.1 --port="$KHATA_PGPORT" --user=postgres \
    --use-existing --dbname=khata --inputdir=tests/isolation --outputdir="$LOGS/isolation" \
    $specs >"$LOGS/isolation.log" 2>&1 || code=$?
  [ $code -eq 0 ] || { cat "$LOGS/isolation.log"; cat "$LOGS/isolation/regression.diffs" 2>/dev/null | head -100; } >&2
  record isolation regress "$LOGS/isolation.log" $code
fi

if has_suite unit; then
  code=0
  ctest --test-dir build/cmake --output-on-failure --output-junit "$LOGS/unit.xml" \
    >"$LOGS/unit.log" 2>&1 || code=$?
  [ $code -eq 0 ] || grep -E 'Failed|FAILED|\*\*\*' "$LOGS/unit.log" >&2 || true
  record unit junit "$LOGS/unit.xml" $code
fi

if has_suite http; then
  khatad_start "$LOGS/khatad.log" --threads 2
  code=0
  # shellcheck disable=SC2086
  /usr/bin/python3 -m pytest -q -p no:cacheprovider --junitxml="$LOGS/http.xml" \
    tests/http ${PYTEST_ARGS:-} >"$LOGS/http.log" 2>&1 || code=$?
  [ $code -eq 0 ] || tail -60 "$LOGS/http.log" >&2
  record http junit "$LOGS/http.xml" $code
fi

# A short run of the bank workload under faults (make chaos): it restarts PostgreSQL and a
# khatad of its own, so it comes last. Each invariant it checks counts as one test.
if has_suite chaos && [ -d sql/apps/wallet ]; then
  code=0
  chaos_env
  /usr/bin/python3 tests/chaos/chaos.py --seconds "${CHAOS_SECONDS:-30}" ${CHAOS_SEED:+--seed "$CHAOS_SEED"} \
    --log "$LOGS/chaos" --tap "$LOGS/chaos.tap" >"$LOGS/chaos.log" 2>&1 || code=$?
  [ $code -eq 0 ] || tail -40 "$LOGS/chaos.log" >&2
  record chaos tap "$LOGS/chaos.tap" $code
fi

echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
[ "$TOTAL_FAILED" -eq 0 ]
