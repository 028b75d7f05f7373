#!/usr/bin/env bash
# `make chaos`: the bank workload under faults (tests/chaos/chaos.py) against a throwaway
# cluster and a khatad of its own. CHAOS_SECONDS (default 120), CHAOS_SEED (default: random,
# printed). Exits non-zero on any violation; the client log is kept in the printed directory.

source "$KHATA_ROOT/tests/harness/lib.sh"
cd "$KHATA_ROOT"

ensure_packages
make -s -j"$(nproc)" all >/dev/null || die "build failed"

WORK=$(mktemp -d /tmp/khata-chaos.XXXXXX)
chmod 755 "$WORK"
cleanup() {
  local code=$?
  env_stop
  log "chaos logs kept in $WORK/logs"
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

env_start "$WORK"
chaos_env
/usr/bin/python3 tests/chaos/chaos.py --seconds "${CHAOS_SECONDS:-120}" \
  ${CHAOS_SEED:+--seed "$CHAOS_SEED"} --log "$WORK/logs"
