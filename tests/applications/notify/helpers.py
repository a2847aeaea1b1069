"""Building blocks for the notification tests (also used by tests/integration).

Outbox rows, backends and the SMS file: tests.people.outbox.helpers.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from applications import constants as c
from applications.models import Application
from people.models import ApplicantProfile
from people.privacy import (
    encrypt_id_number,
    id_number_hash,
    make_id_number,
    mask_id_number,
)
from tests.factories import UserFactory, implementation_for, published_version
from tests.people.outbox.helpers import PHONE

ID_NUMBER = make_id_number("51330119900101123")
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
