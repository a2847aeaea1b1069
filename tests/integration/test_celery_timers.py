"""The timers' beat tasks run by a real worker via Redis against PostgreSQL.

The worker is another process with the real clock: the stored dates are
set in the past instead of travelling in time, which is also the point (the
timer acts on the stored date, nothing recomputed).
"""

import datetime as dt

import pytest
from django.utils import timezone

from applications import constants as c
from applications.models import Application, StatusChange
from applications.tasks import close_lapsed_supplements, deem_overdue_acceptances
from portal.models import AuditEntry
from portal.system import SYSTEM_USERNAME
from tests.applications.factories import ApplicationFactory

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

S = c.ApplicationStatus


def _status(pk):
    return Application.objects.filter(pk=pk).values_list("status", flat=True).get()


def test_worker_deems_an_overdue_application_accepted_once(celery_worker_process):
    queue = celery_worker_process
    overdue = ApplicationFactory(submitted=True)
    waiting = ApplicationFactory(submitted=True)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Application.objects.filter(pk=overdue.pk).update(acceptance_due=yesterday)
    Application.objects.filter(pk=waiting.pk).update(
        acceptance_due=timezone.localdate()
    )

    deem_overdue_acceptances.apply_async(queue=queue)
    # Deemed accepted, then routed by workflow's on_accepted in the same
    # transaction: the application is in review with its case.
    wait_for(lambda: _status(overdue.pk) == S.IN_REVIEW)

    app = Application.objects.select_related("accepted_by").get(pk=overdue.pk)
    assert app.acceptance_deemed is True
    assert app.accepted_by.username == SYSTEM_USERNAME
    assert app.accepted_at == overdue.submitted_at
    assert _status(waiting.pk) == S.SUBMITTED  # its window ends tonight
    assert AuditEntry.objects.filter(
        action="applications.accepted", object_id=str(app.pk), actor_label="system"
    ).exists()

    # Delivered again (a retry, a second beat): nothing more happens to it.
    deem_overdue_acceptances.apply_async(queue=queue)
    deem_overdue_acceptances.apply_async(queue=queue)
    # The worker is solo and takes tasks in order: once a later task has
    # acted on a row that became due meanwhile, the repeats have run.
    Application.objects.filter(pk=waiting.pk).update(acceptance_due=yesterday)
    deem_overdue_acceptances.apply_async(queue=queue)
    wait_for(lambda: _status(waiting.pk) == S.IN_REVIEW)
    assert (
        StatusChange.objects.filter(application=app, to_status=S.ACCEPTED).count() == 1
    )


def test_worker_closes_a_lapsed_supplement(celery_worker_process):
    queue = celery_worker_process
    app = ApplicationFactory(supplement=True)
    app.supplement_notices.update(due_date=timezone.localdate() - dt.timedelta(days=1))

    close_lapsed_supplements.apply_async(queue=queue)
    wait_for(lambda: _status(app.pk) == S.CLOSED)
    app.refresh_from_db()
    assert app.closure_reason == c.ClosureReason.SUPPLEMENT_LAPSED
    assert app.supplement_notices.get().lapsed_at is not None
