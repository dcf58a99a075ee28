#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL server on loopback for the test suite.
#
#   scripts/pg-test-server.sh start   # prints: export REDACTOR_TEST_PG_URL=postgresql://...
#   scripts/pg-test-server.sh stop    # stops the server and deletes its data folder
#
# Works as root on a fresh Debian machine after `apt-get install postgresql` (initdb refuses
# to run as root, so the server runs as the `postgres` user via runuser), and as an ordinary
# user. Settings: REDACTOR_PG_PORT (default 55432), REDACTOR_PG_DIR (default
# /tmp/redactor-pg-$PORT). Trust auth on 127.0.0.1 only: for tests, never for data.
set -euo pipefail

PORT="${REDACTOR_PG_PORT:-55432}"
DIR="${REDACTOR_PG_DIR:-/tmp/redactor-pg-$PORT}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$BIN" ] || [ ! -x "$BIN/pg_ctl" ]; then
    echo "pg-test-server: no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql)" >&2
    exit 2
fi

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "${1:-}" in
start)
    if [ ! -f "$DIR/PG_VERSION" ]; then
        mkdir -p "$DIR"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
        chmod 700 "$DIR"
        as_pg "$BIN/initdb" -A trust -U postgres -E UTF8 --no-sync -D "$DIR" >"$DIR.initdb.log"
    fi
    if ! as_pg "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
        as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
            -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
            start >/dev/null
    fi
    echo "export REDACTOR_TEST_PG_URL=postgresql://postgres@127.0.0.1:$PORT/postgres"
    ;;
stop)
    if [ -f "$DIR/PG_VERSION" ]; then
        as_pg "$BIN/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR" "$DIR.initdb.log"
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
