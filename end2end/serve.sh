#!/usr/bin/env bash
# Starts Tienda for the browser tests: a fresh SQLite database with the demo data, on port $1
# (or the fresh PostgreSQL database in TIENDA_E2E_DATABASE_URL; see with-postgres.sh).
# TIENDA_BIN picks the binary (default: the release build, which is what ships).
set -euo pipefail
cd "$(dirname "$0")/.."
port="${1:-3100}"
bin="${TIENDA_BIN:-target/release/tienda}"
data="$(mktemp -d -t tienda-e2e-XXXXXX)"
# The mail the store sends, as files: where the config says (a test reads a password reset link
# there), emptied of any earlier run's.
outbox="${TIENDA_E2E_OUTBOX:-$data/outbox}"
rm -rf "$outbox"
export DATABASE_URL="${TIENDA_E2E_DATABASE_URL:-sqlite://$data/tienda.db}" TIENDA_MEDIA_DIR="$data/media" TIENDA_PORT="$port" \
       TIENDA_SITE_URL="http://127.0.0.1:$port" TIENDA_LOG="warn" TIENDA_MAIL_OUTBOX="$outbox" TIENDA_PRIVATE_DIR="$data/private" TIENDA_BACKUP_DIR="$data/backups"
"$bin" seed >/dev/null
exec "$bin" serve
