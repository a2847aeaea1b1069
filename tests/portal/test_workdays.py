"""The working-day arithmetic as docs/domain.md (Calendar) states it.

Pure functions over the shipped chinesecalendar data: no database.
"""

from __future__ import annotations

import datetime as dt

import pytest

from portal.workdays import add_working_days, is_working_day


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # docs/domain.md worked examples: National Day week, Spring Festival.
        (dt.date(2026, 9, 30), 5, dt.date(2026, 10, 13)),
        (dt.date(2026, 2, 13), 3, dt.date(2026, 2, 25)),
        # The start day is not counted; a Friday + 1 is the Monday.
        (dt.date(2026, 3, 6), 1, dt.date(2026, 3, 9)),
        (dt.date(2026, 3, 6), 0, dt.date(2026, 3, 6)),
    ],
)
def test_add_working_days_follows_the_state_council_notice(start, days, due):
    assert add_working_days(start, days) == (due, False)


def test_a_make_up_working_weekend_counts():
    # 2026-09-20 (a Sunday) is a make-up working day (调休) of the 2026 notice.
    assert is_working_day(dt.date(2026, 9, 20)) == (True, False)
    assert is_working_day(dt.date(2026, 10, 5)) == (False, False)


def test_years_beyond_the_package_fall_back_to_weekends_and_say_so():
    # 2027 is not in the package: weekends off only, flagged provisional.
    assert is_working_day(dt.date(2027, 10, 1)) == (True, True)
    assert is_working_day(dt.date(2027, 10, 2)) == (False, True)
    due, provisional = add_working_days(dt.date(2026, 12, 30), 5)
    assert provisional is True
    assert due == dt.date(2027, 1, 6)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(dt.date(2026, 3, 6), -1)
