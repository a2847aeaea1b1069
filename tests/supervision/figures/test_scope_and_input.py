"""County scope, bad input, the public rows, the rebuild and the feed."""

import datetime as dt

import pytest

from portal.errors import ServiceError
from supervision import figures
from supervision.models import (
    ApplicationFact,
    FeedCursor,
    FigureCell,
    StepCell,
    StepFact,
)
from supervision.scope import SupervisorScope

pytestmark = pytest.mark.django_db

MARCH = figures.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
KANGDING = SupervisorScope(prefix="513301")
LUDING = SupervisorScope(prefix="513322")


def _code(call):
    with pytest.raises(ServiceError) as exc:
        call()
    return exc.value.code, exc.value.status


def test_a_county_supervisor_sees_their_county_only(march):
    kd = figures.resolve_filters(KANGDING, None, None)
    s = figures.summary(kd, MARCH)
    assert {r.key for r in s.rows} == {march.a.pk}
    assert s.totals.values["received"].value == 7
    ld = figures.resolve_filters(LUDING, None, None)
    t = figures.summary(ld, MARCH).totals.values
    assert t["received"].value == 1 and t["open_now"].value == 1
    assert figures.drilldown(ld, MARCH, "received").get() == march.apps["ld"]
    assert figures.steps(ld, MARCH) == []


def test_another_countys_region_or_department_is_unknown(march):
    missing = "region_unknown", 404
    assert _code(lambda: figures.resolve_filters(LUDING, "513301", None)) == missing
    assert _code(lambda: figures.resolve_filters(LUDING, "513300", None)) == missing
    assert _code(lambda: figures.resolve_filters(LUDING, "519999", None)) == missing
    assert _code(lambda: figures.resolve_filters(LUDING, "abc", None)) == missing
    gone = "department_unknown", 404
    assert _code(lambda: figures.resolve_filters(LUDING, None, march.a.pk)) == gone
    assert _code(lambda: figures.resolve_filters(LUDING, None, 999999)) == gone
    assert _code(lambda: figures.resolve_filters(LUDING, None, "x1")) == gone
    ld = figures.resolve_filters(LUDING, None, None)
    assert (
        _code(
            lambda: figures.drilldown(ld, MARCH, "received", department_id=march.a.pk)
        )
        == gone
    )


def test_region_and_department_filters_narrow(march):
    whole = SupervisorScope()
    kd = figures.resolve_filters(whole, "513301", None)
    assert kd.region_prefix == "513301"
    assert figures.summary(kd, MARCH).totals.values["received"].value == 7
    pref = figures.resolve_filters(whole, "513300", None)
    assert pref.region_prefix == "5133"
    assert figures.summary(pref, MARCH).totals.values["received"].value == 8
    town = figures.resolve_filters(whole, "513301100", None)
    assert figures.summary(town, MARCH).totals.values["received"].value == 0
    only_b = figures.resolve_filters(whole, None, str(march.b.pk))
    # B handles steps, it implements nothing: no application is B's.
    assert figures.summary(only_b, MARCH).totals.values["received"].value == 0
    assert [r.key for r in figures.steps(only_b, MARCH)] == [march.b.pk]


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ("2026-13-01", None, "period_invalid"),
        ("yesterday", "2026-03-01", "period_invalid"),
        (None, "2026-02-30", "period_invalid"),
        ("2026-03-02", "2026-03-01", "period_reversed"),
        ("2021-03-01", "2026-03-01", "period_too_long"),
    ],
)
def test_bad_periods(start, end, code):
    assert _code(lambda: figures.parse_period(start, end))[0] == code


def test_periods_and_their_defaults():
    today = dt.date(2026, 3, 31)
    assert figures.parse_period(None, None, today=today) == figures.Period(
        dt.date(2026, 3, 2), today
    )
    assert figures.parse_period("2021-03-02", "2026-03-01") == figures.Period(
        dt.date(2021, 3, 2), dt.date(2026, 3, 1)
    )
    assert figures.parse_period(None, "2026-01-30").start == dt.date(2026, 1, 1)


def test_bad_metric_and_grouping(march):
    f = figures.resolve_filters(SupervisorScope(), None, None)
    assert _code(lambda: figures.drilldown(f, MARCH, "nope")) == ("metric_unknown", 404)
    assert _code(lambda: figures.drilldown(f, MARCH, "median_days"))[0] == (
        "metric_not_drillable"
    )
    assert _code(lambda: figures.drilldown(f, MARCH, "received", item_id=0))[0] == (
        "item_unknown"
    )
    assert _code(lambda: figures.summary(f, MARCH, by="county"))[0] == "by_invalid"


