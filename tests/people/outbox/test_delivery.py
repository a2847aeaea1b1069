"""The delivery promise with faults injected: at least once, deduplicated by id.

A sender that dies after the gateway accepted a message must not make a
second delivery; lost send tasks (a broker restarted) drain in one sweep.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing
import threading
import time

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from people.constants import OutboxChannel, OutboxStatus
from people.models import OutboxMessage
from people.outbox import ledger
from people.outbox.backends import SMS_FILE_NAME, FileSmsBackend
from people.outbox.mail import LocmemEmailBackend
from people.services.outbox import outbox_enqueue, outbox_message, outbox_send
from people.services.outbox import outbox_sweep as sweep
from people.tasks import send_outbox_messages, sweep_outbox
from tests.people.outbox.helpers import (
    PHONE,
    WorkerDied,
    make_message,
    sms_lines,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DIES = "tests.people.outbox.helpers.DiesAfterSendingSmsBackend"
FILE = "people.outbox.backends.FileSmsBackend"
FAILING = "tests.people.outbox.helpers.FailingSmsBackend"


class DiesAfterSendingEmailBackend(LocmemEmailBackend):
    def send_messages(self, email_messages):
        super().send_messages(email_messages)
        raise WorkerDied


# --- a sender that dies after the gateway accepted the message --------------------


@pytest.mark.django_db
def test_sms_sender_dies_after_the_gateway_accepted_it(sms_dir, settings, caplog):
    settings.SMS_BACKEND = DIES
    with time_machine.travel(T0, tick=False) as clock:
        message = make_message()

        with pytest.raises(WorkerDied):
            outbox_send(message_id=message.pk)

        # The attempt was committed before the backend was called.
        message.refresh_from_db()
        assert message.status == OutboxStatus.PENDING
        assert message.attempts == 1
        assert message.attempted_at == T0
        lease = dt.timedelta(seconds=settings.NOTIFY_SEND_LEASE_SECONDS)
        assert message.next_attempt_at == T0 + lease
        assert len(sms_lines(sms_dir)) == 1  # the gateway has it

        # Within the lease nobody sends it again.
        assert sweep() == 0

        # After the lease the sweep sends it again, with the same id, and the
        # gateway drops the repeat: one delivery.
        settings.SMS_BACKEND = FILE
        clock.shift(lease)
        with caplog.at_level(logging.INFO):
            assert sweep_outbox.apply().result == 1

    lines = sms_lines(sms_dir)
    assert [line["reference"] for line in lines] == [f"outbox-{message.pk}"]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert "notify.resend_in_doubt" in caplog.text
    assert "sms.file.repeat_dropped" in caplog.text
    assert PHONE not in caplog.text


@pytest.mark.django_db
def test_email_sender_dies_after_the_mail_system_accepted_it(settings):
    settings.EMAIL_BACKEND = f"{__name__}.DiesAfterSendingEmailBackend"
    with time_machine.travel(T0, tick=False) as clock:
        message = make_message(channel=OutboxChannel.EMAIL, recipient="a@example.cn")
        with pytest.raises(WorkerDied):
            outbox_send(message_id=message.pk)
        assert len(mail.outbox) == 1
        assert mail.outbox[0].extra_headers["Message-ID"] == (
            f"<outbox-{message.pk}@gzz.gov.cn>"
        )

        settings.EMAIL_BACKEND = "people.outbox.mail.LocmemEmailBackend"
        clock.shift(dt.timedelta(seconds=settings.NOTIFY_SEND_LEASE_SECONDS))
        assert sweep() == 1

    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)


@pytest.mark.django_db
def test_without_the_gateways_help_the_repeat_would_be_delivered(settings):
    """What the message id buys: a backend that ignores it delivers twice."""
    settings.EMAIL_BACKEND = f"{__name__}.DiesAfterSendingEmailBackend"
    with time_machine.travel(T0, tick=False) as clock:
        message = make_message(channel=OutboxChannel.EMAIL, recipient="a@example.cn")
        with pytest.raises(WorkerDied):
            outbox_send(message_id=message.pk)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        clock.shift(dt.timedelta(seconds=settings.NOTIFY_SEND_LEASE_SECONDS))
        assert sweep() == 1
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_failure_is_recorded_and_ends_the_attempt(sms_dir, settings):
    settings.SMS_BACKEND = FAILING
    with time_machine.travel(T0, tick=False):
        message = make_message()
        assert outbox_send(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.attempted_at is None  # not in doubt: the gateway said no
    assert message.next_attempt_at == T0 + dt.timedelta(minutes=1)
    assert message.last_error == "ConnectionError: gateway unreachable"


# --- the development backends drop repeats by id, across processes ----------------


def test_file_backend_drops_a_repeated_reference(tmp_path, caplog):
    backend = FileSmsBackend(tmp_path)
    with caplog.at_level(logging.INFO, logger="people.outbox.backends"):
        backend.send(to=PHONE, text="一", reference="outbox-1")
        backend.send(to=PHONE, text="一", reference="outbox-1")
        backend.send(to=PHONE, text="二", reference="outbox-2")
    assert [line["reference"] for line in sms_lines(tmp_path)] == [
        "outbox-1",
        "outbox-2",
    ]
    assert "sms.file.repeat_dropped reference=outbox-1" in caplog.text


def test_ledger_sees_what_another_process_appended(tmp_path):
    path = tmp_path / SMS_FILE_NAME
    assert ledger.accept_once(path, "outbox-1", {"to": PHONE})
    with path.open("a", encoding="utf-8") as fh:  # another worker's line
        fh.write(json.dumps({"reference": "outbox-2"}) + "\n")
    assert not ledger.accept_once(path, "outbox-2", {"to": PHONE})
    assert ledger.accept_once(path, "outbox-3", {"to": PHONE})
    path.unlink()  # a fresh file (the folder was cleared): nothing is known
    assert ledger.accept_once(path, "outbox-1", {"to": PHONE})


def _accept_all(path: str, references: list[str], queue) -> None:
    queue.put(sum(ledger.accept_once(path, ref, {}) for ref in references))


def test_ledger_accepts_each_id_once_across_processes(tmp_path):
    path = str(tmp_path / "ledger.jsonl")
    references = [f"outbox-{n}" for n in range(60)]
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [
        context.Process(target=_accept_all, args=(path, references, queue))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    accepted = [queue.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert sum(accepted) == len(references)
    with open(path, encoding="utf-8") as fh:
        lines = [json.loads(line) for line in fh]
    assert sorted(line["reference"] for line in lines) == sorted(references)


def test_console_sms_drops_a_repeat_and_says_so(settings, tmp_path, caplog):
    from people.outbox.backends import ConsoleSmsBackend

    settings.NOTIFY_FILE_DIR = tmp_path
    with caplog.at_level(logging.INFO, logger="people.outbox.backends"):
        ConsoleSmsBackend().send(to=PHONE, text="验证码 493817", reference="outbox-9")
        ConsoleSmsBackend().send(to=PHONE, text="验证码 493817", reference="outbox-9")
    assert caplog.text.count("sms.console to=") == 1
    assert caplog.text.count("sms.console.repeat_dropped to=") == 1
    assert "493817" not in caplog.text and PHONE not in caplog.text


def test_email_backends_drop_a_repeated_message_id(settings, tmp_path):
    from django.core.mail import EmailMessage, get_connection

    settings.NOTIFY_FILE_DIR = tmp_path
    connection = get_connection("people.outbox.mail.LocmemEmailBackend")

    def email(message_id):
        headers = {"Message-ID": message_id} if message_id else {}
        return EmailMessage("s", "b", "a@gzz.gov.cn", ["b@example.cn"], headers=headers)

    assert connection.send_messages([email("<outbox-1@gzz.gov.cn>")]) == 1
    # A repeat counts as sent (the recipient has it) but is not delivered.
    assert connection.send_messages([email("<outbox-1@gzz.gov.cn>")]) == 1
    assert connection.send_messages([email(None), email(None)]) == 2
    assert len(mail.outbox) == 3


# --- lost send tasks: the sweep drains the backlog in one run -----------------------


def _backlog(n: int) -> list[int]:
    """n pending messages whose send tasks were lost (the broker was down)."""
    now = timezone.now()
    messages = [
        outbox_message(
            channel=OutboxChannel.SMS,
            recipient=f"139{k:08d}",
            body=f"【甘孜州政务服务网】第{k}条",
            dedupe_key=f"test:backlog:{k}",
            now=now,
        )
        for k in range(n)
    ]
    with transaction.atomic():
        created = outbox_enqueue(messages=messages)
    return [m.pk for m in created]


@pytest.fixture
def broker_down(monkeypatch):
    def down(message_ids):
        raise ConnectionError("redis unreachable")

    monkeypatch.setattr(send_outbox_messages, "delay", down)


@pytest.mark.django_db
def test_a_backlog_of_lost_tasks_drains_in_one_sweep(sms_dir, settings, broker_down):
    settings.NOTIFY_SWEEP_BATCH = 100
    pks = _backlog(350)
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 350
    assert sms_lines(sms_dir) == []  # nothing went out: the tasks were lost

    started = time.monotonic()
    assert sweep_outbox.apply().result == 350
    elapsed = time.monotonic() - started

    assert elapsed < settings.NOTIFY_SWEEP_BUDGET_SECONDS
    assert not OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists()
    references = [line["reference"] for line in sms_lines(sms_dir)]
    assert sorted(references) == sorted(f"outbox-{pk}" for pk in pks)


class SlowFileSmsBackend(FileSmsBackend):
    def send(self, *, to: str, text: str, reference: str) -> None:
        time.sleep(0.05)
        super().send(to=to, text=text, reference=reference)


@pytest.mark.django_db
def test_the_sweep_stops_at_its_budget_and_the_next_run_goes_on(
    sms_dir, settings, broker_down, caplog
):
    settings.SMS_BACKEND = f"{__name__}.SlowFileSmsBackend"
    settings.NOTIFY_SWEEP_BATCH = 10
    _backlog(60)

    with caplog.at_level(logging.INFO, logger="people.services.outbox"):
        first = sweep(budget_seconds=1.0)
    assert 0 < first < 60
    assert "budget_spent=True" in caplog.text
    assert sweep(budget_seconds=30) == 60 - first
    assert len(sms_lines(sms_dir)) == 60


@pytest.mark.django_db
def test_the_sweep_ends_when_every_send_fails(sms_dir, settings, broker_down):
    """A failed message is not due again within the run: no endless loop."""
    settings.SMS_BACKEND = FAILING
    settings.NOTIFY_SWEEP_BATCH = 25
    pks = _backlog(120)
    assert sweep(budget_seconds=30) == 0
    assert set(
        OutboxMessage.objects.filter(pk__in=pks).values_list("attempts", flat=True)
    ) == {1}


@pytest.mark.django_db(transaction=True)
def test_the_sweep_skips_rows_it_cannot_take_and_ends(sms_dir, settings, broker_down):
    """Rows another sender holds (locked now) are skipped, not retried in a loop."""
    settings.NOTIFY_SWEEP_BATCH = 5
    pks = _backlog(12)
    taken = OutboxMessage.objects.filter(pk__in=pks[:4])
    locked = threading.Event()
    release = threading.Event()

    def hold():
        try:
            with transaction.atomic():
                list(taken.select_for_update())
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        assert sweep(budget_seconds=30) == 8
    finally:
        release.set()
        holder.join(timeout=10)
    assert sweep(budget_seconds=30) == 4
