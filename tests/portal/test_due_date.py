"""portal.workdays.due_date on calendar snapshots (pure: no database).

docs/domain.md's worked examples, the 2026 breaks with their make-up working
weekends, the provisional rule for 2027 and beyond, suspensions, the
explanation, and hypothesis properties.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.workdays import (
    Calendar,
    Suspension,
    due_date,
    package_calendar,
    provisional_holidays,
)

D = dt.date
PACKAGE = package_calendar()


def with_entries(base: Calendar, entries: dict, revision: int = 7) -> Calendar:
    return Calendar(
        revision=revision,
        entries={**base.entries, **entries},
        confirmed_years=base.confirmed_years,
    )


# --- worked examples and the 2026 notice ------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 9, 30), 5, D(2026, 10, 13)),  # docs/domain.md: National Day
        (D(2026, 2, 13), 3, D(2026, 2, 25)),  # docs/domain.md: Spring Festival
        # Spring Festival 2026: 2-15..2-23 off, Sat 2-14 and Sat 2-28 worked.
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 14), 1, D(2026, 2, 24)),
        (D(2026, 2, 27), 1, D(2026, 2, 28)),
        # National Day 2026: 10-1..10-7 off, Sun 9-20 and Sat 10-10 worked.
        (D(2026, 9, 19), 1, D(2026, 9, 20)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 10, 9), 1, D(2026, 10, 10)),
        (D(2026, 9, 30), 0, D(2026, 9, 30)),
    ],
)
def test_due_dates_follow_the_2026_notice(start, days, due):
    result = due_date(PACKAGE, start, days)
    assert (result.due, result.provisional) == (due, False)
    assert len(result.counted) == days


def test_the_make_up_weekend_is_counted_and_the_break_skipped():
    result = due_date(PACKAGE, D(2026, 9, 30), 5)
    assert result.counted == (
        D(2026, 10, 8),
        D(2026, 10, 9),
        D(2026, 10, 10),  # Saturday, 国庆节调休上班
        D(2026, 10, 12),
        D(2026, 10, 13),
    )
    skipped = dict(result.skipped)
    assert skipped[D(2026, 10, 1)] == "国庆节"
    assert skipped[D(2026, 10, 7)] == "国庆节"
    assert skipped[D(2026, 10, 11)] == "星期日"
    assert D(2026, 10, 10) not in skipped


# --- beyond the package: the provisional rule ----------------------------------------


def test_into_2027_new_years_day_is_skipped_and_the_result_provisional():
    result = due_date(PACKAGE, D(2026, 12, 30), 5)
    assert result.due == D(2027, 1, 7)
    assert result.provisional is True
    assert dict(result.skipped)[D(2027, 1, 1)] == "元旦"


def test_the_2027_spring_festival_comes_from_the_lunar_calendar():
    # Lunar new year 2027 = 2027-02-06: eve 02-05 (Fri), 1-1..1-3 to Mon 02-08.
    holidays = provisional_holidays(2027)
    assert holidays[D(2027, 2, 5)] == "春节（除夕）"
    assert [d for d, n in holidays.items() if n == "春节"] == [
        D(2027, 2, 6),
        D(2027, 2, 7),
        D(2027, 2, 8),
    ]
    result = due_date(PACKAGE, D(2027, 2, 4), 1)
    assert result.due == D(2027, 2, 9)
    assert result.provisional is True


def test_the_2027_provisional_holidays_are_the_statutory_thirteen():
    holidays = provisional_holidays(2027)
    assert len(holidays) == 13  # 全国年节及纪念日放假办法 as amended: 13 days
    assert holidays[D(2027, 4, 5)] == "清明节"
    assert holidays[D(2027, 6, 9)] == "端午节"  # lunar 5-5
    assert holidays[D(2027, 9, 15)] == "中秋节"  # lunar 8-15
    assert holidays[D(2027, 5, 2)] == "劳动节"
    assert holidays[D(2027, 10, 3)] == "国庆节"
    # No make-up weekend can be guessed: Sat 2027-10-09 stays a rest day.
    assert PACKAGE.day(D(2027, 10, 9)).working is False


def test_the_provisional_rule_matches_a_year_the_package_knows():
    # The rule's holidays for 2026 are all days off in the 2026 notice.
    for day in provisional_holidays(2026):
        assert PACKAGE.day(day).working is False, day


def test_beyond_the_lunar_library_the_fixed_dates_and_weekends_still_work():
    # lunardate covers 1900-2099, the solar terms 1900-2100: no crash after.
    for year in (2100, 2150, 9998):
        holidays = provisional_holidays(year)
        assert D(year, 1, 1) in holidays and D(year, 10, 3) in holidays
        result = due_date(PACKAGE, D(year, 1, 2), 20)
        assert result.provisional is True
        assert result.due is not None


def test_counting_past_the_last_date_is_refused_not_crashed():
    with pytest.raises(ValueError):
        due_date(PACKAGE, D(9999, 12, 25), 10)


def test_a_calendar_with_no_working_day_is_refused_not_looped():
    all_rest = Calendar(
        revision=1,
        entries={
            D(2030, 1, 1) + dt.timedelta(days=i): (False, "x") for i in range(4000)
        },
        confirmed_years=frozenset(range(2030, 2042)),
    )
    with pytest.raises(ValueError):
        due_date(all_rest, D(2029, 12, 31), 1)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        due_date(PACKAGE, D(2026, 3, 2), -1)
    with pytest.raises(ValueError):
        due_date(PACKAGE, D(2026, 3, 2), 1, extra_days=-1)


# --- suspensions and extensions ------------------------------------------------------


def test_suspended_days_are_not_counted():
    plain = due_date(PACKAGE, D(2026, 3, 2), 5)
    assert plain.due == D(2026, 3, 9)
    stop = Suspension(D(2026, 3, 4), D(2026, 3, 6), "补正材料")
    result = due_date(PACKAGE, D(2026, 3, 2), 5, [stop])
    assert result.due == D(2026, 3, 12)
    assert result.suspended == (
        (D(2026, 3, 4), "补正材料"),
        (D(2026, 3, 5), "补正材料"),
        (D(2026, 3, 6), "补正材料"),
    )


def test_an_open_suspension_leaves_the_due_date_unknown():
    open_stop = Suspension(D(2026, 3, 4), None, "听证")
    result = due_date(PACKAGE, D(2026, 3, 2), 5, [open_stop])
    assert result.due is None
    # An open suspension after the due day does not block it.
    later = Suspension(D(2026, 3, 20), None, "听证")
    assert due_date(PACKAGE, D(2026, 3, 2), 5, [later]).due == D(2026, 3, 9)


def test_extra_days_extend_the_count():
    result = due_date(PACKAGE, D(2026, 3, 2), 20, extra_days=10)
    assert len(result.counted) == 30
    assert result.due == due_date(PACKAGE, D(2026, 3, 2), 30).due


# --- the explanation -----------------------------------------------------------------


def test_the_explanation_reads_as_chinese_sentences():
    stop = Suspension(D(2026, 10, 8), D(2026, 10, 9), "补正材料")
    result = due_date(with_entries(PACKAGE, {}), D(2026, 9, 30), 5, [stop], 1)
    lines = result.explain()
    text = "\n".join(lines)
    assert lines[0] == "自2026年9月30日起算（当日不计入），计5个工作日。"
    assert "延长1个工作日，共计6个工作日。" in lines
    assert "计入的工作日（6天）：" in text
    assert "2026年10月1日至2026年10月2日 国庆节" in text
    assert "2026年10月3日 星期六" in text
    assert "调休上班：2026年10月10日 国庆节调休上班。" in lines
    assert "不计入的中止期间（2天）：2026年10月8日至2026年10月9日 补正材料。" in lines
    assert lines[-1] == "依据工作日历第7版。"
    assert (
        f"截止日期：{result.due.year}年{result.due.month}月{result.due.day}日（当日结束前）。"
        in lines
    )
    assert "暂定" not in text


def test_a_provisional_result_says_so():
    lines = due_date(PACKAGE, D(2026, 12, 30), 5).explain()
    assert "2027年1月1日 元旦" in "\n".join(lines)
    assert lines[-1].startswith("其中有尚未公布放假安排的年份")


def test_an_open_suspension_is_explained():
    result = due_date(
        PACKAGE, D(2026, 3, 2), 5, [Suspension(D(2026, 3, 4), None, "听证")]
    )
    assert "计时已中止，恢复后重新计算截止日期。" in result.explain()


# --- properties ------------------------------------------------------------------------

starts = st.dates(min_value=D(2004, 1, 1), max_value=D(2031, 12, 31))
counts = st.integers(min_value=0, max_value=60)
local_days = st.dictionaries(
    st.dates(min_value=D(2025, 1, 1), max_value=D(2029, 12, 31)),
    st.tuples(st.booleans(), st.just("藏历新年")),
    max_size=20,
)


def closed_suspensions(start_strategy=starts):
    return st.lists(
        st.builds(
            lambda first, length, reason: Suspension(
                first, first + dt.timedelta(days=length), reason
            ),
            start_strategy,
            st.integers(min_value=0, max_value=30),
            st.sampled_from(["补正材料", "听证", "检验检测"]),
        ),
        max_size=3,
    )


@settings(max_examples=300, deadline=None)
@given(start=starts, days=counts, entries=local_days, stops=closed_suspensions())
def test_a_due_date_never_falls_on_a_rest_day(start, days, entries, stops):
    calendar = with_entries(PACKAGE, entries)
    result = due_date(calendar, start, days, stops)
    assert len(result.counted) == days
    if days:
        assert result.due == result.counted[-1]
        assert calendar.day(result.due).working
        assert not any(s.covers(result.due) for s in stops)
    for day in result.counted:
        assert calendar.day(day).working


@settings(max_examples=300, deadline=None)
@given(
    start=starts,
    days=st.integers(min_value=1, max_value=60),
    entries=local_days,
    stops=closed_suspensions(),
    extra=closed_suspensions(),
)
def test_adding_a_suspension_never_moves_the_due_date_earlier(
    start, days, entries, stops, extra
):
    calendar = with_entries(PACKAGE, entries)
    before = due_date(calendar, start, days, stops)
    after = due_date(calendar, start, days, [*stops, *extra])
    assert after.due >= before.due


@settings(max_examples=300, deadline=None)
@given(start=starts, days=counts, entries=local_days, stops=closed_suspensions())
def test_provisional_exactly_when_a_provisional_day_was_used(
    start, days, entries, stops
):
    calendar = with_entries(PACKAGE, entries)
    result = due_date(calendar, start, days, stops)
    used = [*result.counted, *(day for day, _note in result.skipped)]
    assert result.provisional == any(calendar.day(day).provisional for day in used)
    # And exactly when a used day lies in a year nobody confirmed.
    assert result.provisional == any(
        day.year not in calendar.confirmed_years for day in used
    )
