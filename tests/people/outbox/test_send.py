"""outbox_send and outbox_sweep: once only, retries with backoff, then failed."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from applications import constants as c
from applications.services.notify import notification_enqueue
from people.constants import OutboxStatus
from people.models import OutboxMessage
from people.services.outbox import outbox_send, outbox_sweep, retry_delay
from people.tasks import send_outbox_message, sweep_outbox
from tests.applications.notify.helpers import EMAIL, make_application
from tests.people.outbox.helpers import PHONE, SlowSmsBackend, make_message, sms_lines

S = c.ApplicationStatus
FAILING = "tests.people.outbox.helpers.FailingSmsBackend"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_send_task_run_twice_sends_once(sms_dir):
    application = make_application()
    messages = notification_enqueue(application=application, event=S.ACCEPTED)

    results = [
        send_outbox_message.apply(args=[m.pk]).get() for m in messages for _ in (1, 2)
    ]

    assert results == [True, False, True, False]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    assert "受理通知" in mail.outbox[0].subject
    lines = sms_lines(sms_dir)
    assert len(lines) == 1
    assert lines[0]["to"] == PHONE
    for message in messages:
        message.refresh_from_db()
        assert message.status == OutboxStatus.SENT
        assert message.attempts == 1
        assert message.sent_at is not None


@pytest.mark.django_db
def test_email_carries_subject_sender_and_reference(sms_dir, settings):
    application = make_application(phone="")
    [message] = notification_enqueue(application=application, event=S.REFUSED)

    assert outbox_send(message_id=message.pk) is True

    [email] = mail.outbox
    assert email.subject == message.subject
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    assert email.extra_headers["X-Outbox-Reference"] == f"outbox-{message.pk}"


@pytest.mark.django_db
def test_missing_message_is_not_sent(sms_dir):
    assert outbox_send(message_id=987654) is False


@pytest.mark.django_db
def test_failing_backend_retries_with_backoff_then_fails(sms_dir, settings):
    settings.SMS_BACKEND = FAILING
    settings.NOTIFY_MAX_ATTEMPTS = 4
    with time_machine.travel(T0, tick=False) as clock:
        message = make_message()

        assert outbox_send(message_id=message.pk) is False
        message.refresh_from_db()
        assert message.status == OutboxStatus.PENDING
        assert message.attempts == 1
        assert message.last_error == "ConnectionError: gateway unreachable"
        assert message.next_attempt_at == T0 + dt.timedelta(minutes=1)

        # Not due yet: neither a direct send nor the sweep touches it.
        assert outbox_send(message_id=message.pk) is False
        assert outbox_sweep() == 0
        message.refresh_from_db()
        assert message.attempts == 1

        waits = []
        for _ in range(3):
            clock.move_to(message.next_attempt_at)
            before = message.next_attempt_at
            assert outbox_sweep() == 0
            message.refresh_from_db()
            waits.append(message.next_attempt_at - before)

        assert message.attempts == 4
        assert message.status == OutboxStatus.FAILED
        # 1 min after the 1st, 2 after the 2nd, 4 after the 3rd; none after the 4th.
        assert waits[:2] == [dt.timedelta(minutes=2), dt.timedelta(minutes=4)]

        # Failed is final: later sweeps and tasks leave it alone.
        clock.shift(dt.timedelta(days=1))
        assert outbox_sweep() == 0
        assert send_outbox_message.apply(args=[message.pk]).get() is False
        message.refresh_from_db()
        assert message.attempts == 4
    assert sms_lines(sms_dir) == []


@pytest.mark.django_db
def test_backend_recovers_and_sweep_sends(sms_dir, settings):
    settings.SMS_BACKEND = FAILING
    with time_machine.travel(T0, tick=False) as clock:
        message = make_message()
        outbox_send(message_id=message.pk)

        settings.SMS_BACKEND = "people.outbox.backends.FileSmsBackend"
        clock.shift(dt.timedelta(minutes=1))
        assert sweep_outbox.apply().result == 1

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert message.last_error == ""
    assert len(sms_lines(sms_dir)) == 1


def test_retry_delay_doubles_and_is_capped(settings):
    settings.NOTIFY_RETRY_MAX_MINUTES = 60
    minutes = [retry_delay(n).total_seconds() / 60 for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.django_db
def test_sweep_picks_only_due_pending_rows(sms_dir):
    now = timezone.now()
    due_old = make_message(next_attempt_at=now - dt.timedelta(minutes=5))
    due_new = make_message(next_attempt_at=now - dt.timedelta(seconds=1))
    make_message(next_attempt_at=now + dt.timedelta(minutes=5))
    make_message(status=OutboxStatus.SENT, sent_at=now)
    make_message(status=OutboxStatus.FAILED, attempts=8)

    assert outbox_sweep(limit=1) == 1
    assert [line["reference"] for line in sms_lines(sms_dir)] == [
        f"outbox-{due_old.pk}"
    ]

    assert outbox_sweep() == 1
    assert [line["reference"] for line in sms_lines(sms_dir)] == [
        f"outbox-{due_old.pk}",
        f"outbox-{due_new.pk}",
    ]
    assert outbox_sweep() == 0
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 1


@pytest.mark.django_db
def test_unknown_channel_is_recorded_as_a_failure(sms_dir):
    message = make_message(channel="fax")

    assert outbox_send(message_id=message.pk) is False

    message.refresh_from_db()
    assert message.attempts == 1
    assert "unknown channel" in message.last_error


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_once(sms_dir, settings):
    """The row stays locked while sending; a second worker skips it."""
    settings.SMS_BACKEND = "tests.people.outbox.helpers.SlowSmsBackend"
    SlowSmsBackend.entered.clear()
    SlowSmsBackend.release.clear()
    message = make_message()
    results = {}

    def worker(name):
        try:
            results[name] = outbox_send(message_id=message.pk)
        finally:
            connection.close()

    first = threading.Thread(target=worker, args=("first",))
    first.start()
    try:
        assert SlowSmsBackend.entered.wait(timeout=10)
        # The first worker is inside the gateway call, holding the lock.
        second = threading.Thread(target=worker, args=("second",))
        second.start()
        second.join(timeout=10)
        assert results == {"second": False}
    finally:
        SlowSmsBackend.release.set()
        first.join(timeout=10)

    assert results == {"first": True, "second": False}
    assert len(sms_lines(sms_dir)) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1
