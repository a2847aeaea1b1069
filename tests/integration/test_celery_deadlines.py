"""Durable deadlines with a real `celery beat` and worker against Redis and PostgreSQL.

Time is driven by the test: clocks are started through the services (their
deadlines land days ahead), then the deadlines the test watches get a
``fire_at`` a second or few ahead of now. Worker and beat run with their real
clocks, so what is tested is exactly production's path: beat sends the sweep
every second (1 s instead of 60 s, tests/integration/deadline_beat.py), the
worker claims due rows from PostgreSQL. The handler of the test's clock kind
(tests/integration/deadline_hooks.py) writes one audit entry per action in
the sweep's transaction; counting them shows what fired, and how often.

Each test waits for a later "sentinel" deadline before its final count, so
the sweeps that could have doubled something have run by then.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from portal import clocks
from portal.models import AuditEntry, Deadline, DeadlineState
from tests.factories import UserFactory

from .conftest import ROOT, celery_env, start_worker, stop_worker, wait_for
from .deadline_hooks import KIND

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

HOOKS = ("tests.integration.deadline_hooks",)


class Processes:
    """The workers and beats one test started, all ended at teardown."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.queue = f"it-dl-{uuid.uuid4().hex[:10]}"
        self.procs: list[subprocess.Popen] = []

    def worker(self, **env: str) -> subprocess.Popen:
        proc = start_worker(self.queue, include=HOOKS, env=env)
        self.procs.append(proc)
        return proc

    def beat(self) -> subprocess.Popen:
        n = len(self.procs)
        log = (self.tmp / f"beat{n}.log").open("w")
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "tests.integration.deadline_beat",
                "beat",
                f"--schedule={self.tmp / f'beat{n}-schedule'}",
                f"--pidfile={self.tmp / f'beat{n}.pid'}",
                "--max-interval=1",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=celery_env({"IT_BEAT_QUEUE": self.queue, "IT_BEAT_SECONDS": "1"}),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            stop_worker(proc) if proc.stdout else _end(proc)


def _end(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def procs(real_celery, tmp_path):
    running = Processes(tmp_path)
    try:
        yield running
    finally:
        running.stop()


_ids = iter(range(1, 10**6))


def clock_with(**seconds: float):
    """A clock of the test's kind whose named deadlines fire that many seconds
    from now (the others stay days ahead); returns {kind: deadline id}."""
    clock = clocks.clock_start(
        subject_type="it.thing",
        subject_id=next(_ids),
        kind=KIND,
        limit_days=5,
        start=timezone.localdate(),
        actor=UserFactory(username="it-clerk"),
    )
    now = timezone.now()
    out = {}
    for kind, offset in seconds.items():
        deadline = Deadline.objects.get(clock=clock, kind=kind, state="open")
        deadline.fire_at = now + dt.timedelta(seconds=offset)
        deadline.save(update_fields=["fire_at"])
        out[kind] = deadline.pk
    return out


def fired(*pks: int) -> bool:
    return Deadline.objects.filter(
        pk__in=pks, state=DeadlineState.FIRED
    ).count() == len(pks)


def actions() -> collections.Counter:
    """deadline id -> how many times the handler's action was committed."""
    return collections.Counter(
        entry["deadline"]
        for entry in AuditEntry.objects.filter(action="it.deadline_acted").values_list(
            "changes", flat=True
        )
    )


def settle() -> None:
    """Wait for one more deadline: the sweeps queued before it have run."""
    sentinel = clock_with(due=0.5)["due"]
    wait_for(lambda: fired(sentinel), timeout=20)


def test_warning_due_and_escalation_fire_once_each_even_after_redis_is_flushed(
    procs,
):
    procs.worker()
    procs.beat()
    primer = clock_with(due=0)["due"]
    wait_for(lambda: fired(primer), timeout=30)  # beat -> Redis -> worker works

    ids = clock_with(warning=1.5, due=3, escalation=4.5)
    # Between scheduling and due time, Redis loses everything: queued sweep
    # messages, kombu's bindings. Nothing about a deadline was in it.
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()

    wait_for(lambda: fired(*ids.values()), timeout=30)
    settle()
    counts = actions()
    assert [counts[pk] for pk in ids.values()] == [1, 1, 1]
    for deadline in Deadline.objects.filter(pk__in=ids.values()):
        assert deadline.fired_at >= deadline.fire_at  # never early


def test_a_worker_killed_mid_sweep_doubles_nothing(procs, tmp_path):
    hold = tmp_path / "hold"
    hold.touch()
    first = procs.worker(IT_DEADLINE_HOLD=str(hold))
    procs.beat()
    held = clock_with(due=0.5)["due"]
    other = clock_with(due=1)["due"]

    # The handler has written its action and waits inside the transaction.
    wait_for(lambda: Path(f"{hold}.started").exists(), timeout=30)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert actions()[held] == 0  # rolled back with the dead connection
    assert Deadline.objects.get(pk=held).state == DeadlineState.OPEN

    hold.unlink()
    procs.worker(IT_DEADLINE_HOLD=str(hold))
    wait_for(lambda: fired(held, other), timeout=30)
    settle()
    counts = actions()
    assert (counts[held], counts[other]) == (1, 1)


def test_two_beats_and_two_workers_at_once_double_nothing(procs):
    procs.worker()
    procs.worker()
    procs.beat()
    procs.beat()
    ids = [
        pk
        for i in range(12)
        for pk in clock_with(warning=1 + i * 0.2, due=1.5 + i * 0.2).values()
    ]
    wait_for(lambda: fired(*ids), timeout=40)
    settle()
    counts = actions()
    assert {pk: counts[pk] for pk in ids} == dict.fromkeys(ids, 1)
