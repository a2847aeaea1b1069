"""The real web servers' logs carry no tracking query code: gunicorn with the
repository's gunicorn.conf.py (the redacting logger) and its access log on, and
``manage.py runserver`` (make run), against the test PostgreSQL.

Each is asked for the tracking page and API with the code in the query string
(as the receipt's QR code does) and for a static file with that URL as its
Referer (what every page's stylesheet request sends); everything the process
wrote, access log, error log and Django's log, is then read.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.applications.factories import ApplicationFactory
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **headers) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def _serve(command: list[str], port: int) -> subprocess.Popen:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DJANGO_DEBUG="0",
        LOG_LEVEL="INFO",
        DATABASE_URL=(
            f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        REDIS_URL=settings.CELERY_BROKER_URL,
    )
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def up():
        if proc.poll() is not None:
            raise AssertionError(proc.stdout.read())
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    wait_for(up, timeout=60)
    return proc


def _stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


def _ask(base: str, number: str, code: str) -> None:
    page = f"{base}/track/?number={number}&query_code={code}"
    assert _get(page) == 200
    assert _get(f"{base}/api/v1/track/{number}/?query_code={code}") == 200
    # A wrong code: Django logs the 404 (or 429) as a warning.
    assert _get(f"{base}/track/?number={number}&query_code=WRONG234") in (404, 429)
    _get(f"{base}/static/css/site.css", Referer=page)


@pytest.mark.parametrize("server", ["gunicorn", "runserver"])
def test_server_logs_carry_no_query_code(transactional_db, server):
    app = ApplicationFactory(submitted=True)
    port = _free_port()
    if server == "gunicorn":
        command = [str(BIN / "gunicorn"), "portal.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
        command += ["--access-logfile", "-"]  # as the Dockerfile runs it
    else:
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"]
        command += ["--noreload", "--skip-checks"]
    proc = _serve(command, port)
    try:
        _ask(f"http://127.0.0.1:{port}", app.number, app.query_code)
    finally:
        out = _stop(proc)

    # The requests were logged.
    assert f"/track/?number={app.number}&query_code=[redacted]" in out, out
    assert f"/api/v1/track/{app.number}/?query_code=[redacted]" in out, out
    if server == "gunicorn":
        assert f'/track/?number={app.number}&query_code=[redacted]"' in out, out
    assert app.query_code not in out, out
    assert "WRONG234" not in out, out
