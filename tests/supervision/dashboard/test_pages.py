"""The dashboard, its drill-downs and exports: who may see them, bad input,
and every figure's drill-down showing as many applications as the figure."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from supervision import figures

from .conftest import logged_in

pytestmark = pytest.mark.django_db

DASH = reverse("supervision:dashboard")


def drill(metric: str, **params) -> str:
    url = reverse("supervision:dashboard_drill", args=[metric])
    return f"{url}?{urlencode(params)}" if params else url


def export(table: str, **params) -> str:
    url = reverse("supervision:dashboard_export", args=[table])
    return f"{url}?{urlencode(params)}" if params else url


def figure_count(cell):
    """The applications behind a figure: a count itself, a rate's numerator."""
    return cell.numerator if cell.kind in ("rate", "share") else cell.number


def a_drill_metric():
    return next(m for m in figures.METRICS if m.drill)


# --- who may see -------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    for url in (DASH, drill(a_drill_metric().key), export("department")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login"))


def test_a_department_head_is_refused(head, data):
    client = logged_in(head)
    for url in (DASH, drill(a_drill_metric().key), export("department")):
        assert client.get(url).status_code == 403


def test_the_prefecture_supervisor_sees_both_counties(
    prefecture_supervisor, counties, data
):
    response = logged_in(prefecture_supervisor).get(DASH)
    assert response.status_code == 200
    text = response.content.decode()
    for county in counties.values():
        assert county.department.name in text
    # Definitions beside the figures, and the weekly charts with their tables.
    for metric in figures.METRICS:
        assert f'id="def-{metric.key}"' in text
    assert "chart.umd.min.js" in text and 'data-chart-for="tbl-weekly_' in text


def test_a_county_supervisor_sees_only_their_county(county_supervisor, counties, data):
    client = logged_in(county_supervisor)
    text = client.get(DASH).content.decode()
    assert counties["kd"].department.name in text
    assert counties["ld"].department.name not in text
    luding = counties["ld"]
    metric = a_drill_metric().key
    for params in (
        {"region": luding.region.code},
        {"department": luding.department.pk},
    ):
        assert client.get(f"{DASH}?{urlencode(params)}").status_code == 404
        assert client.get(drill(metric, **params)).status_code == 404
        assert client.get(export("department", **params)).status_code == 404
    # The same answer as a region or department that does not exist.
    assert client.get(f"{DASH}?region=999999").status_code == 404
    assert client.get(f"{DASH}?department=999999").status_code == 404


# --- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-13-40"},
        {"from": "2026-11-30", "to": "2026-11-01"},
        {"from": "2015-01-01", "to": "2026-11-01"},
    ],
)
def test_a_bad_period_is_explained_on_the_page(prefecture_supervisor, params):
    response = logged_in(prefecture_supervisor).get(f"{DASH}?{urlencode(params)}")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert response.context["error"].code in {
        "period_invalid",
        "period_reversed",
        "period_too_long",
    }


def test_an_unknown_metric_or_table_is_404(prefecture_supervisor):
    client = logged_in(prefecture_supervisor)
    assert client.get(drill("no_such_metric")).status_code == 404
    assert client.get(export("no_such_table")).status_code == 404
    undrillable = [m for m in figures.METRICS if not m.drill]
    for metric in undrillable:
        assert client.get(drill(metric.key)).status_code == 404


# --- drill-downs equal the figures -------------------------------------------------


def _linked_cells(response):
    for table in response.context["tables"]:
        for row in table.rows:
            for metric, cell in zip(table.metrics, row.cells, strict=True):
                if cell.url:
                    yield table.key, row.label, metric.key, cell


def test_every_linked_figure_drills_down_to_as_many_applications(
    prefecture_supervisor, data
):
    client = logged_in(prefecture_supervisor)
    response = client.get(DASH)
    cells = list(_linked_cells(response))
    assert cells, "no figure links to a drill-down"
    assert any(figure_count(cell) for *_, cell in cells), "every figure is zero"
    for table, label, metric, cell in cells:
        page = client.get(cell.url)
        assert page.status_code == 200, cell.url
        shown = page.context["page"].paginator.count
        assert shown == figure_count(cell), (table, label, metric)
        assert f"共 {shown} 件" in page.content.decode()


