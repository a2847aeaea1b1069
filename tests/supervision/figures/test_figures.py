"""Each figure on the hand-built data set (dataset.py), the answers worked out there."""

import datetime as dt

import pytest

from supervision import figures
from supervision.models import ApplicationFact
from supervision.scope import SupervisorScope

pytestmark = pytest.mark.django_db

MARCH = figures.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _v(values, key):
    return values[key].value


def test_the_facts_of_each_application(march):
    f = {n: ApplicationFact.objects.get(pk=app.pk) for n, app in march.apps.items()}
    assert [f[n].working_days for n in ("1", "2", "3", "4", "7")] == [3, 6, 9, 21, 3]
    assert f["3"].promised_due == dt.date(2026, 3, 19)
    assert f["3"].suspended_days == 3 and f["3"].on_time is True
    assert f["4"].statutory_due == dt.date(2026, 4, 14)
    assert f["4"].extension_days == 10
    assert f["4"].promised_due == dt.date(2026, 3, 16)
    assert f["4"].on_time is False and f["4"].statutory_breach is False
    assert f["2"].on_time is True and f["2"].late_steps == 1
    assert (f["3"].late_steps, f["4"].late_steps, f["1"].late_steps) == (2, 2, 0)
    assert f["5"].withdrawn_on == dt.date(2026, 3, 4) and f["5"].completed_on is None
    assert (
        f["6"].deemed and f["6"].accepted_on == dt.date(2026, 3, 2) and f["6"].is_open
    )
    assert f["7"].decision == "rejected" and f["7"].rating_level == 1
    assert f["7"].rectification_state == "open"


def test_the_prefecture_summary_for_march(march):
    filters = figures.resolve_filters(SupervisorScope(), None, None)
    s = figures.summary(filters, MARCH)
    t = s.totals.values
    assert _v(t, "received") == 8  # seven in Kangding, one in Luding
    assert _v(t, "accepted") == 8 and _v(t, "deemed") == 1
    assert _v(t, "withdrawn") == 1
    assert _v(t, "completed") == 5  # apps 1, 2, 3, 4, 7
    on_time = t["on_time_rate"]
    assert (on_time.numerator, on_time.denominator, on_time.value) == (4, 5, 0.8)
    assert _v(t, "statutory_breach") == 0
    assert _v(t, "late_steps") == 3  # apps 2, 3, 4
    assert _v(t, "open_now") == 2  # app6 and the Luding one
    # 3, 3, 6, 9, 21: nearest rank 3 of 5 and 5 of 5.
    assert _v(t, "median_days") == 6 and _v(t, "p90_days") == 21
    assert t["share_online"].numerator == 8 and _v(t, "share_online") == 1.0
    assert _v(t, "ratings") == 2 and _v(t, "rating_5") == 1 and _v(t, "rating_1") == 1
    assert (t["good_rate"].numerator, t["good_rate"].denominator) == (1, 2)
    rect = t["rectification_rate"]
    assert (rect.numerator, rect.denominator, rect.value) == (0, 1, 0.0)
    assert t["certificate_share"].denominator == 8 and _v(t, "certificate_share") == 0.0
    assert _v(t, "counter_ratings") == 1 and _v(t, "counter_good_rate") == 1.0
    by_dept = {r.key: r for r in s.rows}
    assert set(by_dept) == {march.a.pk, march.luding.pk}
    assert _v(by_dept[march.a.pk].values, "counter_ratings") == 1
    assert _v(by_dept[march.luding.pk].values, "counter_ratings") == 0
    by_item = figures.summary(filters, MARCH, by="item")
    assert by_item.rows[0].values["counter_ratings"].value is None
    assert by_item.totals.values["counter_ratings"].value == 1
    assert _v(by_dept[march.a.pk].values, "received") == 7
    assert _v(by_dept[march.luding.pk].values, "received") == 1


def test_the_steps_by_the_task_department(march):
    filters = figures.resolve_filters(SupervisorScope(), None, None)
    rows = {r.key: r.values for r in figures.steps(filters, MARCH)}
    # A: apps 1, 2, 3, 4 (app7's A task was cancelled): late 2, 3, 4.
    assert _v(rows[march.a.pk], "steps_done") == 4
    assert _v(rows[march.a.pk], "steps_late") == 3
    # B: apps 1, 2, 3, 4, 7: late 3, 4.
    assert _v(rows[march.b.pk], "steps_done") == 5
    assert _v(rows[march.b.pk], "steps_late") == 2


def test_every_drill_down_count_is_its_figure(march):
    filters = figures.resolve_filters(SupervisorScope(), None, None)
    for by in ("department", "item"):
        s = figures.summary(filters, MARCH, by=by)
        for row in [*s.rows, s.totals]:
            for metric in figures.METRICS:
                if not metric.drill:
                    continue
                kwargs = {f"{by}_id": row.key} if row.key is not None else {}
                qs = figures.drilldown(filters, MARCH, metric.key, **kwargs)
                value = row.values[metric.key]
                expected = (
                    value.numerator if value.numerator is not None else value.value
                )
                assert qs.count() == expected, (by, row.label, metric.key)


def test_a_week_of_the_month(march):
    filters = figures.resolve_filters(SupervisorScope(), None, None)
    weeks = figures.weekly(filters, MARCH)
    assert [w.start for w in weeks][:3] == [
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 9),
    ]
    by_start = {w.start: w.values for w in weeks}
    assert _v(by_start[dt.date(2026, 3, 2)], "received") == 8
    assert _v(by_start[dt.date(2026, 3, 2)], "completed") == 2  # apps 1 and 7
    assert _v(by_start[dt.date(2026, 3, 9)], "completed") == 1  # app 2
    assert sum(_v(w.values, "completed") for w in weeks) == 5


def test_a_month_and_its_days_give_the_same_figures(march):
    filters = figures.resolve_filters(SupervisorScope(), None, None)
    whole = figures.summary(filters, MARCH).totals.values
    split = figures.summary(
        filters, figures.Period(dt.date(2026, 2, 27), dt.date(2026, 4, 2))
    ).totals.values
    assert {k: v.value for k, v in whole.items()} == {
        k: v.value for k, v in split.items()
    }


def test_the_summary_reads_a_fixed_number_of_queries(march, django_assert_num_queries):
    filters = figures.resolve_filters(SupervisorScope(), None, None)
    long = figures.Period(dt.date(2025, 1, 10), dt.date(2026, 12, 20))
    # Cell sums, distinct items, the open facts, visit ratings, labels, as of.
    for period in (MARCH, long):
        for by in ("department", "item"):
            with django_assert_num_queries(6):
                figures.summary(filters, period, by=by)
