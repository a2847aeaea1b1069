"""GET /api/v1/calendar/working-days/: the public working-day calculator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from portal import workcalendar
from portal.api.throttling import CalendarThrottle
from portal.models import CalendarSource
from portal.workcalendar import calendar_days_set, current

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calendar_seeded")]

URL = "/api/v1/calendar/working-days/"
IP = "203.0.113.91"


@pytest.fixture(autouse=True)
def _fresh():
    cache.delete(f"throttle_calendar_{IP}")
    workcalendar.forget_cached()
    yield
    cache.delete(f"throttle_calendar_{IP}")


@pytest.fixture
def api():
    return APIClient(REMOTE_ADDR=IP)


def test_the_national_day_example(api):
    response = api.get(URL, {"from": "2026-09-30", "days": "5"})
    assert response.status_code == 200
    body = response.json()
    assert body["from"] == "2026-09-30"
    assert body["days"] == 5
    assert body["due"] == "2026-10-13"
    assert body["provisional"] is False
    assert body["revision"] == current().revision
    assert body["counted"] == [
        "2026-10-08",
        "2026-10-09",
        "2026-10-10",
        "2026-10-12",
        "2026-10-13",
    ]
    assert {"date": "2026-10-01", "note": "国庆节"} in body["skipped"]
    assert body["explanation"][0] == "自2026年9月30日起算（当日不计入），计5个工作日。"
    assert "截止日期：2026年10月13日（当日结束前）。" in body["explanation"]


def test_into_2027_is_provisional(api):
    body = api.get(URL, {"from": "2026-12-30", "days": "5"}).json()
    assert (body["due"], body["provisional"]) == ("2027-01-07", True)
    assert body["explanation"][-1].startswith("其中有尚未公布放假安排的年份")


def test_a_local_holiday_shows_in_the_answer_at_once(api):
    before = api.get(URL, {"from": "2027-02-04", "days": "1"}).json()
    assert before["due"] == "2027-02-09"
    revision = calendar_days_set(
        actor=None,
        entries=[(dt.date(2027, 2, 9), False, CalendarSource.LOCAL, "藏历新年")],
        summary="藏历新年",
        today=dt.date(2026, 12, 3),
    )
    after = api.get(URL, {"from": "2027-02-04", "days": "1"}).json()
    assert (after["due"], after["revision"]) == ("2027-02-10", revision)
    assert {"date": "2027-02-09", "note": "藏历新年"} in after["skipped"]


def test_zero_days_is_the_start_day(api):
    body = api.get(URL, {"from": "2026-03-06", "days": "0"}).json()
    assert (body["due"], body["counted"], body["skipped"]) == ("2026-03-06", [], [])


def test_english_is_answered_in_english(api):
    body = api.get(
        URL, {"from": "2026-09-30", "days": "5"}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert body["explanation"][0].startswith("Counted from")
    assert {"date": "2026-10-01", "note": "National Day"} in body["skipped"]


@pytest.mark.parametrize(
    "value",
    ["", "2026-02-30", "2026/09/30", "20260930", "30-09-2026", "x", "2026-9-3"],
)
def test_an_invalid_date_is_refused(api, value):
    response = api.get(URL, {"from": value, "days": "5"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_date",
        "detail": "起算日应为有效日期，格式 YYYY-MM-DD",
        "field": "from",
    }


def test_a_missing_date_is_refused(api):
    response = api.get(URL, {"days": "5"})
    assert (response.status_code, response.json()["code"]) == (400, "invalid_date")


def test_a_count_past_the_last_date_is_refused(api):
    response = api.get(URL, {"from": "9999-12-25", "days": "10"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_date"


@pytest.mark.parametrize("value", ["", "-1", "366", "1.5", "abc", "99999", " 5"])
def test_an_invalid_count_is_refused(api, value):
    response = api.get(URL, {"from": "2026-09-30", "days": value})
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_days", "days")
    assert body["detail"] == "工作日数应为 0 至 365 的整数"


def test_the_largest_count_is_answered(api):
    response = api.get(URL, {"from": "2026-01-01", "days": "365"})
    assert response.status_code == 200
    assert len(response.json()["counted"]) == 365


def test_anyone_may_ask_and_a_token_is_not_needed(api, django_user_model):
    user = django_user_model.objects.create_user("someone", password="x")
    api.force_authenticate(user)
    assert api.get(URL, {"from": "2026-09-30", "days": "5"}).status_code == 200
    anonymous = APIClient(REMOTE_ADDR=IP)
    assert anonymous.get(URL, {"from": "2026-09-30", "days": "5"}).status_code == 200


def test_only_get(api):
    response = api.post(URL, {"from": "2026-09-30", "days": "5"})
    assert response.status_code == 405


def test_the_calculator_is_throttled_per_address(api, monkeypatch):
    monkeypatch.setattr(CalendarThrottle, "rate", "2/min")
    query = {"from": "2026-09-30", "days": "5"}
    statuses = [api.get(URL, query).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    last = api.get(URL, query)
    assert last.json()["code"] == "throttled"
    assert 0 < int(last["Retry-After"]) <= 60
    other = APIClient(REMOTE_ADDR="203.0.113.92")
    assert other.get(URL, query).status_code == 200
    cache.delete("throttle_calendar_203.0.113.92")


def test_the_schema_describes_the_calculator(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"from", "days"}
    assert set(operation["responses"]) == {"200", "400", "429"}
    props = schema["components"]["schemas"]["CalendarWorkingDays"]["properties"]
    assert set(props) == {
        "from",
        "days",
        "due",
        "provisional",
        "revision",
        "explanation",
        "counted",
        "skipped",
    }
