#!/usr/bin/env bash
# A throwaway PostgreSQL for the store tests, on 127.0.0.1:55432 with its data under /tmp.
#
#   export JARGON_TEST_POSTGRES_URL="$(scripts/postgres-test.sh)"   # start (idempotent), print the URL
#   scripts/postgres-test.sh stop                                    # stop it and delete its data
#
# As root on Debian it installs PostgreSQL with apt-get if needed and runs the server as `postgres`;
# as any other user it runs the server as that user (PostgreSQL must already be installed).
set -euo pipefail

PORT="${JARGON_PG_PORT:-55432}"
DATA="/tmp/jargon-postgres-$PORT"
URL="postgresql+psycopg://jargon:jargon@127.0.0.1:$PORT/jargon_test"

bin_dir() {
    if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
    else
        find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1
    fi
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install() {
    if { command -v initdb || command -v pg_ctlcluster; } >/dev/null && [ -n "$(bin_dir)" ]; then
        return
    fi
    [ "$(id -u)" = 0 ] || { echo "PostgreSQL is not installed; run this as root to install it" >&2; exit 1; }
    echo "installing PostgreSQL..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

sql() {
    as_owner "$BIN/psql" -h "$DATA" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA -c "$1"
}

start() {
    install
    BIN="$(bin_dir)"
    if ! as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        if [ ! -f "$DATA/PG_VERSION" ]; then
            rm -rf "$DATA"
            mkdir -m 700 "$DATA"
            [ "$(id -u)" != 0 ] || chown postgres:postgres "$DATA"
            as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
                -E UTF8 --locale=C.UTF-8 >/dev/null
        fi
        as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -o \
            "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=off -c synchronous_commit=off" start >/dev/null
    fi
    if [ -z "$(sql "SELECT 1 FROM pg_roles WHERE rolname = 'jargon'")" ]; then
        sql "CREATE ROLE jargon LOGIN PASSWORD 'jargon'"
    fi
    if [ -z "$(sql "SELECT 1 FROM pg_database WHERE datname = 'jargon_test'")" ]; then
        sql "CREATE DATABASE jargon_test OWNER jargon"
    fi
    echo "$URL"
}

stop() {
    BIN="$(bin_dir)"
    if [ -n "$BIN" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    fi
    rm -rf "$DATA"
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
