#!/usr/bin/env bash
# Start a throwaway Debian PostgreSQL 15 server as an unprivileged user and print its DSN.
# Usage: .ci/pg15.sh start DIR  |  .ci/pg15.sh stop DIR
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
cmd=${1:?start|stop}; dir=${2:?data directory}
user=postgres
id "$user" >/dev/null 2>&1 || useradd --system --no-create-home "$user"
as_user() { if [ "$(id -u)" = 0 ]; then su "$user" -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
case "$cmd" in
  start)
    mkdir -p "$dir"; chmod 777 "$dir"
    [ -f "$dir/data/PG_VERSION" ] || as_user "$BIN/initdb -D '$dir/data' -U postgres --auth=trust -E UTF8 >'$dir/initdb.log' 2>&1"
    as_user "$BIN/pg_ctl -D '$dir/data' -l '$dir/server.log' -w -o \"-k '$dir' -h '' -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start >/dev/null"
    echo "postgresql:///postgres?host=$dir&user=postgres"
    ;;
  stop)
    as_user "$BIN/pg_ctl -D '$dir/data' -m immediate stop >/dev/null" || true
    ;;
esac
