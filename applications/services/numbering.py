"""Application numbers (办件编号) and query codes (查询码).

A number is the implementation code, the day (yyyymmdd) and a four-digit
sequence of that implementation and day (docs/domain.md). The day's counter
row is the one place concurrent submissions of one item queue: it is counted
up by one upsert (portal.upsert) and stays locked until commit.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils.translation import gettext as _

from portal.errors import ServiceError
from portal.upsert import counter_increment

from ..models import ApplicationCounter

# Unambiguous: no 0/O, 1/I/L.
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8
MAX_DAILY_SEQUENCE = 9999


def application_number_prefix(*, implementation_code: str, day: dt.date) -> str:
    """The part of a day's numbers before the sequence."""
    return f"{implementation_code}{day:%Y%m%d}"


def format_application_number(
    *, implementation_code: str, day: dt.date, sequence: int
) -> str:
    """办件编号 (docs/domain.md): implementation code + yyyymmdd + 4-digit sequence."""
    prefix = application_number_prefix(implementation_code=implementation_code, day=day)
    return f"{prefix}{sequence:04d}"


def application_number_next(*, implementation_code: str, day: dt.date) -> str:
    """Next number of the day; the counter row lock serialises concurrent calls.

    A day whose sequence is used up is not counted up and refused (503).
    """
    sequence = counter_increment(
        ApplicationCounter,
        keys={"implementation_code": implementation_code, "day": day},
        field="last",
        limit=MAX_DAILY_SEQUENCE,
    )
    if sequence is None:
        raise ServiceError(
            "daily_sequence_exhausted",
            _("该事项今日办件编号已用完，请明日再提交或联系窗口"),
            status=503,
        )
    return format_application_number(
        implementation_code=implementation_code, day=day, sequence=sequence
    )


def new_query_code() -> str:
    return "".join(
        secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH)
    )