def test_county_supervisor_drill_downs_equal_their_figures(county_supervisor, data):
    client = logged_in(county_supervisor)
    for *_, cell in _linked_cells(client.get(DASH)):
        count = client.get(cell.url).context["page"].paginator.count
        assert count == figure_count(cell)


def test_the_drill_down_list_queries_do_not_grow_with_rows(
    prefecture_supervisor, make_apps, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_apps("kd", submitted=1)
    client = logged_in(prefecture_supervisor)
    metric = _received_metric()
    url = drill(metric)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).context["page"].paginator.count == 1
    make_apps("kd", submitted=4)
    make_apps("ld", submitted=2)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(url).context["page"].paginator.count == 7


def _received_metric() -> str:
    """The count of applications received (the engine's first drillable count)."""
    return next(m.key for m in figures.METRICS if m.drill and m.kind == "count")


def test_the_dashboard_queries_do_not_grow_with_departments(
    prefecture_supervisor, make_apps, counties, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_apps("kd", submitted=1)
    client = logged_in(prefecture_supervisor)
    with CaptureQueriesContext(connection) as one:
        client.get(DASH)
    make_apps("ld", submitted=3, accepted=2)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(DASH)


# --- xlsx ----------------------------------------------------------------------------


@pytest.mark.parametrize("table", ["department", "item"])
def test_the_export_has_the_pages_numbers(prefecture_supervisor, data, table):
    client = logged_in(prefecture_supervisor)
    today = timezone.localdate()
    params = {"from": (today - timedelta(days=6)).isoformat(), "to": today.isoformat()}
    page = client.get(f"{DASH}?{urlencode(params)}")
    shown = next(t for t in page.context["tables"] if t.key == table)
    response = client.get(export(table, **params))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(tuple(shown.headers))
    body = rows[header + 1 :]
    assert len(body) == len(shown.rows)
    for got, row in zip(body, shown.rows, strict=True):
        assert got[0] == row.label
        for value, cell in zip(got[1:], row.cells, strict=True):
            if cell.number is None:
                assert value == (cell.note or "—")
            else:
                assert value == pytest.approx(cell.number)
    assert any(params["from"] in str(r[0]) for r in rows[:header] if r[0])


def test_the_weekly_export_matches_the_chart_table(prefecture_supervisor, data):
    client = logged_in(prefecture_supervisor)
    page = client.get(DASH)
    weekly = page.context["weekly"][0]
    ws = load_workbook(io.BytesIO(client.get(export(weekly.key)).content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(tuple(weekly.headers))
    got = [r[1:] for r in rows[header + 1 :]]
    want = [tuple(c.number for c in r.cells) for r in weekly.rows]
    assert [tuple(v if not isinstance(v, str) else None for v in g) for g in got] == [
        tuple(v for v in w) for w in want
    ]


def test_the_chart_tables_carry_the_numbers_the_script_draws(
    prefecture_supervisor, data
):
    text = logged_in(prefecture_supervisor).get(DASH).content.decode()
    values = re.findall(r'data-value="([^"]*)"', text)
    assert values and any(v not in ("", "0") for v in values)


def test_the_dashboard_in_english(prefecture_supervisor, data):
    client = logged_in(prefecture_supervisor)
    client.cookies["django_language"] = "en"
    text = client.get(DASH, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Supervision dashboard" in text and "Export to Excel" in text
    assert "监督看板" not in text


def test_a_drill_down_of_an_unknown_item_is_404(prefecture_supervisor, data):
    client = logged_in(prefecture_supervisor)
    metric = a_drill_metric().key
    for item in ("999999", "abc", "-1"):
        assert client.get(drill(metric, item=item)).status_code == 404


def test_a_drill_down_exports_its_whole_list(prefecture_supervisor, data):
    client = logged_in(prefecture_supervisor)
    url = drill(_received_metric())
    page = client.get(url)
    assert page.context["export"] in page.content.decode().replace("&amp;", "&")
    response = client.get(f"{url}?format=xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "办件编号")
    numbers = {r[0] for r in rows[header + 1 :]}
    assert numbers == {a.number for a in page.context["page"].paginator.object_list}
    assert len(numbers) == page.context["page"].paginator.count == len(data)
