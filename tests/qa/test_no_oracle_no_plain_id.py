"""An id-number form field never stores a number in plain text, whatever
shape the client sends; enterprise ids reveal nothing about enterprises
the user does not belong to; tracking survives a cache outage.

Reproductions: ``{"deceased_id_number": ["51330119500101002X"]}`` (a list),
a JSON number or an object was stored as sent, in plain text; an envelope
written by the client (``{"masked": "<the number>", "hash": ..., "encrypted":
...}``) was stored as sent too. ``POST /api/v1/applications/`` with a foreign
enterprise id answered 403 ``enterprise_member_required`` and with a missing
one 400 ``enterprise_not_found``. With Redis down, ``/track/`` and
``/api/v1/track/...`` answered 500 (the throttle counts in the cache).
"""

from __future__ import annotations

import json
import logging
import re
import socket

import pytest
from django.test import Client

from applications.models import Application
from applications.services.drafts import application_create, application_save_draft
from people.privacy import is_sealed, make_id_number, mask_id_number
from portal.errors import ServiceError
from tests.applications.factories import (
    api_client,
    applicable_version,
    citizen,
    hall_and_implementation,
)

pytestmark = pytest.mark.django_db

NUMBER = make_id_number("51330119500101002")
SCHEMA = {
    "type": "object",
    "required": ["deceased_name", "deceased_id_number"],
    "properties": {
        "deceased_name": {"type": "string", "title": "逝者姓名"},
        "deceased_id_number": {
            "type": "string",
            "title": "逝者公民身份号码",
            "format": "id-number",
        },
    },
}
SHAPES = [
    [NUMBER],
    [[NUMBER]],
    int(NUMBER[:-1]),
    float(NUMBER[:-1]),
    True,
    {"number": NUMBER},
    {"masked": NUMBER, "hash": "x", "encrypted": "not-a-token"},
]


@pytest.fixture
def impl():
    return hall_and_implementation(applicable_version(form_schema=SCHEMA))[1]


@pytest.fixture
def applicant():
    return citizen("gesang", full_name="格桑")


def _form(value) -> dict:
    return {"deceased_name": "格桑", "deceased_id_number": value}


def _no_plain_number_anywhere():
    for form_data in Application.objects.values_list("form_data", flat=True):
        assert NUMBER[:-1] not in json.dumps(form_data)


@pytest.mark.parametrize("value", SHAPES, ids=repr)
@pytest.mark.parametrize("key", [None, "fast-1"])
def test_api_refuses_an_id_number_that_is_not_text(impl, applicant, value, key):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    r = api_client(applicant).post(
        "/api/v1/applications/",
        {"implementation": impl.code, "form_data": _form(value), "submit": True},
        format="json",
        **headers,
    )
    assert r.status_code == 400, r.json()
    assert r.json()["code"] == "id_number_not_text"
    assert r.json()["field"] == "$.deceased_id_number"
    assert "逝者公民身份号码" in r.json()["detail"]
    assert not Application.objects.exists()


@pytest.mark.parametrize("value", SHAPES, ids=repr)
def test_a_draft_cannot_take_an_id_number_that_is_not_text(impl, applicant, value):
    app = application_create(
        user=applicant, implementation=impl, channel="online", form_data=_form("")
    )
    r = api_client(applicant).patch(
        f"/api/v1/applications/{app.pk}/", {"form_data": _form(value)}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "id_number_not_text"
    with pytest.raises(ServiceError) as exc:
        application_save_draft(application=app, user=applicant, form_data=_form(value))
    assert exc.value.code == "id_number_not_text"
    with pytest.raises(ServiceError):
        application_create(
            user=applicant,
            implementation=impl,
            channel="online",
            form_data=_form(value),
        )
    app.refresh_from_db()
    assert app.form_data["deceased_id_number"] == ""
    _no_plain_number_anywhere()


def test_text_is_still_sealed_and_a_kept_envelope_stays_as_it_was(impl, applicant):
    app = application_create(
        user=applicant, implementation=impl, channel="online", form_data=_form(NUMBER)
    )
    sealed = app.form_data["deceased_id_number"]
    assert is_sealed(sealed) and sealed["masked"] == mask_id_number(NUMBER)
    # The web form hands the saved envelope back when the field is left blank.
    application_save_draft(application=app, user=applicant, form_data=_form(sealed))
    app.refresh_from_db()
    assert app.form_data["deceased_id_number"] == sealed
    # An envelope of ours with its masked copy rewritten is derived again.
    forged = {**sealed, "masked": NUMBER}
    application_save_draft(application=app, user=applicant, form_data=_form(forged))
    app.refresh_from_db()
    assert app.form_data["deceased_id_number"] == sealed
    _no_plain_number_anywhere()


# --- enterprises -----------------------------------------------------------------------


def test_an_enterprise_id_answers_the_same_whether_missing_or_foreign(world):
    foreign = world.objects["enterprise"]  # citizen-a's, not citizen-b's
    api = api_client(world.users["b"])
    answers = []
    for pk in (foreign.pk, foreign.pk + 100_000):
        r = api.post(
            "/api/v1/applications/",
            {"implementation": world.objects["impl2"].code, "enterprise": pk},
            format="json",
        )
        answers.append((r.status_code, r.json()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 404 and answers[0][1]["code"] == "enterprise_not_found"
    assert answers[0][1]["field"] == "enterprise"


def _page(response, path: str) -> str:
    """The page with its own path and the per-request CSRF token blanked."""
    html = response.content.decode().replace(path, "PATH")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_the_enterprise_pages_answer_the_same_whether_missing_or_foreign(world):
    pk = world.objects["enterprise"].pk
    client = Client()
    client.force_login(world.users["b"])
    for path, method in [
        ("/accounts/enterprises/{}/", "get"),
        ("/accounts/enterprises/{}/", "post"),
        ("/accounts/enterprises/{}/members/1/revoke/", "post"),
    ]:
        foreign = getattr(client, method)(path.format(pk))
        missing = getattr(client, method)(path.format(pk + 100_000))
        assert foreign.status_code == missing.status_code == 404
        assert _page(foreign, path.format(pk)) == _page(
            missing, path.format(pk + 100_000)
        )


# --- a cache outage -----------------------------------------------------------------------


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dead_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_dead_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_tracking_works_while_the_cache_is_down(world, dead_cache, caplog):
    app = world.apps["a_submitted"]
    with caplog.at_level(logging.WARNING, logger="applications.throttling"):
        page = Client(raise_request_exception=False).get(
            "/track/", {"number": app.number, "query_code": app.query_code}
        )
        api = Client(raise_request_exception=False).get(
            f"/api/v1/track/{app.number}/", {"query_code": app.query_code}
        )
        wrong = Client(raise_request_exception=False).get(
            f"/api/v1/track/{app.number}/", {"query_code": "AAAAAAAA"}
        )
    assert page.status_code == 200 and app.version.name in page.content.decode()
    assert api.status_code == 200 and api.json()["number"] == app.number
    assert wrong.status_code == 404
    logged = " ".join(
        r.getMessage() for r in caplog.records if r.name == "applications.throttling"
    )
    assert "cache unavailable" in logged and "request allowed" in logged
    assert app.number not in logged and app.query_code not in logged
    assert "127.0.0.1" not in logged
