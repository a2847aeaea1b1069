"""An edit committed by another process is used by this one's next call.

A real second Python process (manage.py shell against the test database)
edits the calendar through calendar_days_set while this process holds a
snapshot; nothing is signalled between them.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from portal import workcalendar
from portal.models import CalendarRevision
from portal.workcalendar import current, seed_package_rows
from portal.workdays import add_working_days

ROOT = Path(__file__).resolve().parents[2]

EDIT = """
import datetime as dt
from portal.workcalendar import calendar_days_set
print(calendar_days_set(
    actor=None,
    entries=[(dt.date(2027, 2, 9), False, "local", "藏历新年")],
    summary="另一进程：藏历新年",
    today=dt.date(2026, 12, 3),
))
"""


def run_elsewhere(code: str) -> str:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        TEST_DATABASE_URL=(
            f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.django_db(transaction=True)
def test_an_edit_in_another_process_takes_effect_here_at_once():
    if not CalendarRevision.objects.exists():
        seed_package_rows()
    workcalendar.forget_cached()
    held = current()
    assert add_working_days(dt.date(2027, 2, 4), 1) == (dt.date(2027, 2, 9), True)
    assert current() is held  # this process holds its snapshot

    revision = int(run_elsewhere(EDIT))

    assert revision > held.revision
    assert add_working_days(dt.date(2027, 2, 4), 1) == (dt.date(2027, 2, 10), True)
    assert current().revision == revision
    workcalendar.forget_cached()
