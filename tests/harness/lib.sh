# Shared shell functions for `make run` and `make test`: Debian packages, a private
# PostgreSQL installation tree with the khata extensions in it, and local clusters.
# Sourced, not executed. Expects $KHATA_ROOT (the checkout).

set -euo pipefail

PG_MAJOR=15
PG_BINDIR=/usr/lib/postgresql/$PG_MAJOR/bin
PG_LIBDIR=/usr/lib/postgresql/$PG_MAJOR/lib
PG_SHAREDIR=/usr/share/postgresql/$PG_MAJOR

# Every Debian package the build, the servers and the tests need.
KHATA_PACKAGES=(
  make g++ cmake pkg-config clang-14 llvm-14 curl
  postgresql-$PG_MAJOR postgresql-client-$PG_MAJOR postgresql-server-dev-$PG_MAJOR
  postgresql-$PG_MAJOR-pgtap postgresql-$PG_MAJOR-cron
  libpq-dev libpistache-dev nlohmann-json3-dev libssl-dev openssl libgtest-dev wrk
  zlib1g-dev    # khata.read_table: inflating XLSX archives
  libexpat1-dev # khata.read_table: parsing XLSX parts
  python3 python3-pytest python3-requests python3-psycopg2 python3-jwt python3-cryptography
)

log() { printf 'khata: %s\n' "$*" >&2; }
die() { printf 'khata: %s\n' "$*" >&2; exit 1; }

# Installs missing packages when root; otherwise prints the one command to run.
ensure_packages() {
  local missing=() p
  for p in "${KHATA_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing Debian packages; run: sudo apt-get install -y ${missing[*]}"
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null ||
    { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; } ||
    die "apt-get install failed for: ${missing[*]}"
}

