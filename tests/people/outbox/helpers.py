"""Building blocks for the outbox tests (also used by tests/integration)."""

from __future__ import annotations

import json
import os
import threading
import uuid
from pathlib import Path

from django.db import models
from django.utils import timezone

from people.constants import OutboxChannel
from people.models import OutboxMessage, subject_of
from people.outbox.backends import SMS_FILE_NAME, FileSmsBackend

PHONE = "13812345678"


def make_message(about: models.Model | None = None, **fields) -> OutboxMessage:
    """An outbox row written directly (for send and sweep tests)."""
    defaults = {
        "channel": OutboxChannel.SMS,
        "recipient": PHONE,
        "subject": "测试",
        "body": "【甘孜州政务服务网】测试短信",
        "next_attempt_at": timezone.now(),
    }
    if about is not None:
        defaults["subject_type"], defaults["subject_id"] = subject_of(about)
    defaults.update(fields)
    defaults.setdefault("dedupe_key", f"test:{uuid.uuid4().hex}")
    return OutboxMessage.objects.create(**defaults)


def sms_lines(directory: Path) -> list[dict]:
    path = Path(directory) / SMS_FILE_NAME
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class FailingSmsBackend:
    """A gateway that is down."""

    def send(self, *, to: str, text: str, reference: str) -> None:
        raise ConnectionError("gateway unreachable")


class SlowSmsBackend(FileSmsBackend):
    """Writes like the file backend, but only after ``release`` is set.

    ``entered`` tells the test that a sender is inside the backend, holding
    the row's lease.
    """

    entered = threading.Event()
    release = threading.Event()

    def send(self, *, to: str, text: str, reference: str) -> None:
        type(self).entered.set()
        if not type(self).release.wait(timeout=20):
            raise TimeoutError("test never released the backend")
        super().send(to=to, text=text, reference=reference)


class WorkerDied(BaseException):
    """The process stopped (killed, out of memory): not a backend failure."""


class DiesAfterSendingSmsBackend(FileSmsBackend):
    """The gateway accepts the text, then the sender dies before it can say so."""

    def send(self, *, to: str, text: str, reference: str) -> None:
        super().send(to=to, text=text, reference=reference)
        raise WorkerDied


class ExitsAfterSendingSmsBackend(FileSmsBackend):
    """For a real worker: the first text is accepted, then the process exits at
    once (no cleanup, as when it is killed); later texts go through."""

    def send(self, *, to: str, text: str, reference: str) -> None:
        super().send(to=to, text=text, reference=reference)
        marker = self.directory / "worker-died"
        if not marker.exists():
            marker.touch()
            os._exit(70)
