"""Sessions that end: 30 minutes idle / 12 hours for staff, 2 hours idle for
citizens, enforced on the server (the cookie alone proves nothing)."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal import session_policy
from tests.factories import UserFactory

from .otp import enrol, totp_code

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"
MINUTE = timezone.timedelta(minutes=1)


@pytest.fixture
def clerk():
    return UserFactory(username="clerk-s", roles=["clerk"])


@pytest.fixture
def citizen():
    return UserFactory(username="citizen-s", roles=["applicant"])


def _logged_in(client) -> bool:
    r = client.get(PROFILE)
    return r.status_code == 200


def test_staff_session_ends_after_30_idle_minutes(clerk):
    start = timezone.now()
    client = Client()
    with time_machine.travel(start):
        client.force_login(clerk)
    with time_machine.travel(start + 29 * MINUTE):
        assert _logged_in(client)
    # Activity moved the clock: 29 more minutes are fine ...
    with time_machine.travel(start + 58 * MINUTE):
        assert _logged_in(client)
    # ... 30 idle minutes are not.
    with time_machine.travel(start + 88 * MINUTE):
        r = client.get(PROFILE)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert SESSION_KEY not in client.session
    # The server-side row is gone: replaying the old cookie does not help.
    assert not Session.objects.filter(session_key=client.cookies["sessionid"].value)


def test_staff_session_ends_after_12_hours_however_busy(clerk):
    start = timezone.now()
    client = Client()
    with time_machine.travel(start):
        client.force_login(clerk)
    for step in range(1, 29):  # every 25 minutes for 11 hours 40
        with time_machine.travel(start + 25 * step * MINUTE):
            assert _logged_in(client)
    with time_machine.travel(start + 11 * 60 * MINUTE + 55 * MINUTE):
        assert _logged_in(client)
    with time_machine.travel(start + 12 * 60 * MINUTE + MINUTE):
        assert not _logged_in(client)


def test_citizen_session_lasts_two_idle_hours(citizen):
    start = timezone.now()
    client = Client()
    with time_machine.travel(start):
        client.force_login(citizen)
    with time_machine.travel(start + 119 * MINUTE):
        assert _logged_in(client)
    with time_machine.travel(start + 119 * MINUTE + 120 * MINUTE):
        assert not _logged_in(client)


def test_the_expired_page_says_why(citizen):
    start = timezone.now()
    client = Client()
    with time_machine.travel(start):
        client.force_login(citizen)
    with time_machine.travel(start + 3 * 60 * MINUTE):
        r = client.get(PROFILE, follow=True)
    assert "登录已超时" in r.content.decode()


def test_limits_are_settings(citizen, settings):
    settings.SESSION_CITIZEN_IDLE = 5 * MINUTE
    start = timezone.now()
    client = Client()
    with time_machine.travel(start):
        client.force_login(citizen)
    with time_machine.travel(start + 6 * MINUTE):
        assert not _logged_in(client)


def test_the_real_login_flow_starts_the_clocks(clerk):
    device = enrol(clerk)
    start = timezone.now()
    client = Client()
    # Frozen: password hashing on a loaded machine may take over a second.
    with time_machine.travel(start, tick=False):
        client.post(
            "/accounts/login/", {"username": "clerk-s", "password": "Demo-pass-2026"}
        )
        client.post("/accounts/login/verify/", {"code": totp_code(device)})
        session = client.session
        assert session[SESSION_KEY] == str(clerk.pk)
        assert session[session_policy.STAFF] is True
        assert session[session_policy.LOGIN_AT] == int(start.timestamp())
    with time_machine.travel(start + 31 * MINUTE):
        assert not _logged_in(client)


def test_a_busy_page_costs_no_session_write(citizen):
    client = Client()
    client.force_login(citizen)
    client.get("/")
    # Within the minute: no UPDATE of the session row on any request.
    before = Session.objects.get().expire_date
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=10)):
        with CaptureQueriesContext(connection) as queries:
            client.get("/accounts/authorizations/")
        assert not [
            q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]
        ]
        assert Session.objects.get().expire_date == before
    with time_machine.travel(timezone.now() + 2 * MINUTE):
        client.get("/")
        assert Session.objects.get().expire_date > before


def test_a_session_without_the_stamps_is_ended(citizen):
    client = Client()
    client.force_login(citizen)
    session = client.session
    del session[session_policy.LOGIN_AT]
    session.save()
    assert not _logged_in(client)


def test_an_anonymous_session_is_left_alone():
    client = Client()
    client.get("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200
