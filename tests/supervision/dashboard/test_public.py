"""The public report: /performance/ and GET /api/v1/performance/monthly/.
Anyone may read them; no personal data; figures on fewer than 5
applications are shown as suppressed."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from supervision import dashboard
from supervision.figures import reading

pytestmark = pytest.mark.django_db

PAGE = reverse("supervision:performance")
API = reverse("supervision_api:performance-monthly")


@pytest.fixture
def month():
    today = timezone.localdate()
    return {"year": today.year, "month": today.month}


@pytest.fixture
def made(make_apps):
    """Kangding receives 6 applications (published), Luding 2 (suppressed)."""
    return make_apps("kd", submitted=3, accepted=1, delivered=2) + make_apps(
        "ld", submitted=1, accepted=1
    )


def test_the_threshold_is_the_engines():
    assert dashboard.SUPPRESS_BELOW == reading.SUPPRESS_BELOW == 5


def test_the_page_shows_big_cells_and_suppresses_small_ones(
    client, counties, made, month
):
    response = client.get(PAGE, month)
    assert response.status_code == 200
    (shown_month, rows) = response.context["report"].months[0]
    by_name = {r.label: r for r in rows}
    kd = by_name[counties["kd"].department.name]
    ld = by_name[counties["ld"].department.name]
    metrics = [m.key for m in response.context["report"].metrics]
    received = metrics.index("received")
    assert kd.cells[received].number == 6 and not kd.cells[received].suppressed
    assert ld.cells[received].suppressed and ld.cells[received].number is None
    text = response.content.decode()
    assert "不公布" in text and "样本不足5件" in text


def test_no_personal_data_on_the_page_or_in_the_api(client, made, month):
    text = client.get(PAGE, month).content.decode()
    body = json.dumps(client.get(API, month).json(), ensure_ascii=False)
    for app in made:
        for secret in (app.number, app.applicant.display_name, "13800001111"):
            assert secret and secret not in text and secret not in body


def test_the_api_rows_and_suppressed_cells(client, counties, made, month):
    response = client.get(API, month)
    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["month"], body["suppress_below"]) == (
        month["year"],
        month["month"],
        5,
    )
    rows = {r["department"]["id"]: r for r in body["rows"]}
    kd = rows[counties["kd"].department.pk]["values"]
    ld = rows[counties["ld"].department.pk]["values"]
    assert kd["received"] == {"value": 6, "denominator": None, "suppressed": False}
    assert ld["received"] == {"value": None, "denominator": None, "suppressed": True}
    # A rate is published only on at least 5 in its denominator.
    for values in (kd, ld):
        for key, value in values.items():
            if value["denominator"] is not None:
                assert value["denominator"] >= 5, key
            if value["suppressed"]:
                assert value["value"] is None


def test_a_whole_year_lists_its_months(client, made, month):
    body = client.get(API, {"year": month["year"]}).json()
    assert body["month"] is None
    assert {r["month"] for r in body["rows"]} == {
        f"{month['year']}-{month['month']:02d}"
    }


@pytest.mark.parametrize(
    "params", [{"year": "abc"}, {"year": 2026, "month": 13}, {"year": 1900}]
)
def test_bad_years_and_months(client, params):
    response = client.get(API, params)
    assert response.status_code == 400
    assert response.json()["code"] == "period_invalid"
    page = client.get(PAGE, params)
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()


def test_signed_in_users_read_the_same(head, made, month):
    client = Client()
    client.force_login(head)
    assert client.get(PAGE, month).status_code == 200
