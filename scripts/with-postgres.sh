#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server that this script starts and stops.
#   scripts/with-postgres.sh pytest ...
# The server lives in a temporary directory, listens on 127.0.0.1 only, and is removed afterwards.
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bindir" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)"; exit 1; }
port=${PGPORT_THROWAWAY:-55432}
dir=$(mktemp -d /tmp/jiceng-pg.XXXXXX)
runas=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; runas=(runuser -u postgres --); fi
cleanup() {
  "${runas[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${runas[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${runas[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_EXTRA_OPTS:-}" start >/dev/null
"$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE jiceng" >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/jiceng"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
set +e
"$@"
status=$?
set -e
exit $status
