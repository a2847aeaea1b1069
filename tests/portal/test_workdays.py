"""The working-day arithmetic as docs/domain.md (Calendar) states it.

On the package's calendar (portal.workdays.package_calendar): no database.
"""

from __future__ import annotations

import datetime as dt

import pytest

from portal.workdays import add_working_days, is_working_day, package_calendar

PACKAGE = package_calendar()


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
    assert add_working_days(start, days, PACKAGE) == (due, False)


def test_a_make_up_working_weekend_counts():
    # 2026-09-20 (a Sunday) is a make-up working day (调休) of the 2026 notice.
    assert is_working_day(dt.date(2026, 9, 20), PACKAGE) == (True, False)
    assert is_working_day(dt.date(2026, 10, 5), PACKAGE) == (False, False)


def test_years_beyond_the_package_follow_the_provisional_rule_and_say_so():
    # 2027 is not in the package: weekends and the statutory holidays off,
    # no make-up weekends, flagged provisional.
    assert is_working_day(dt.date(2027, 10, 1), PACKAGE) == (False, True)
    assert is_working_day(dt.date(2027, 10, 4), PACKAGE) == (True, True)
    assert is_working_day(dt.date(2027, 10, 9), PACKAGE) == (False, True)
    due, provisional = add_working_days(dt.date(2026, 12, 30), 5, PACKAGE)
    assert provisional is True
    # 2027-01-01 (New Year's Day, a Friday) and the weekend are skipped.
    assert due == dt.date(2027, 1, 7)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(dt.date(2026, 3, 6), -1, PACKAGE)
