#!/usr/bin/env bash
# Serve web + Celery worker + beat. Ctrl-C stops every process started here.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
PORT="${PORT:-8000}"

pids=()
cleanup() {
    trap - INT TERM EXIT
    echo
    echo "Stopping web, worker and beat..."
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    wait 2>/dev/null
    exit 0
}
trap cleanup INT TERM EXIT

$VENV/bin/celery -A portal worker --loglevel=INFO --pool=solo &
pids+=($!)
$VENV/bin/celery -A portal beat --loglevel=INFO --schedule=var/celerybeat-schedule &
pids+=($!)
$VENV/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload &
pids+=($!)

echo "Portal: http://127.0.0.1:${PORT}/  (demo users and password: README.md)"
# Exit (and stop the others) as soon as any one of them dies.
wait -n
cleanup
