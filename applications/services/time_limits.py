"""Dates from an item's time limits: natural or working days from a start.

Pure functions of the pinned version and the shipped working-day calendar
(portal.workdays), used by acceptance (the promised completion date) and by
tolerated materials (the latest day a gap may be promised for).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from catalog import constants as cc
from portal.workdays import add_working_days

DEFAULT_DECISION_WORKING_DAYS = 20  # Administrative Licensing Law Art. 42


def latest_promise_date(version, today: dt.date | None = None) -> dt.date:
    """The last day a tolerated gap may be promised for (容缺后补).

    The result is issued only once the gap is closed (docs/domain.md): a promise
    beyond the item's statutory limit could not be kept within the law. The
    statutory limit, else the promised one, else the 20 working days of
    Art. 42, counted from today.
    """
    today = today or timezone.localdate()
    for value, unit in (
        (version.statutory_limit_value, version.statutory_limit_unit),
        (version.promised_limit_value, version.promised_limit_unit),
    ):
        if value:
            return limit_end(today, value, unit)[0]
    return add_working_days(today, DEFAULT_DECISION_WORKING_DAYS)[0]


def limit_end(start: dt.date, value: int, unit: str) -> tuple[dt.date, bool]:
    """(last day, provisional?) of a time limit of ``value`` days in ``unit``."""
    if unit == cc.LimitUnit.NATURAL_DAYS:
        return start + dt.timedelta(days=value), False
    return add_working_days(start, value)
