"""The feed task run by a real Celery worker via Redis against PostgreSQL.

Changes are made by the real services in this process; the worker (another
process, another connection) reads the audit chains after its cursors and
rebuilds the facts and cells of the applications they touched.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from supervision import figures
from supervision.models import ApplicationFact, FeedCursor
from supervision.scope import SupervisorScope
from supervision.tasks import refresh_figures
from tests.integration.conftest import wait_for
from tests.workflow.factories import (
    accepted,
    case_of,
    department,
    reviewer,
    routed_item,
)
from workflow.services import task_claim, task_decide

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _fact(pk):
    return ApplicationFact.objects.filter(pk=pk).first()


def test_the_beat_schedule_runs_the_feed_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["supervision-refresh-figures"]
    assert entry == {"task": "supervision.tasks.refresh_figures", "schedule": 60.0}


def test_the_worker_picks_up_what_the_services_changed(celery_worker_process):
    queue = celery_worker_process
    dep = department("甲局")
    impl = routed_item([[dep]], lead=dep)
    rev = reviewer(dep)
    app = accepted(impl)
    refresh_figures.apply_async(queue=queue)
    wait_for(lambda: _fact(app.pk) is not None and _fact(app.pk).is_open)
    assert _fact(app.pk).completed_on is None

    task = case_of(app).tasks.get()
    task_claim(task=task, actor=rev)
    task_decide(task=task, actor=rev, outcome="approve", opinion="符合条件")
    # Twice: the second finds nothing new and changes nothing.
    refresh_figures.apply_async(queue=queue)
    refresh_figures.apply_async(queue=queue)
    wait_for(lambda: _fact(app.pk).completed_on is not None)
    fact = _fact(app.pk)
    assert (
        fact.is_open is False and fact.on_time is True and fact.decision == "approved"
    )

    today = timezone.localdate()
    period = figures.Period(today - dt.timedelta(days=3), today + dt.timedelta(days=1))
    filters = figures.resolve_filters(SupervisorScope(), None, None)
    t = figures.summary(filters, period).totals.values
    assert t["completed"].value == 1 and t["received"].value == 1
    assert figures.drilldown(filters, period, "completed").get() == app
    assert FeedCursor.objects.filter(last_seq__gt=0).exists()
