# The two commands a newcomer needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
export PORT
# Test processes (pytest-xdist): one per core by default; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto

.PHONY: run test setup setup-dev services e2e-deps lint format checks openapi bench-search bench-submit bench-sweep bench-inbox bench-dashboard clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

## make run: set up and serve web + Celery worker + beat on http://127.0.0.1:$(PORT)
run: setup
	exec scripts/run.sh

setup-dev: $(VENV)/.dev

## Start PostgreSQL and Redis if they are down (commands of this machine kind).
services:
	scripts/ensure_services.sh

## Chromium for the browser tests (Debian package; never a downloaded build).
e2e-deps:
	scripts/ensure_chromium.sh

## make test: the whole suite on PostgreSQL and Redis. The test database is
## created afresh each time, so rows a killed earlier run left behind cannot
## fail this one (pytest alone keeps --reuse-db for quick local reruns).
test: setup-dev services e2e-deps
	$(VENV)/bin/pytest --create-db -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) scripts/check_raw_sql.py

format: setup-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## CI checks before the tests: deploy check, migrations, OpenAPI diff.
checks: setup-dev
	DJANGO_SETTINGS_MODULE=portal.settings.production DJANGO_SECRET_KEY=ci-only-$$RANDOM-not-a-real-secret-key-0123456789abcdef \
		DJANGO_ALLOWED_HOSTS=portal.example DJANGO_DEBUG=0 ID_HASH_KEY=ci-hash-key ID_ENCRYPTION_KEY=ci-enc-key \
		$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --file var/openapi.generated.yaml --validate --fail-on-warn
	diff -u openapi.yaml var/openapi.generated.yaml

openapi: setup-dev
	$(PY) manage.py spectacular --file openapi.yaml --validate --fail-on-warn

bench-search: setup-dev services
	$(PY) bench/catalog_search.py

bench-sweep: setup-dev services
	$(PY) bench/sweep.py

bench-inbox: setup-dev services
	$(PY) bench/inbox.py

bench-submit: setup-dev services
	$(PY) bench/submit.py

bench-dashboard: setup-dev services
	$(PY) bench/dashboard.py

clean:
	rm -rf var/broker var/celerybeat-schedule*
