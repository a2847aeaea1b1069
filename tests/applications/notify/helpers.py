"""Building blocks for the notification tests (also used by tests/integration)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from pathlib import Path

from django.utils import timezone

from applications import constants as c
from applications.models import ApplicantProfile, Application, OutboxMessage
from applications.notifications import SMS_FILE_NAME, FileSmsBackend
from applications.privacy import (
    encrypt_id_number,
    id_number_hash,
    make_id_number,
    mask_id_number,
)
from tests.factories import UserFactory, implementation_for, published_version

ID_NUMBER = make_id_number("51330119900101123")
PHONE = "13812345678"
EMAIL = "zhaxi@example.cn"
QUERY_CODE = "K7Q2M9XP"


def make_application(
    *,
    username: str = "zhaxi",
    email: str = EMAIL,
    phone: str = PHONE,
    profile: bool = True,
    account_email: str = "",
    number: str | None = "auto",
    status: str = c.ApplicationStatus.SUBMITTED,
    id_number: str = ID_NUMBER,
) -> Application:
    """A submitted application by a citizen with a profile (ORM only)."""
    version = published_version()
    implementation = implementation_for(version)
    user = UserFactory(username=username, email=account_email)
    if profile:
        ApplicantProfile.objects.create(
            user=user,
            full_name="扎西次仁",
            id_number_hash=id_number_hash(id_number),
            id_number_masked=mask_id_number(id_number),
            id_number_encrypted=encrypt_id_number(id_number),
            birth_date=dt.date(1990, 1, 1),
            phone=phone,
            email=email,
        )
    if number == "auto":
        number = f"{implementation.code}{timezone.localdate():%Y%m%d}0001"
    return Application.objects.create(
        number=number,
        query_code=QUERY_CODE,
        implementation=implementation,
        version=version,
        applicant=user,
        submitted_by=user,
        status=status,
        submitted_at=timezone.now(),
    )


def make_message(application: Application | None = None, **fields) -> OutboxMessage:
    """An outbox row written directly (for send and sweep tests)."""
    defaults = {
        "channel": c.OutboxChannel.SMS,
        "recipient": PHONE,
        "subject": "测试",
        "body": "【甘孜州政务服务网】测试短信",
        "application": application,
        "next_attempt_at": timezone.now(),
    }
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
    the outbox row's lock.
    """

    entered = threading.Event()
    release = threading.Event()

    def send(self, *, to: str, text: str, reference: str) -> None:
        type(self).entered.set()
        if not type(self).release.wait(timeout=20):
            raise TimeoutError("test never released the backend")
        super().send(to=to, text=text, reference=reference)
