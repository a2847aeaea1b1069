"""GET /api/v1/supervision/summary/: supervisors only, their county only,
stable codes for bad input, every drill-down URL listing as many
applications as its count."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import reverse

from tests.applications.factories import api_client

from .conftest import logged_in

pytestmark = pytest.mark.django_db

URL = reverse("supervision_api:supervision-summary")


def get(user, **params):
    client = api_client(user)
    return client.get(f"{URL}?{urlencode(params)}" if params else URL)


def test_anonymous_and_non_supervisors_are_refused(client, head):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    response = get(head)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_rows_per_department_with_totals_and_drill_downs(
    prefecture_supervisor, counties, data
):
    response = get(prefecture_supervisor)
    assert response.status_code == 200
    body = response.json()
    names = {row["department"]["name"] for row in body["rows"]}
    assert {c.department.name for c in counties.values()} <= names
    assert body["totals"]["department"]["id"] is None
    keys = {m["key"] for m in body["metrics"]}
    assert set(body["totals"]["values"]) == keys
    drillable = {m["key"] for m in body["metrics"] if m["drill"]}
    kinds = {m["key"]: m["kind"] for m in body["metrics"]}
    web = logged_in(prefecture_supervisor)
    checked = 0
    for row in [*body["rows"], body["totals"]]:
        for key, value in row["values"].items():
            if value["drilldown"] is None:
                assert key not in drillable or value["value"] is None
                continue
            parts = urlsplit(value["drilldown"])
            page = web.get(f"{parts.path}?{parts.query}")
            kind = kinds[key]
            want = value["numerator"] if kind in ("rate", "share") else value["value"]
            assert page.context["page"].paginator.count == want
            checked += 1
    assert checked


def test_a_county_supervisor_gets_their_county_and_404_elsewhere(
    county_supervisor, counties, data
):
    body = get(county_supervisor).json()
    names = {row["department"]["name"] for row in body["rows"]}
    assert counties["kd"].department.name in names
    assert counties["ld"].department.name not in names
    luding = counties["ld"]
    response = get(county_supervisor, region=luding.region.code)
    assert response.status_code == 404
    assert response.json()["code"] == "region_unknown"
    response = get(county_supervisor, department=luding.department.pk)
    assert response.status_code == 404
    assert response.json()["code"] == "department_unknown"
    # Exactly as for ones that do not exist: no oracle.
    assert get(county_supervisor, region="999999").json()["code"] == "region_unknown"
    assert get(county_supervisor, department=999999).status_code == 404
    assert get(county_supervisor, department="abc").status_code == 404


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "yesterday"}, "period_invalid"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "period_reversed"),
        ({"from": "2015-01-01", "to": "2026-11-01"}, "period_too_long"),
    ],
)
def test_bad_periods_have_stable_codes(prefecture_supervisor, params, code):
    response = get(prefecture_supervisor, **params)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_the_period_and_filters_are_echoed(prefecture_supervisor, counties, data):
    kd = counties["kd"]
    body = get(
        prefecture_supervisor,
        **{"from": "2026-01-01", "to": "2026-01-31", "department": kd.department.pk},
    ).json()
    assert body["period"] == {"from": "2026-01-01", "to": "2026-01-31"}
    assert body["department"] == kd.department.pk
