"""The guide says by when an application accepted today would be finished."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import constants as c
from catalog.guide import promise_date
from catalog.models import ServiceItemVersion
from tests.factories import published_version

pytestmark = pytest.mark.django_db

# 2026-09-30 is a Wednesday; 国庆节 is 10-01..10-07 and Saturday 10-10 a
# make-up working day: 10-08 (1), 10-09 (2), 10-10 (3, 调休), 10-12 (4), 10-13 (5).
TODAY = dt.datetime(2026, 9, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _page(client, version) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(f"/items/{version.item.basic_code}/")
    assert r.status_code == 200
    return r.content.decode(), len(ctx.captured_queries)


def test_five_working_days_across_the_national_day_holiday(client):
    version = published_version(
        promised_limit_value=5, promised_limit_unit=c.LimitUnit.WORKING_DAYS
    )
    with time_machine.travel(TODAY, tick=False):
        html, _n = _page(client, version)
        expected = promise_date(version)
    assert expected is not None
    assert expected.due == dt.date(2026, 10, 13)
    assert "如今天受理，承诺于2026年10月13日前办结" in html
    assert "/api/v1/calendar/working-days/?from=2026-09-30&amp;days=5" in html
    assert "（节假日安排以公布为准）" not in html  # 2026 is a published year


def test_natural_days_are_date_arithmetic(client):
    version = published_version(
        promised_limit_value=5, promised_limit_unit=c.LimitUnit.NATURAL_DAYS
    )
    with time_machine.travel(TODAY, tick=False):
        html, _n = _page(client, version)
    assert "如今天受理，承诺于2026年10月5日前办结" in html
    assert "/api/v1/calendar/working-days/" not in html


def test_a_provisional_year_is_marked(client):
    version = published_version(promised_limit_value=5)
    far = dt.datetime(2031, 9, 30, 10, 0, tzinfo=TODAY.tzinfo)
    with time_machine.travel(far, tick=False):
        promise = promise_date(version)
        html, _n = _page(client, version)
    assert promise is not None and promise.provisional
    assert "（节假日安排以公布为准）" in html


def test_no_promise_without_a_limit_and_for_an_immediate_item(client):
    # Publishing requires a promised limit: an older row may still lack one.
    for change in ({"promised_limit_value": None}, {"is_immediate": True}):
        version = published_version()
        ServiceItemVersion.objects.filter(pk=version.pk).update(**change)
        version.refresh_from_db()
        html, _n = _page(client, version)
        assert promise_date(version) is None
        assert "如今天受理" not in html


def test_the_guide_page_costs_at_most_one_query_more(client, monkeypatch):
    version = published_version(promised_limit_value=5)
    _page(client, version)  # warm caches (calendar)
    html, with_promise = _page(client, version)
    assert "如今天受理" in html
    monkeypatch.setattr("catalog.views.promise_date", lambda version: None)
    html, without = _page(client, version)
    assert "如今天受理" not in html
    assert with_promise <= without + 1


def test_the_promise_speaks_english():
    from django.utils import translation

    from catalog.guide import PromiseDate

    with translation.override("en"):
        promise = PromiseDate(dt.date(2026, 10, 13), True, "")
        assert promise.text == "If accepted today, finished by 2026-10-13 at the latest"
        assert "official notice" in promise.provisional_text
