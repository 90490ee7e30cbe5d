#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster, then removes the cluster:
#   ./with-postgres.sh npx playwright test
# The command sees TIENDA_E2E_DATABASE_URL, an empty database on the cluster (serve.sh uses it).
set -euo pipefail

pg_bin() {
  if command -v "$1" >/dev/null; then command -v "$1"; return; fi
  ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -1
}
initdb="$(pg_bin initdb)"; pg_ctl="$(pg_bin pg_ctl)"
[ -n "$initdb" ] && [ -n "$pg_ctl" ] || { echo "PostgreSQL is not installed (scripts/setup test installs it)" >&2; exit 1; }

dir="$(mktemp -d -t tienda-e2e-pg-XXXXXX)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# PostgreSQL refuses to run as root; the cluster then belongs to the `postgres` user.
as_owner=()
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; as_owner=(setpriv --reuid=postgres --regid=postgres --clear-groups); fi

stop() {
  "${as_owner[@]}" "$pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" "$initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >/dev/null
# Output to a file, never to our stdout: a server holding the pipe would keep a CI step open.
"${as_owner[@]}" "$pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -o \
  "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >/dev/null
# The new cluster's own `postgres` database is empty: the store's tables go there.
export TIENDA_E2E_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
"$@"
