"""The Celery app for a test's `celery beat`: the project's app with one
schedule entry, the deadline sweep every IT_BEAT_SECONDS to IT_BEAT_QUEUE.

Run as ``celery -A tests.integration.deadline_beat beat``. Beat only sends;
the worker (``-A portal``) runs the task as in production.
"""

from __future__ import annotations

import os

from portal.celery import app

app.conf.task_always_eager = False  # the test settings run tasks eagerly
app.conf.beat_schedule = {
    "it-sweep-deadlines": {
        "task": "portal.tasks.sweep_deadlines",
        "schedule": float(os.environ.get("IT_BEAT_SECONDS", "1")),
        "options": {"queue": os.environ["IT_BEAT_QUEUE"]},
    }
}
