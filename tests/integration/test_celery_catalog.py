"""The beat task that applies effective dates, run by a real worker via Redis."""

import datetime as dt

import pytest
from django.utils import timezone

from catalog import constants as c
from catalog.models import ServiceItemVersion
from catalog.tasks import apply_effective_dates
from tests.factories import published_version

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_retires_expired_version(celery_worker_process):
    version = published_version()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    # An editor set an end date that has now passed.
    ServiceItemVersion.objects.filter(pk=version.pk).update(effective_to=yesterday)

    apply_effective_dates.apply_async(queue=celery_worker_process)

    def retired():
        return (
            ServiceItemVersion.objects.filter(pk=version.pk)
            .values_list("status", flat=True)
            .get()
            == c.VersionStatus.RETIRED
        )

    wait_for(retired)
    version.item.refresh_from_db()
    assert version.item.current_version_id is None

    # Running it again changes nothing (idempotent).
    apply_effective_dates.apply_async(queue=celery_worker_process)
    assert apply_effective_dates.apply().result == 0


def test_beat_schedule_names_a_registered_task():
    from django.conf import settings

    from portal.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
