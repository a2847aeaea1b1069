"""Working-day arithmetic (pure; no ORM).

This is the provisional calendar: the State Council notices as shipped by the
``chinesecalendar`` package, and for years it does not cover, weekends only
(flagged provisional). The workflow issue replaces it with the editable
calendar table of docs/domain.md; callers use only :func:`add_working_days`.
"""

from __future__ import annotations

import datetime as dt
import functools

import chinese_calendar


# Both functions are pure (the package's tables are fixed at import), so a
# deadline computed for every submission is computed once per day and length.
@functools.lru_cache(maxsize=4096)
def is_working_day(day: dt.date) -> tuple[bool, bool]:
    """(working?, provisional?) for one date."""
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        return day.weekday() < 5, True


@functools.lru_cache(maxsize=4096)
def add_working_days(start: dt.date, days: int) -> tuple[dt.date, bool]:
    """The date ``days`` working days after ``start`` (start itself not counted).

    Returns (due date, provisional?) where provisional means some day on the
    way came from the weekend-only fallback.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    provisional = False
    counted = 0
    while counted < days:
        current += dt.timedelta(days=1)
        working, guessed = is_working_day(current)
        provisional = provisional or guessed
        if working:
            counted += 1
    return current, provisional
