"""A real Celery worker against the test PostgreSQL database and Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app

ROOT = Path(__file__).resolve().parents[2]


def celery_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment pointed at the test database and Redis."""
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        TEST_DATABASE_URL=(
            f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        TEST_REDIS_URL=settings.CELERY_BROKER_URL,
    )
    env.update(extra or {})
    return env


def start_worker(
    queue: str,
    *,
    include: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """A `celery worker` (solo pool) on ``queue``, with this process's environment.

    Settings the worker should see are set in the environment before the call
    (or passed in ``env``); ``include`` names modules the worker imports at
    start (test-only hooks).
    """
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            *(f"--include={module}" for module in include),
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=celery_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    if proc.returncode not in (0, -15, None):
        print(out)


@pytest.fixture
def real_celery(transactional_db):
    """Tasks go to a broker, not run eagerly, while the test runs."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = eager


@pytest.fixture
def celery_worker_process(real_celery):
    """Start `celery worker` on a private queue; yield the queue name."""
    queue = f"it-{uuid.uuid4().hex[:10]}"
    proc = start_worker(queue)
    try:
        yield queue
    finally:
        stop_worker(proc)


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout:.0f}s")