# PostgreSQL refuses to run as root: as root, the server runs as the postgres OS user.
pg_user() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# True when the server's OS user can enter directory $1.
pg_can_reach() { as_pg test -x "$1" -a -r "$1"; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Builds a private PostgreSQL tree under $1: the server binaries are copied (the server finds
# its share and lib directories relative to its own executable), everything else is linked to
# the system installation, and the khata extensions are installed into it with PGXS's DESTDIR.
# Nothing outside $1 is written, so this needs no root and never touches the system install.
stage_install() {
  local stage=$1
  make -C "$KHATA_ROOT" --no-print-directory -s install DESTDIR="$stage" >/dev/null
  mkdir -p "$stage$PG_BINDIR"
  local f
  for f in "$PG_BINDIR"/*; do
    [ "$f" -nt "$stage$PG_BINDIR/$(basename "$f")" ] && cp -p "$f" "$stage$PG_BINDIR/"
  done
  mirror_tree "$PG_LIBDIR" "$stage$PG_LIBDIR"
  mirror_tree "$PG_SHAREDIR" "$stage$PG_SHAREDIR"
  chmod -R a+rX "$stage"
}

# Links every entry of $1 missing from $2; descends where both hold a directory.
mirror_tree() {
  local src=$1 dst=$2 e name
  mkdir -p "$dst"
  for e in "$src"/*; do
    name=$(basename "$e")
    if [ ! -e "$dst/$name" ] && [ ! -L "$dst/$name" ]; then
      ln -s "$e" "$dst/$name"
    elif [ -d "$dst/$name" ] && [ ! -L "$dst/$name" ] && [ -d "$e" ]; then
      mirror_tree "$e" "$dst/$name"
    fi
  done
}

# cluster_init STAGE DATADIR: a new cluster owned by the server's OS user.
cluster_init() {
  local stage=$1 data=$2
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$data"
  chmod 700 "$data"
  as_pg "$stage$PG_BINDIR/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    >"$data.initdb.log" 2>&1 || { cat "$data.initdb.log" >&2; die "initdb failed"; }
  as_pg tee -a "$data/postgresql.conf" >/dev/null <<EOF
# khata
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
shared_preload_libraries = 'pg_cron'
cron.database_name = 'khata'
cron.use_background_workers = on
max_worker_processes = 16
max_connections = 200
timezone = 'UTC'
jit = off
EOF
}

# cluster_start STAGE DATADIR PORT
cluster_start() {
  local stage=$1 data=$2 port=$3
  as_pg "$stage$PG_BINDIR/pg_ctl" -D "$data" -o "-p $port" -l "$data/server.log" -w -t 60 start \
    >/dev/null || { cat "$data/server.log" >&2 || true; die "PostgreSQL did not start"; }
}

# cluster_stop STAGE DATADIR: fast shutdown; quiet when not running.
cluster_stop() {
  local stage=$1 data=$2
  [ -f "$data/postmaster.pid" ] || return 0
  as_pg "$stage$PG_BINDIR/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

# psql_as_super PORT DB ARGS...: psql as the superuser over loopback.
psql_super() {
  local port=$1 db=$2
  shift 2
  PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@"
}

# khata_setup_db PORT DB: creates the database and khatad's role, installs or updates every
# khata extension found in the tree.
khata_setup_db() {
  local port=$1 db=$2 ext
  psql_super "$port" postgres -tAc "select 1 from pg_database where datname = '$db'" | grep -q 1 ||
    psql_super "$port" postgres -c "create database $db"
  psql_super "$port" "$db" <<'SQL'
do $$ begin
  create role khatad login;
exception when duplicate_object then null;
end $$;
SQL
  for ext in $(khata_extensions); do
    psql_super "$port" "$db" -c "create extension if not exists $ext cascade" \
      -c "alter extension $ext update"
  done
  psql_super "$port" "$db" -c "grant khata_api to khatad"
}

# The extensions of this tree, core first.
khata_extensions() {
  echo khata
  local d
  for d in "$KHATA_ROOT"/sql/apps/*/; do
    [ -d "$d" ] && echo "khata_$(basename "$d")"
  done
  return 0
}

# jwt_keys DIR: an RSA key pair for khatad's tokens in DIR (jwt.key, jwt.pub), made once;
# exports KHATAD_JWT_PRIVATE_KEY and KHATAD_JWT_PUBLIC_KEY, which khatad reads.
jwt_keys() {
  local dir=$1
  mkdir -p "$dir"
  if [ ! -s "$dir/jwt.key" ]; then
    (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
      -out "$dir/jwt.key" 2>/dev/null) || die "openssl could not make a key in $dir"
    openssl pkey -in "$dir/jwt.key" -pubout -out "$dir/jwt.pub" 2>/dev/null
  fi
  export KHATAD_JWT_PRIVATE_KEY=$dir/jwt.key KHATAD_JWT_PUBLIC_KEY=$dir/jwt.pub
}

# env_start WORK: a throwaway cluster with the extensions installed, for tests and benchmarks.
# Sets STAGE, DATA, KHATA_PGPORT and the DSN variables; env_stop undoes it.
env_start() {
  WORK=$1
  STAGE=$WORK/stage
  DATA=$WORK/data
  stage_install "$STAGE"
  KHATA_PGPORT=$(free_port)
  cluster_init "$STAGE" "$DATA"
  cluster_start "$STAGE" "$DATA" "$KHATA_PGPORT"
  khata_setup_db "$KHATA_PGPORT" khata
  export KHATA_PGPORT PGHOST=127.0.0.1 PGPORT=$KHATA_PGPORT PGUSER=postgres PGDATABASE=khata
  export KHATA_SUPER_DSN="host=127.0.0.1 port=$KHATA_PGPORT dbname=khata user=postgres"
  export KHATA_API_DSN="host=127.0.0.1 port=$KHATA_PGPORT dbname=khata user=khatad"
  export KHATAD_BIN=$KHATA_ROOT/build/cmake/khatad
  jwt_keys "$WORK/keys"
  export KHATA_STAGE=$STAGE KHATA_DATA=$DATA KHATA_WORK=$WORK
}

# khatad_start LOG [ARGS...]: khatad on a free port, waits for /healthz; sets KHATAD_PID,
# KHATA_HTTP_PORT and KHATA_URL.
khatad_start() {
  local logfile=$1
  shift
  KHATA_HTTP_PORT=$(free_port)
  KHATA_URL=http://127.0.0.1:$KHATA_HTTP_PORT
  export KHATA_HTTP_PORT KHATA_URL
  "$KHATAD_BIN" --listen "127.0.0.1:$KHATA_HTTP_PORT" --db "$KHATA_API_DSN" "$@" \
    >"$logfile" 2>&1 &
  KHATAD_PID=$!
  local _
  for _ in $(seq 100); do
    curl -fs "$KHATA_URL/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$KHATAD_PID" 2>/dev/null || { cat "$logfile" >&2; die "khatad did not start"; }
    sleep 0.1
  done
  die "khatad did not answer /healthz"
}

khatad_stop() {
  if [ -n "${KHATAD_PID:-}" ] && kill -0 "$KHATAD_PID" 2>/dev/null; then
    kill -TERM "$KHATAD_PID" 2>/dev/null || true
    wait "$KHATAD_PID" 2>/dev/null || true
  fi
  KHATAD_PID=
}

env_stop() {
  khatad_stop
  cluster_stop "$STAGE" "$DATA"
}

# chaos_env: what tests/chaos/chaos.py needs to restart PostgreSQL and khatad by itself.
chaos_env() {
  export KHATA_PG_CTL=$STAGE$PG_BINDIR/pg_ctl
  if [ "$(id -u)" -eq 0 ]; then
    export KHATA_AS_PG="runuser -u postgres --"
  else
    export KHATA_AS_PG=""
  fi
}
