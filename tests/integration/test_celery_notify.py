"""A notification sent by a real worker is sent once, however often its task runs."""

import pytest
from django.db import transaction

from applications import constants as c
from applications.services.notify import notification_enqueue
from people.constants import OutboxStatus
from people.models import OutboxMessage
from people.tasks import send_outbox_message, send_outbox_messages
from tests.applications.notify.helpers import make_application
from tests.people.outbox.helpers import PHONE, make_message, sms_lines

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sms_dir(tmp_path, settings, monkeypatch):
    """The worker writes SMS to a file the test can read (set before it starts)."""
    directory = tmp_path / "notify"
    monkeypatch.setenv("SMS_BACKEND", "people.outbox.backends.FileSmsBackend")
    monkeypatch.setenv("NOTIFY_FILE_DIR", str(directory))
    settings.SMS_BACKEND = "people.outbox.backends.FileSmsBackend"
    settings.NOTIFY_FILE_DIR = directory
    return directory


@pytest.fixture
def celery_worker_process(sms_dir, celery_worker_process, monkeypatch):
    """The shared worker, started after the SMS settings are in its environment.

    Tasks queued after commit go to the worker's private queue.
    """
    queue = celery_worker_process
    monkeypatch.setattr(
        send_outbox_messages,
        "delay",
        lambda message_ids: send_outbox_messages.apply_async(
            args=[message_ids], queue=queue
        ),
    )
    return queue


def _sent(*pks):
    def check():
        statuses = OutboxMessage.objects.filter(pk__in=pks).values_list(
            "status", flat=True
        )
        return len(statuses) == len(pks) and set(statuses) == {OutboxStatus.SENT}

    return check


def test_send_task_executed_twice_sends_once(celery_worker_process, sms_dir):
    queue = celery_worker_process
    application = make_application()

    with transaction.atomic():
        messages = notification_enqueue(
            application=application, event=c.ApplicationStatus.ACCEPTED
        )
    pks = [m.pk for m in messages]
    # After the commit the worker got one task for the messages and sent them.
    wait_for(_sent(*pks))

    # The same task delivered again (a redelivery, a retry, a duplicate), and
    # the one-message task (still accepted) for each.
    send_outbox_messages.apply_async(args=[pks], queue=queue)
    send_outbox_messages.apply_async(args=[pks], queue=queue)
    for pk in pks:
        send_outbox_message.apply_async(args=[pk], queue=queue)
    # One queue, one solo worker: once this later message is sent, the
    # duplicates before it have run.
    marker = make_message(recipient="13900000000")
    send_outbox_message.apply_async(args=[marker.pk], queue=queue)
    wait_for(_sent(marker.pk))

    assert [line["to"] for line in sms_lines(sms_dir)] == [PHONE, "13900000000"]
    for message in OutboxMessage.objects.filter(pk__in=pks):
        assert message.status == OutboxStatus.SENT
        assert message.attempts == 1
        assert message.sent_at is not None
