#!/usr/bin/env bash
# `make run`: builds, installs the extensions into a local cluster (created on first run under
# ./.khata/, reused after), and runs khatad in the foreground. Ctrl-C stops both.
#   KHATA_PGPORT (54320)  KHATA_HTTP_PORT (8080)

source "$KHATA_ROOT/tests/harness/lib.sh"
cd "$KHATA_ROOT"

PGPORT_RUN=${KHATA_PGPORT:-54320}
HTTP_PORT=${KHATA_HTTP_PORT:-8080}

ensure_packages
make -s -j"$(nproc)" all >/dev/null || die "build failed"

STATE=$KHATA_ROOT/.khata
mkdir -p "$STATE"
# The server's OS user must reach the cluster; a checkout under /root, say, it cannot.
PLACE=$STATE
if [ "$(id -u)" -eq 0 ] && ! pg_can_reach "$STATE"; then
  PLACE=/var/tmp/khata-$(printf '%s' "$KHATA_ROOT" | md5sum | cut -c1-12)
  mkdir -p "$PLACE"
  chmod 755 "$PLACE"
  log "postgres cannot enter $KHATA_ROOT; the cluster lives in $PLACE"
fi
STAGE=$PLACE/stage
DATA=$PLACE/data
KHATAD_PID=

stop_all() {
  trap - EXIT INT TERM
  if [ -n "$KHATAD_PID" ] && kill -0 "$KHATAD_PID" 2>/dev/null; then
    kill -TERM "$KHATAD_PID" 2>/dev/null || true
    wait "$KHATAD_PID" 2>/dev/null || true
  fi
  cluster_stop "$STAGE" "$DATA"
  log "stopped khatad and PostgreSQL"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

stage_install "$STAGE"
[ -f "$DATA/PG_VERSION" ] || { log "creating a cluster in $DATA"; cluster_init "$STAGE" "$DATA"; }
cluster_stop "$STAGE" "$DATA"   # a server left behind by a killed run
cluster_start "$STAGE" "$DATA" "$PGPORT_RUN"
khata_setup_db "$PGPORT_RUN" khata
# Demo data: every installed app schema with a load_demo() function loads its own (idempotent).
for app_schema in $(psql_super "$PGPORT_RUN" khata -tAc "select n.nspname from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace join pg_extension e on e.extnamespace = n.oid
    where p.proname = 'load_demo' and p.pronargs = 0 and e.extname like 'khata\_%'"); do
  psql_super "$PGPORT_RUN" khata -c "select $app_schema.load_demo()" >/dev/null
  log "loaded the demo data of $app_schema"
done
jwt_keys "$STATE"   # khatad's token keys: made on first run, kept in ./.khata/
# The front ends' development origin (the receivables tracker runs on :9002); set
# KHATAD_CORS_ORIGINS to allow others, or to "" for none.
export KHATAD_CORS_ORIGINS=${KHATAD_CORS_ORIGINS-http://localhost:9002}

cat <<EOT

  khata is running
    database  postgresql://postgres@127.0.0.1:$PGPORT_RUN/khata   (psql -h 127.0.0.1 -p $PGPORT_RUN -U postgres khata)
    cluster   $DATA
    http      http://127.0.0.1:$HTTP_PORT   (try: curl -s http://127.0.0.1:$HTTP_PORT/healthz)
    jwt keys  $STATE/jwt.key, $STATE/jwt.pub
  Ctrl-C stops khatad and PostgreSQL.

EOT
"$KHATA_ROOT/build/cmake/khatad" --listen "127.0.0.1:$HTTP_PORT" \
  --db "host=127.0.0.1 port=$PGPORT_RUN dbname=khata user=khatad" &
KHATAD_PID=$!
wait "$KHATAD_PID" || true
