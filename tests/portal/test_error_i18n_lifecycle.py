"""The second pass of translated messages: acceptance, decisions, timers,
notifications, request limits, the system actor and the import summary.

Same rule as tests/portal/test_error_i18n.py: the stable code does not
change, the message is in the request's language. What is stored (history
reasons) and what is sent to the applicant (SMS, e-mail) stays in the site's
language whoever acted.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from applications import constants as c
from applications.models import StatusChange
from applications.services.notify import notification_text, sms_prefix
from applications.services.status import transition_forbidden
from applications.services.timers import application_deem_accepted
from catalog.importexport.importing import ImportResult
from portal.errors import ServiceError
from portal.system import system_user
from tests.applications.factories import (
    ApplicationFactory,
    citizen,
    clerk_at,
    hall_and_implementation,
)
from tests.applications.notify.helpers import QUERY_CODE, make_application

pytestmark = pytest.mark.django_db

S = c.ApplicationStatus
CJK = re.compile(r"[\u4e00-\u9fff]")


def _english(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world():
    hall, implementation = hall_and_implementation()
    clerk = clerk_at(hall, "clerk-i18n2")
    applicant = citizen("zhaxi-i18n2", full_name="扎西")
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant, clerk=clerk
    )
    return app, clerk, applicant


# --- services -------------------------------------------------------------------


def test_refusal_on_the_english_review_page_is_english_and_nothing_changes(world):
    app, clerk, _ = world
    r = _english(clerk).post(
        f"/counter/applications/{app.pk}/refuse/",
        {"refuse-reason": "x", "refuse-legal_basis": "法" * 301},
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "The legal basis may be at most 300 characters" in html
    app.refresh_from_db()
    assert app.status == S.SUBMITTED


def test_api_refusal_and_supplement_errors_in_english_same_codes(world):
    app, clerk, _ = world
    client = APIClient()
    client.force_authenticate(clerk)
    url = f"/api/v1/applications/{app.pk}/"

    def post(path, body, **headers):
        r = client.post(url + path, body, format="json", **headers)
        assert r.status_code == 400, r.content
        return r.json()

    english = post(
        "refuse/", {"reason": "", "legal_basis": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    chinese = post("refuse/", {"reason": "", "legal_basis": ""})
    assert english["code"] == chinese["code"] == "refusal_incomplete"
    assert english["detail"] == "A refusal must state the reason and the legal basis"
    assert chinese["detail"] == "不予受理须写明理由和法律依据"
    assert [e["code"] for e in english["errors"]] == [
        e["code"] for e in chinese["errors"]
    ]
    for item in english["errors"]:
        assert not CJK.search(item["detail"]), item
    english = post(
        "notify-supplement/",
        {"items": [{"material_id": 0, "problem": ""}]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english["code"] == "supplement_invalid"
    assert [e["code"] for e in english["errors"]] == [
        "material_unknown",
        "problem_required",
    ]
    assert english["detail"] == "The one-time notice has errors"
    app.refresh_from_db()
    assert app.status == S.SUBMITTED


def test_forbidden_transition_and_timer_refusal_in_english(world):
    app, _, _ = world
    with translation.override("en"):
        error = transition_forbidden(S.DRAFT, S.CLOSED)
        assert error.code == "transition_forbidden"
        assert str(error.detail) == (
            "The application cannot go from “Draft” to “Completed and archived”"
        )
        with pytest.raises(ServiceError) as caught:
            application_deem_accepted(application=app, today=app.acceptance_due)
    assert caught.value.code == "acceptance_window_open"
    assert caught.value.detail.startswith(
        "The acceptance review period has not ended yet"
    )
    assert not CJK.search(caught.value.detail)
    with translation.override("zh-hans"), pytest.raises(ServiceError) as caught:
        application_deem_accepted(application=app, today=app.acceptance_due)
    assert caught.value.detail.startswith("受理审查期限尚未届满，不能视为受理（期限至")


def test_a_deemed_acceptance_stores_the_chinese_basis_whatever_is_active(world):
    app, _, _ = world
    with translation.override("en"):
        application_deem_accepted(
            application=app, today=app.acceptance_due + dt.timedelta(days=1)
        )
    reason = StatusChange.objects.get(application=app, to_status=S.ACCEPTED).reason
    assert reason.startswith("依据《中华人民共和国行政许可法》第三十二条")


# --- notifications ----------------------------------------------------------------


@pytest.mark.parametrize("event", [S.SUBMITTED, S.ACCEPTED, S.REFUSED, S.WITHDRAWN])
def test_notifications_are_in_the_sites_language_whoever_acts(event):
    application = make_application()
    application.refusal_reason = "材料不符合要求"
    application.accepted_at = dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)
    chinese = notification_text(application=application, event=event)
    with translation.override("en"):  # a clerk on the English pages
        assert notification_text(application=application, event=event) == chinese
        assert sms_prefix() == f"【{settings.SITE_NAME}】"
    subject, body = chinese
    assert subject.startswith(f"【{settings.SITE_NAME}】")
    assert f"查询码：{QUERY_CODE}" in body


def test_a_notification_can_be_written_in_english():
    application = make_application()
    application.accepted_at = dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)
    application.promised_date = dt.date(2026, 3, 16)
    subject, body = notification_text(
        application=application, event=S.ACCEPTED, language="en"
    )
    assert subject == (
        f"[{settings.SITE_NAME_EN}] Notice of acceptance ({application.number})"
    )
    assert (
        f"Hello! Your application for “{application.version.name}” was accepted" in body
    )
    assert "was accepted on March 2, 2026." in body
    assert "Promised completion date: March 16, 2026." in body
    assert f"Query code: {QUERY_CODE}" in body
    assert "Track an application" in body
    item = application.version.name
    for line in body.replace(item, "").splitlines():
        assert not CJK.search(line), line
    assert sms_prefix("en") == f"[{settings.SITE_NAME_EN}] "


# --- request limits ----------------------------------------------------------------


def test_request_limits_answer_in_the_requests_language():
    client = APIClient()
    url = "/api/v1/catalog/items/"
    english = client.get(url, {"q\x00": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(url, {"q\x00": "1"})
    assert english.status_code == chinese.status_code == 400
    assert english.json()["code"] == chinese.json()["code"] == "invalid_character"
    assert english.json()["detail"] == (
        "The query parameter q contains a character that is not allowed"
    )
    assert chinese.json()["detail"] == "查询参数 q 含有不允许的字符"
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    r = client.post(
        "/api/v1/applications/",
        big,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 413
    assert r.json()["code"] == "request_too_large"
    assert r.json()["detail"].startswith("The request is too large (about ")
    r = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.json() == {"code": "not_found", "detail": "Not found"}


# --- the system actor and the import summary ------------------------------------------


def test_the_system_actor_is_stored_in_chinese_and_shown_in_the_language():
    with translation.override("en"):
        user = system_user()
        assert str(user) == "System"
    user.refresh_from_db()
    assert user.display_name == "系统"
    with translation.override("zh-hans"):
        assert str(user) == "系统"


def test_the_import_summary_is_translated():
    result = ImportResult(created=["a"], updated=["b", "c"], material_rows=4)
    with translation.override("zh-hans"):
        assert result.summary == (
            "新建事项1个，更新草稿2个，新建草稿0个，无变化0个，材料4行"
        )
    with translation.override("en"):
        assert result.summary == (
            "1 new items, 2 drafts updated, 0 new drafts, 0 unchanged, 4 material rows"
        )
