#!/usr/bin/env bash
# Smoke test of `make run` from a clean virtualenv, in its two configurations:
#   1. embedded (SQLite file + kombu filesystem broker, no environment set);
#   2. DATABASE_URL / REDIS_URL pointing at the local PostgreSQL and Redis
#      (a throw-away database, dropped afterwards).
# For each: the home page, /healthz/ and an API call answer, the Celery worker
# and beat come up, and everything stops again. The tracked files are copied
# to a temporary folder, so the run starts from what a fresh clone has (its own
# .venv and var/, nothing of the developer's); pip's cache is shared.
#
#   scripts/smoke_run.sh            (CI runs it from .ci/run)
#   SMOKE_REDIS_URL=redis://127.0.0.1:6379/12  Redis database used (default)
#   SMOKE_TIMEOUT=240               seconds each configuration may take to come up
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
REDIS_URL_SMOKE="${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/12}"
TIMEOUT="${SMOKE_TIMEOUT:-240}"
PG_ADMIN_URL="${SMOKE_PG_ADMIN_URL:-postgres://root@127.0.0.1:5432/postgres}"
DB_NAME="smoke_$(date +%s)_$$"
WORK="$(mktemp -d -t ganzi-smoke-XXXXXX)"
RUN_PGID=""
DB_CREATED=""
started=$SECONDS

log() { echo "[smoke $((SECONDS - started))s] $*"; }

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_run() {
    if [ -n "$RUN_PGID" ] && kill -0 -- "-$RUN_PGID" 2>/dev/null; then
        kill -TERM -- "-$RUN_PGID" 2>/dev/null || true
        for _ in $(seq 1 30); do
            kill -0 -- "-$RUN_PGID" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL -- "-$RUN_PGID" 2>/dev/null || true
    fi
    RUN_PGID=""
}

cleanup() {
    stop_run
    if [ -n "$DB_CREATED" ]; then
        psql "$PG_ADMIN_URL" -q -c "DROP DATABASE IF EXISTS $DB_NAME" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# What a fresh clone holds: the tracked files as they are in the work tree.
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$WORK/"
log "checkout copied to $WORK"

http() {  # http URL -> "STATUS BODY" (body's first 300 bytes)
    "$PYTHON" - "$1" <<'EOF'
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=20) as r:
        print(r.status, r.read(300).decode("utf-8", "replace").replace("\n", " "))
except urllib.error.HTTPError as e:
    print(e.code, e.read(300).decode("utf-8", "replace").replace("\n", " "))
except Exception as e:  # noqa: BLE001
    print(0, type(e).__name__)
EOF
}

expect() {  # expect NAME URL STATUS TEXT
    local got
    got="$(http "$2")"
    if [[ "${got%% *}" != "$3" || "$got" != *"$4"* ]]; then
        echo "smoke: $1 $2 answered: $got" >&2
        return 1
    fi
    log "ok: $1 ($3)"
}

smoke() {  # smoke NAME [VAR=value ...]
    local name="$1"
    shift
    local port
    port="$(free_port)"
    local out="$WORK/run-$name.log"
    log "make run ($name) on port $port"
    (cd "$WORK" && exec setsid env -u DJANGO_SETTINGS_MODULE "$@" PORT="$port" \
        make run >"$out" 2>&1) &
    RUN_PGID=$!
    local base="http://127.0.0.1:$port"
    local deadline=$((SECONDS + TIMEOUT))
    until [ "$(http "$base/healthz/" | cut -d' ' -f1)" = 200 ]; do
        if ! kill -0 "$RUN_PGID" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
            echo "smoke: make run ($name) did not come up; its output:" >&2
            tail -n 60 "$out" >&2
            return 1
        fi
        sleep 1
    done
    local failed=""
    expect "home page" "$base/" 200 "甘孜州政务服务网" || failed=1
    expect "health" "$base/healthz/" 200 "ok" || failed=1
    expect "API" "$base/api/v1/catalog/items/?page_size=1" 200 '"results"' || failed=1
    if [ -n "$failed" ]; then
        echo "smoke: make run ($name) output:" >&2
        tail -n 40 "$out" >&2
        return 1
    fi
    until grep -q "ready\." "$out" && grep -q "beat: Starting" "$out"; do
        if [ $SECONDS -ge $deadline ]; then
            echo "smoke: worker or beat did not come up ($name); output:" >&2
            tail -n 60 "$out" >&2
            return 1
        fi
        sleep 1
    done
    log "ok: worker and beat are up"
    local pgid="$RUN_PGID"
    kill -TERM -- "-$pgid"
    for _ in $(seq 1 40); do
        kill -0 -- "-$pgid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 -- "-$pgid" 2>/dev/null; then
        echo "smoke: make run ($name) still running 20 s after SIGTERM" >&2
        return 1
    fi
    RUN_PGID=""
    if [ "$(http "$base/healthz/" | cut -d' ' -f1)" != 0 ]; then
        echo "smoke: port $port still answers after the stop" >&2
        return 1
    fi
    log "ok: $name stopped (web, worker and beat)"
}

smoke embedded -u DATABASE_URL -u REDIS_URL
psql "$PG_ADMIN_URL" -q -c "CREATE DATABASE $DB_NAME" >/dev/null
DB_CREATED=1
smoke services \
    -u DATABASE_URL -u REDIS_URL \
    DATABASE_URL="postgres://root@127.0.0.1:5432/$DB_NAME" \
    REDIS_URL="$REDIS_URL_SMOKE"
log "both configurations passed"
