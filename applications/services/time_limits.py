"""Dates from an item's time limits: natural or working days from a start.

Functions of the pinned version and the current working-day calendar
(portal.workdays, the calendar table: each call reads its revision once), used by acceptance (the promised completion date) and by
tolerated materials (the latest day a gap may be promised for), one-time
notices (the supplement due date and its limits) and decisions (the
delivery due date of Art. 44).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from catalog import constants as cc
from portal.workdays import add_working_days, current_calendar, is_working_day

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


def supplement_due_default(issued_on: dt.date) -> tuple[dt.date, bool]:
    """(due date, provisional?) a one-time notice gets when the clerk sets none.

    settings.SUPPLEMENT_DUE_WORKING_DAYS working days after the day of issue
    (local practice).
    """
    return add_working_days(issued_on, settings.SUPPLEMENT_DUE_WORKING_DAYS)


def supplement_due_latest(issued_on: dt.date) -> dt.date:
    """The latest due date a clerk may choose (SUPPLEMENT_DUE_MAX_WORKING_DAYS)."""
    return add_working_days(issued_on, settings.SUPPLEMENT_DUE_MAX_WORKING_DAYS)[0]


def supplement_due_provisional(issued_on: dt.date, due: dt.date) -> bool:
    """Whether any day from the day of issue to ``due`` is provisional (a year
    whose holiday notice is not entered yet)."""
    calendar = current_calendar()  # one read for every day of the span
    day = issued_on
    while day < due:
        day += dt.timedelta(days=1)
        if is_working_day(day, calendar)[1]:
            return True
    return False
