"""The outbox's promise with a real worker: at least once, deduplicated by the id.

A task run many times sends once; a worker killed after the gateway accepted
a message causes no second delivery; a backlog of lost send tasks drains in
one sweep run.
"""

import time
import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from applications import constants as c
from applications.services.notify import notification_enqueue
from people.constants import OutboxChannel, OutboxStatus
from people.models import OutboxMessage
from people.services.outbox import outbox_enqueue, outbox_message
from people.tasks import send_outbox_message, send_outbox_messages, sweep_outbox
from tests.applications.notify.helpers import make_application
from tests.people.outbox.helpers import PHONE, make_message, sms_lines

from .conftest import start_worker, stop_worker, wait_for

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


EXITS = "tests.people.outbox.helpers.ExitsAfterSendingSmsBackend"


def test_worker_killed_after_the_gateway_accepted_delivers_once(
    real_celery, sms_dir, monkeypatch
):
    """The worker exits right after the gateway took the text, before the
    outbox could record it; the next attempt must not deliver it again."""
    queue = f"it-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("SMS_BACKEND", EXITS)
    monkeypatch.setattr(
        send_outbox_messages,
        "delay",
        lambda message_ids: send_outbox_messages.apply_async(
            args=[message_ids], queue=queue
        ),
    )
    application = make_application()
    first = start_worker(queue)
    try:
        with transaction.atomic():
            [message] = notification_enqueue(
                application=application,
                event=c.ApplicationStatus.ACCEPTED,
                recipients=[(OutboxChannel.SMS, PHONE)],
            )
        assert first.wait(timeout=60) == 70  # died inside the send
    finally:
        stop_worker(first)

    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.attempted_at is not None  # recorded before the send
    assert len(sms_lines(sms_dir)) == 1  # the gateway has it

    # The lease has run out (as NOTIFY_SEND_LEASE_SECONDS later); a new
    # worker's sweep sends it again with the same id.
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    second = start_worker(queue)
    try:
        sweep_outbox.apply_async(queue=queue)
        wait_for(_sent(message.pk))
    finally:
        stop_worker(second)

    assert [line["reference"] for line in sms_lines(sms_dir)] == [
        f"outbox-{message.pk}"
    ]
    message.refresh_from_db()
    assert message.attempts == 2


def test_backlog_of_lost_send_tasks_drains_in_one_sweep(
    celery_worker_process, sms_dir, settings, monkeypatch
):
    """The broker lost every send task (it was down at commit): one sweep run
    sends the whole backlog, not a batch a minute."""
    queue = celery_worker_process

    def broker_down(message_ids):
        raise ConnectionError("redis unreachable")

    monkeypatch.setattr(send_outbox_messages, "delay", broker_down)
    now = timezone.now()
    with transaction.atomic():
        created = outbox_enqueue(
            messages=[
                outbox_message(
                    channel=OutboxChannel.SMS,
                    recipient=f"139{k:08d}",
                    body=f"【甘孜州政务服务网】第{k}条",
                    dedupe_key=f"it:backlog:{k}",
                    now=now,
                )
                for k in range(300)
            ]
        )
    pks = [m.pk for m in created]
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 300

    started = time.monotonic()
    sweep_outbox.apply_async(queue=queue)  # one run
    wait_for(_sent(*pks), timeout=settings.NOTIFY_SWEEP_BUDGET_SECONDS)
    elapsed = time.monotonic() - started
    print(f"300 pending messages drained by one sweep run in {elapsed:.1f}s")

    references = sorted(line["reference"] for line in sms_lines(sms_dir))
    assert references == sorted(f"outbox-{pk}" for pk in pks)
