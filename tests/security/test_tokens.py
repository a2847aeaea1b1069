"""API tokens that end: per login, expiring, listed and revoked by their owner."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from portal import tokens
from portal.models import ApiToken, AuditEntry
from tests.factories import UserFactory

from .otp import enrol, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "Demo-pass-2026"
TOKEN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
PROBE = "/api/v1/auth/tokens/"  # any endpoint that needs a login
MINUTE = timezone.timedelta(minutes=1)


@pytest.fixture
def citizen():
    return UserFactory(username="tok-citizen", roles=["applicant"])


@pytest.fixture
def other():
    return UserFactory(username="tok-other", roles=["applicant"])


def _login(username="tok-citizen", **extra) -> dict:
    r = APIClient().post(
        TOKEN,
        {"username": username, "password": PASSWORD, **extra},
        format="json",
        HTTP_USER_AGENT="GanziApp/2.1 (Android)",
    )
    assert r.status_code == 200, r.content
    return r.json()


def _client(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_owner_lists_their_live_tokens(citizen, other):
    first, second = _login(), _login()
    _login("tok-other")
    r = _client(second["token"]).get(TOKENS)
    assert r.status_code == 200
    rows = r.json()["results"]
    assert [row["id"] for row in rows] == [second["id"], first["id"]]
    assert [row["current"] for row in rows] == [True, False]
    assert rows[0]["client"] == "GanziApp/2.1 (Android)"
    assert set(rows[0]) == {"id", "created", "expiry", "ends_at", "client", "current"}
    # The key is never listed.
    assert second["token"] not in r.content.decode()


def test_owner_revokes_a_token_and_it_stops_working(citizen):
    phone, kiosk = _login(), _login()
    r = _client(kiosk["token"]).delete(f"{TOKENS}{phone['id']}/")
    assert r.status_code == 204
    r = _client(phone["token"]).get(PROBE)
    assert r.status_code == 401
    assert r.json()["code"] == "authentication_failed"
    assert _client(kiosk["token"]).get(PROBE).status_code == 200
    entry = AuditEntry.objects.get(action="api_token.revoked")
    assert entry.object_id == str(phone["id"]) and entry.actor_id == citizen.pk


def test_another_users_token_is_not_found(citizen, other):
    mine, theirs = _login(), _login("tok-other")
    api = _client(mine["token"])
    for path in (f"{TOKENS}{theirs['id']}/", f"{TOKENS}999999/", f"{TOKENS}abc/"):
        r = api.delete(path)
        assert r.status_code == 404, path
        assert r.json()["code"] == "not_found"
    assert _client(theirs["token"]).get(PROBE).status_code == 200
    assert ApiToken.objects.filter(pk=theirs["id"]).exists()


def test_token_endpoints_need_a_login(db):
    api = APIClient()
    assert api.get(TOKENS).status_code == 401
    assert api.delete(f"{TOKENS}1/").status_code == 401
    assert api.post(REFRESH).status_code == 401
    assert api.post(LOGOUT).status_code == 401


def test_a_session_user_may_list_and_revoke_too(citizen):
    token = _login()
    api = APIClient()
    api.force_login(citizen)
    assert [row["id"] for row in api.get(TOKENS).json()["results"]] == [token["id"]]
    assert api.delete(f"{TOKENS}{token['id']}/").status_code == 204
    assert _client(token["token"]).get(PROBE).status_code == 401


def test_logout_ends_the_token_used_and_no_other(citizen):
    phone, kiosk = _login(), _login()
    assert _client(phone["token"]).post(LOGOUT).status_code == 204
    assert _client(phone["token"]).get(PROBE).status_code == 401
    assert _client(kiosk["token"]).get(PROBE).status_code == 200
    assert not ApiToken.objects.filter(pk=phone["id"]).exists()


def test_logout_with_a_session_ends_the_session(citizen):
    api = APIClient()
    api.force_login(citizen)
    assert api.post(LOGOUT).status_code == 204
    assert api.get(TOKENS).status_code in (401, 403)


def test_a_citizen_token_expires_after_two_idle_hours(citizen):
    start = timezone.now()
    with time_machine.travel(start):
        token = _login()
    with time_machine.travel(start + 121 * MINUTE):
        r = _client(token["token"]).get(PROBE)
    assert r.status_code == 401
    assert r.json()["code"] == "token_expired"
    assert r["WWW-Authenticate"] == "Token"
    assert not ApiToken.objects.filter(pk=token["id"]).exists()


def test_use_keeps_a_token_alive_until_its_latest_end(citizen, settings):
    settings.API_TOKEN_CITIZEN_MAX_AGE = timezone.timedelta(hours=5)
    start = timezone.now()
    with time_machine.travel(start):
        token = _login()
    api = _client(token["token"])
    for hour in range(1, 5):
        with time_machine.travel(start + hour * 60 * MINUTE):
            assert api.get(PROBE).status_code == 200
    with time_machine.travel(start + 5 * 60 * MINUTE + MINUTE):
        r = api.get(PROBE)
    assert r.status_code == 401 and r.json()["code"] == "token_expired"


def test_a_staff_token_lasts_30_idle_minutes_and_12_hours(db):
    clerk = UserFactory(username="tok-clerk", roles=["clerk"])
    device = enrol(clerk)
    start = timezone.now()
    with time_machine.travel(start):
        token = _login("tok-clerk", otp_code=totp_code(device))
    row = ApiToken.objects.get(pk=token["id"])
    assert row.idle_seconds == 30 * 60
    lifetime = row.ends_at - row.created
    assert abs(lifetime - timezone.timedelta(hours=12)).total_seconds() < 1
    with time_machine.travel(start + 31 * MINUTE):
        assert _client(token["token"]).get(PROBE).status_code == 401


def test_refresh_moves_expiry_but_never_past_the_end(citizen, settings):
    settings.API_TOKEN_CITIZEN_MAX_AGE = timezone.timedelta(hours=3)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = _login()
    api = _client(token["token"])
    with time_machine.travel(start + 100 * MINUTE, tick=False):
        r = api.post(REFRESH)
    assert r.status_code == 200
    row = ApiToken.objects.get(pk=token["id"])
    assert row.expiry == start + 220 * MINUTE - (220 - 180) * MINUTE  # capped
    assert r.json()["ends_at"] == r.json()["expiry"]
    with time_machine.travel(start + 181 * MINUTE):
        assert api.post(REFRESH).status_code == 401


def test_refresh_needs_a_token_not_a_session(citizen):
    api = APIClient()
    api.force_login(citizen)
    r = api.post(REFRESH)
    assert r.status_code == 400 and r.json()["code"] == "token_required"


def test_a_deactivated_user_s_token_is_refused(citizen):
    token = _login()
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert _client(token["token"]).get(PROBE).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token a b",
        "Token nonsense",
        "Token " + "g" * 64,
        "Token " + "0" * 64,
        "Token " + "a" * 63,
    ],
)
def test_malformed_or_unknown_keys_are_401(db, header):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header)
    r = api.get(PROBE)
    assert r.status_code == 401
    assert r.json()["code"] == "authentication_failed"


def test_a_key_matching_only_the_prefix_is_refused(citizen):
    token = _login()
    forged = token["token"][:15] + "0" * 49
    assert _client(forged).get(PROBE).status_code == 401


def test_authentication_is_one_query_and_slides_at_most_once_a_minute(citizen):
    token = _login()
    api = _client(token["token"])
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/v1/catalog/regions/")
    touching = [q["sql"] for q in queries if "portal_apitoken" in q["sql"]]
    assert len(touching) == 1 and touching[0].startswith("SELECT")
    later = time_machine.travel(timezone.now() + 2 * MINUTE)
    with later, CaptureQueriesContext(connection) as queries:
        api.get("/api/v1/catalog/regions/")
    touching = [q["sql"] for q in queries if "portal_apitoken" in q["sql"]]
    assert len(touching) == 2 and touching[1].startswith("UPDATE")


def test_login_drops_the_user_s_expired_tokens(citizen):
    start = timezone.now()
    with time_machine.travel(start):
        old = _login()
    with time_machine.travel(start + 3 * 60 * MINUTE):
        new = _login()
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [new["id"]]
    assert old["id"] != new["id"]


def test_issue_caps_expiry_by_the_latest_end(citizen, settings):
    settings.API_TOKEN_CITIZEN_MAX_AGE = timezone.timedelta(minutes=10)
    token, _key = tokens.api_token_issue(user=citizen)
    assert token.expiry == token.ends_at
    assert (token.ends_at - token.created) < timezone.timedelta(minutes=11)