def test_public_rows_suppress_small_cells(march):
    rows = figures.monthly_public(2026, 3)
    by_dept = {r.department_id: r for r in rows}
    a = by_dept[march.a.pk].values
    assert a["received"].value == 7
    assert a["completed"].value == 5
    assert a["on_time_rate"].value == 0.8 and a["on_time_rate"].numerator is None
    # Two ratings, one bad, one Luding application: under five, not published.
    for value in (a["good_rate"], a["rectification_rate"]):
        assert value.value is None and value.note
    ld = by_dept[march.luding.pk].values
    assert ld["received"].value is None and ld["on_time_rate"].value is None
    assert figures.monthly_public(2026, 4) == []
    for bad in ((1999, None), (2026, 13), ("x", None)):
        assert (
            _code(lambda bad=bad: figures.monthly_public(*bad))[0] == "period_invalid"
        )


def _snapshot():
    def rows(model, order):
        out = [
            {k: v for k, v in r.items() if k not in ("id", "refreshed_at")}
            for r in model.objects.order_by(*order).values()
        ]
        return sorted(out, key=lambda r: tuple(str(v) for v in r.values()))

    return (
        rows(ApplicationFact, ["application_id"]),
        rows(FigureCell, ["grain", "start", "department_id", "item_id", "region_id"]),
        rows(StepFact, ["task_id"]),
        rows(StepCell, ["grain", "start", "department_id"]),
    )


def test_the_rebuild_equals_the_incremental_result(march):
    incremental = _snapshot()
    assert incremental[0] and incremental[1]
    result = figures.rebuild()
    assert result["facts"] == len(incremental[0])
    assert _snapshot() == incremental


def test_the_feed_is_idempotent_and_resumes_after_its_cursor(march):
    before = _snapshot()
    cursors = dict(FeedCursor.objects.values_list("chain", "last_seq"))
    assert figures.refresh_pending() == {"entries": 0, "facts": 0}
    FeedCursor.objects.update(last_seq=0)  # as if every entry came again
    again = figures.refresh_pending()
    assert again["entries"] > 0
    assert _snapshot() == before
    assert dict(FeedCursor.objects.values_list("chain", "last_seq")) == cursors


def test_the_rebuild_command(march):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("supervision_rebuild", stdout=out)
    assert "facts=8 " in out.getvalue()
    call_command("supervision_rebuild", "--since=2026-03-10", stdout=out)
    with pytest.raises(CommandError):
        call_command("supervision_rebuild", "--since=March")
    filters = figures.resolve_filters(SupervisorScope(), None, None)
    assert figures.summary(filters, MARCH).totals.values["completed"].value == 5


def test_cell_segments_cover_each_day_once():
    from supervision.figures.reading import cell_segments

    start = dt.date(2025, 12, 20)
    for length in (1, 6, 7, 13, 30, 31, 45, 60, 90, 370):
        for shift in range(0, 40, 3):
            a = start + dt.timedelta(days=shift)
            b = a + dt.timedelta(days=length - 1)
            seen = []
            for grain, first, last in cell_segments(a, b):
                if grain == "day":
                    seen += [
                        first + dt.timedelta(days=i)
                        for i in range((last - first).days + 1)
                    ]
                elif grain == "week":
                    assert first.weekday() == 0
                    days = (last - first).days + 7
                    seen += [first + dt.timedelta(days=i) for i in range(days)]
                else:
                    assert first.day == 1
                    m = first
                    while m <= last:
                        nxt = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
                        seen += [
                            m + dt.timedelta(days=i) for i in range((nxt - m).days)
                        ]
                        m = nxt
            expected = [a + dt.timedelta(days=i) for i in range(length)]
            assert sorted(seen) == expected, (a, b)


def test_weeks_read_from_week_cells_equal_their_days(march):
    from supervision.models import CellGrain

    filters = figures.resolve_filters(SupervisorScope(), None, None)
    week = figures.Period(dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert FigureCell.objects.filter(grain=CellGrain.WEEK, start=week.start).exists()
    t = figures.summary(filters, week).totals.values
    assert t["received"].value == 8 and t["completed"].value == 2
    assert t["median_days"].value == 3
    weekly = figures.weekly(filters, MARCH)
    assert weekly[1].values["median_days"].value == 3
