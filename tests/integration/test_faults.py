"""Faults injected into a real web process (gunicorn, production settings
shape: persistent connections) against the test PostgreSQL.

Reproductions: with PostgreSQL unreachable the API answered Django's HTML 500
(a traceback page with DEBUG) instead of its JSON shape with 503 and
Retry-After, and pages an unstyled 500; after PostgreSQL dropped the web
process's connection (a restart), its next request failed with "server
closed the connection unexpectedly" (no CONN_HEALTH_CHECKS).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
APP_NAME = "ganzi-fault-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **headers) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


class Server:
    def __init__(self, database_url: str, *, debug: bool) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.dev",
            DJANGO_DEBUG="1" if debug else "0",
            DATABASE_URL=database_url,
            REDIS_URL=settings.CELERY_BROKER_URL,
        )
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

        def up():
            if self.proc.poll() is not None:
                raise AssertionError(self.proc.stdout.read())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return True
            except OSError:
                return False

        wait_for(up, timeout=60)

    def get(self, path: str, **headers):
        return _get(self.base + path, **headers)

    def stop(self) -> str:
        self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return out or ""


def _test_db_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}?application_name={APP_NAME}"
    )


@pytest.mark.parametrize("debug", [True, False], ids=["development", "production"])
def test_while_postgresql_is_down_the_api_and_pages_answer_503(transactional_db, debug):
    dead = f"postgres://root@127.0.0.1:{_free_port()}/ganzi"
    server = Server(dead, debug=debug)
    try:
        for path in (
            "/api/v1/catalog/items/",
            "/api/v1/applications/",
            "/api/v1/track/GZ1/?query_code=ABCDEFGH",
        ):
            # A well-formed key, so authentication has to ask the database.
            status, headers, body = server.get(path, Authorization="Token " + "a" * 64)
            assert status == 503, (path, status, body[:300])
            assert headers["Retry-After"] == str(
                settings.SERVICE_UNAVAILABLE_RETRY_AFTER
            )
            assert headers["Content-Type"].startswith("application/json")
            assert json.loads(body)["code"] == "service_unavailable"
        for path in ("/", "/items/?q=护照", "/track/?number=GZ1&query_code=ABCDEFGH"):
            status, headers, body = server.get(urllib.request.quote(path, safe="/?=&"))
            assert status == 503, (path, status, body[:300])
            assert "Retry-After" in headers
            assert "<h1>服务暂时不可用</h1>" in body and "Traceback" not in body
        status, _, _ = server.get("/healthz/")
        assert status == 503
    finally:
        server.stop()


def _server_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
            [APP_NAME],
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_first_request_after_the_connection_is_dropped_does_not_fail(
    transactional_db,
):
    server = Server(_test_db_url(), debug=False)
    try:
        status, _, body = server.get("/api/v1/catalog/items/")
        assert status == 200, body[:300]
        pids = wait_for(_server_backends, timeout=10)
        # What a PostgreSQL restart does to every open connection.
        with connection.cursor() as cursor:
            for pid in pids:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        wait_for(lambda: not _server_backends(), timeout=10)
        time.sleep(0.2)
        for _ in range(3):
            status, _, body = server.get("/api/v1/catalog/items/")
            assert status == 200, body[:300]
        status, _, body = server.get("/")
        assert status == 200
    finally:
        out = server.stop()
    assert "server closed the connection" not in out
