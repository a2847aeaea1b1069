"""The demo data loaded once per test module, rolled back at its end.

Loading takes a few seconds, so modules that only read the demo share one
load: the module fixture opens a transaction, loads, and rolls everything
back when the module is done. Each test's own transaction is a savepoint
inside it, so tests may still write.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="module")
def demo_keys(tmp_path_factory):
    """The demo's signing keys: a folder of the module, not var/."""
    return tmp_path_factory.mktemp("evidence-keys")


@pytest.fixture
def demo_key_dir(settings, demo_keys):
    """A test that runs load_demo again uses the module's keys, as a second
    `make run` uses var/'s (tests/conftest.py gives every test a fresh folder,
    where the demo's keys would be missing and rotated)."""
    settings.EVIDENCE_KEY_DIR = demo_keys


def _load_once(django_db_blocker, tmp_path_factory, keys, **extra_settings):
    media = tmp_path_factory.mktemp("demo-media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEBUG=True, EVIDENCE_KEY_DIR=keys, MEDIA_ROOT=media, **extra_settings
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = io.StringIO()
            call_command("load_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory, demo_keys):
    """The demo without its history (the test settings' DEMO_HISTORY_DAYS 0)."""
    yield from _load_once(django_db_blocker, tmp_path_factory, demo_keys)


# A short history: six weeks at one application every other working day (plus the
# scripted first arrivals, supervision.demo.history.SCRIPT), so each kind of
# event is there and the module loads in seconds, not make run's minute.
HISTORY_DAYS = 42
HISTORY_RATE = 0.5


@pytest.fixture(scope="module")
def demo_history(django_db_setup, django_db_blocker, tmp_path_factory, demo_keys):
    """The demo with a short history; settings stay overridden for the module,
    so a test that runs load_demo again asks for the same history."""
    yield from _load_once(
        django_db_blocker,
        tmp_path_factory,
        demo_keys,
        DEMO_HISTORY_DAYS=HISTORY_DAYS,
        DEMO_HISTORY_RATE=HISTORY_RATE,
    )
