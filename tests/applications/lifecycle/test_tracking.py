"""Public tracking shows what the timers did, without personal data."""

import datetime as dt

import pytest
import time_machine

from applications.services.timers import (
    applications_deem_overdue,
    supplements_close_lapsed,
)

pytestmark = pytest.mark.django_db

SUBMIT_AT = dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC)


def _track(client, app):
    return client.get(
        "/track/", {"number": app.number, "query_code": app.query_code}
    ).content.decode()


def test_deemed_acceptance_is_named_on_the_public_page_and_api(client, make):
    with time_machine.travel(SUBMIT_AT, tick=False):
        app = make(submitted=True)
    with time_machine.travel(dt.datetime(2026, 10, 14, 2, tzinfo=dt.UTC), tick=False):
        applications_deem_overdue()
    html = _track(client, app)
    assert "视为受理" in html
    assert "依法视为自收到申请材料之日起受理" in html
    data = client.get(
        f"/api/v1/track/{app.number}/", {"query_code": app.query_code}
    ).json()
    assert data["acceptance_deemed"] is True
    assert [e["label"] for e in data["timeline"]] == ["已提交", "视为受理"]


def test_supplement_due_then_lapse_on_the_public_page(client, make):
    with time_machine.travel(SUBMIT_AT, tick=False):
        app = make(supplement=True)
        html = _track(client, app)
    assert "补正期限" in html and "2026-10-20" in html
    with time_machine.travel(dt.datetime(2026, 10, 21, 2, tzinfo=dt.UTC), tick=False):
        supplements_close_lapsed()
    html = _track(client, app)
    assert "逾期未补正，办理终止" in html
    assert "2026-10-20" not in html  # no open notice any more
