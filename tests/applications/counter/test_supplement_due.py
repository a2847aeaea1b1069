"""The supplement due date: default, the clerk's choice within limits, stored."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine

from applications import constants as c
from applications.documents import supplement_due
from applications.models import SupplementNotice
from applications.services.acceptance import application_request_supplement
from applications.services.time_limits import (
    supplement_due_default,
    supplement_due_latest,
)
from portal.errors import ServiceError
from tests.applications.factories import ApplicationFactory, api_client

from .helpers import logged_in, pdf_text


@pytest.mark.django_db  # the working days come from the calendar table
def test_default_supplement_due_follows_the_configured_working_days(settings):
    # Issued Wednesday 2026-09-30; 1-8 October are the National Day holiday.
    issued = dt.date(2026, 9, 30)
    settings.SUPPLEMENT_DUE_WORKING_DAYS = 5
    assert supplement_due_default(issued) == (dt.date(2026, 10, 13), False)
    settings.SUPPLEMENT_DUE_WORKING_DAYS = 10
    assert supplement_due_default(issued)[0] > dt.date(2026, 10, 13)
    settings.SUPPLEMENT_DUE_MAX_WORKING_DAYS = 5
    assert supplement_due_latest(issued) == dt.date(2026, 10, 13)


def test_printed_due_date_is_the_stored_one_whatever_the_setting_says_now(settings):
    notice = SimpleNamespace(
        issued_at=dt.datetime(2026, 9, 30, 3, tzinfo=dt.UTC),
        due_date=dt.date(2026, 10, 20),
        due_provisional=False,
    )
    settings.SUPPLEMENT_DUE_WORKING_DAYS = 5
    assert supplement_due(notice) == (dt.date(2026, 10, 20), False)


# --- the clerk chooses it within limits (service, desk page, API, PDF) ------------


TODAY = dt.date(2026, 9, 30)  # + 10 working days = 2026-10-20; + 30 = 2026-11-17
NOW = dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC)


@pytest.fixture
def submitted(implementation, applicant):
    with time_machine.travel(NOW, tick=False):
        return ApplicationFactory(
            submitted=True, implementation=implementation, applicant=applicant
        )


def _items(application):
    am = application.materials.first()
    return [{"material_id": am.material_id, "problem": "照片不清晰"}]


def _post(client, application, due: str):
    am = application.materials.first()
    return client.post(
        f"/counter/applications/{application.pk}/notice/",
        {
            f"notice-pick_{am.material_id}": "on",
            f"notice-problem_{am.material_id}": "照片不清晰",
            "notice-due_date": due,
        },
    )


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_service_stores_the_default_or_the_clerks_date(submitted, clerk, settings):
    notice = application_request_supplement(
        application=submitted, clerk=clerk, items=_items(submitted)
    )
    assert (notice.due_date, notice.due_provisional) == (dt.date(2026, 10, 20), False)
    # Today itself and the last allowed day are within the limits.
    for due in (TODAY, dt.date(2026, 11, 17)):
        SupplementNotice.objects.all().delete()
        type(submitted).objects.filter(pk=submitted.pk).update(
            status=c.ApplicationStatus.SUBMITTED
        )
        notice = application_request_supplement(
            application=submitted, clerk=clerk, items=_items(submitted), due_date=due
        )
        assert SupplementNotice.objects.get(pk=notice.pk).due_date == due


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("due", "code", "words"),
    [
        (dt.date(2026, 9, 29), "supplement_due_past", "补正期限不能早于今天"),
        (
            dt.date(2026, 11, 18),
            "supplement_due_too_late",
            "补正期限最迟为2026年11月17日（30个工作日）",
        ),
    ],
)
def test_service_refuses_a_past_or_too_late_date(submitted, clerk, due, code, words):
    with pytest.raises(ServiceError) as exc:
        application_request_supplement(
            application=submitted, clerk=clerk, items=_items(submitted), due_date=due
        )
    assert (exc.value.code, exc.value.field, exc.value.detail) == (
        code,
        "due_date",
        words,
    )
    submitted.refresh_from_db()
    assert submitted.status == c.ApplicationStatus.SUBMITTED
    assert not SupplementNotice.objects.exists()


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_desk_offers_the_default_and_the_limits(submitted, clerk):
    html = logged_in(clerk).get(f"/counter/applications/{submitted.pk}/").content
    html = html.decode()
    assert 'name="notice-due_date"' in html
    assert 'value="2026-10-20"' in html
    assert 'min="2026-09-30"' in html and 'max="2026-11-17"' in html
    assert "默认2026-10-20；可选今天至2026-11-17" in html


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("due", "words"),
    [("2026-09-01", "补正期限不能早于今天"), ("2027-01-04", "补正期限最迟为")],
)
def test_desk_refuses_a_bad_date_beside_the_field(submitted, clerk, due, words):
    r = _post(logged_in(clerk), submitted, due)
    html = r.content.decode()
    assert r.status_code == 400
    assert words in html
    assert 'id="id_notice-due_date_error"' in html
    submitted.refresh_from_db()
    assert submitted.status == c.ApplicationStatus.SUBMITTED
    assert not SupplementNotice.objects.exists()


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_desk_stores_the_chosen_date_and_the_pdf_prints_it(submitted, clerk, settings):
    client = logged_in(clerk)
    r = _post(client, submitted, "2026-10-30")
    assert r.status_code == 302
    assert SupplementNotice.objects.get().due_date == dt.date(2026, 10, 30)
    # A later change of the default does not change the notice.
    settings.SUPPLEMENT_DUE_WORKING_DAYS = 3
    text = pdf_text(
        client.get(f"/counter/applications/{submitted.pk}/notice.pdf").content
    )
    assert "2026年10月30日" in text


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_api_takes_the_date_and_refuses_a_past_one(submitted, clerk):
    client = api_client(clerk)
    url = f"/api/v1/applications/{submitted.pk}/notify-supplement/"
    r = client.post(
        url, {"items": _items(submitted), "due_date": "2026-09-01"}, format="json"
    )
    assert r.status_code == 400
    assert r.json()["code"] == "supplement_due_past"
    assert r.json()["field"] == "due_date"
    r = client.post(
        url, {"items": _items(submitted), "due_date": "2026-10-23"}, format="json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["supplement_notices"][0]["due_date"] == "2026-10-23"
