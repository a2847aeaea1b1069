"""Helpers for the people tests: applicants made through the real service."""

from __future__ import annotations

import datetime as dt

from people.codes import make_credit_code
from people.privacy import make_id_number
from people.services import applicants

PASSWORD = "Gz-plateau-2026!"


def id_number(first17: str = "51330119900101123") -> str:
    return make_id_number(first17)


def applicant(
    username: str = "zhaxi",
    *,
    full_name: str = "扎西",
    first17: str = "51330119900101123",
    phone: str = "13800000001",
):
    return applicants.applicant_register(
        username=username,
        password=PASSWORD,
        full_name=full_name,
        id_number=make_id_number(first17),
        phone=phone,
    )


def credit_code(n: int = 1) -> str:
    return make_credit_code(f"91513301MA{n:07d}")


def in_days(days: int) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=days)
