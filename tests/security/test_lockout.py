"""Login lockout: user name and address together, an address budget, Retry-After.

The exact reproduction of the issue: five wrong passwords for a clerk's name
from anywhere used to lock the clerk out of the hall.
"""

from __future__ import annotations

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from portal import lockout
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Demo-pass-2026"
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
HALL = "192.0.2.10"  # the clerk's hall (one NAT address)
ATTACKER = "198.51.100.66"


@pytest.fixture
def citizen():
    return UserFactory(username="zhaxi", roles=["applicant"])


def _web(client, username, password, address):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_a_stranger_cannot_lock_the_owner_out(citizen):
    attacker = Client()
    for _ in range(5):
        _web(attacker, "zhaxi", "wrong-password", ATTACKER)
    r = _web(attacker, "zhaxi", PASSWORD, ATTACKER)
    assert r.status_code == 429
    assert "_auth_user_id" not in attacker.session
    owner = Client()
    r = _web(owner, "zhaxi", PASSWORD, HALL)
    assert r.status_code == 302
    assert owner.session["_auth_user_id"] == str(citizen.pk)


def test_the_web_lockout_page_says_when_with_retry_after(citizen):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            r = _web(client, "zhaxi", "wrong-password", ATTACKER)
    assert r.status_code == 429
    assert r["Retry-After"] == "1800"
    assert "portal/locked_out.html" in [t.name for t in r.templates]
    assert "30 分钟" in r.content.decode()
    # Ten minutes later: twenty left, and trying (even rightly) does not prolong it.
    with time_machine.travel(start + timezone.timedelta(minutes=10), tick=False):
        r = _web(client, "zhaxi", PASSWORD, ATTACKER)
    assert r.status_code == 429
    assert r["Retry-After"] == "1200"
    assert "20 分钟" in r.content.decode()
    with time_machine.travel(start + timezone.timedelta(minutes=30, seconds=1)):
        assert _web(client, "zhaxi", PASSWORD, ATTACKER).status_code == 302


def test_web_and_api_share_one_count(citizen):
    client, api = Client(), APIClient()
    for _ in range(3):
        _web(client, "zhaxi", "wrong-password", ATTACKER)
    for _ in range(2):
        r = api.post(
            TOKEN, {"username": "zhaxi", "password": "x"}, REMOTE_ADDR=ATTACKER
        )
    assert r.status_code == 429
    assert r.json()["code"] == "account_locked"
    assert _web(client, "zhaxi", PASSWORD, ATTACKER).status_code == 429


def test_spraying_many_names_from_one_address_is_throttled(settings, citizen):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    api = APIClient()
    codes = []
    for n in range(8):
        r = api.post(
            TOKEN,
            {"username": f"guess{n}", "password": "Password1"},
            REMOTE_ADDR=ATTACKER,
        )
        codes.append(r.status_code)
    assert codes == [400] * 7 + [429]
    assert r.json()["code"] == "address_throttled"
    assert int(r["Retry-After"]) > 0
    # Every user name from that address now waits, the right password too ...
    r = api.post(
        TOKEN, {"username": "zhaxi", "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert r.status_code == 429
    assert r.json()["code"] == "address_throttled"
    r = _web(Client(), "zhaxi", PASSWORD, ATTACKER)
    assert r.status_code == 429
    assert "此网络地址登录失败次数过多" in r.content.decode()
    # ... other addresses do not.
    assert _web(Client(), "zhaxi", PASSWORD, HALL).status_code == 302


def test_a_hall_of_clerks_mistyping_keeps_its_budget(settings):
    """Typos followed by the right password clear their own failures."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    clerks = [UserFactory(username=f"typist{n}", roles=["applicant"]) for n in range(6)]
    for user in clerks:
        client = Client()
        for _ in range(3):
            _web(client, user.username, "typo", HALL)
        assert _web(client, user.username, PASSWORD, HALL).status_code == 302
    assert not AccessAttempt.objects.filter(ip_address=HALL).exists()


def test_the_address_block_ends_as_the_oldest_failures_age_out(settings, citizen):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    api = APIClient()
    start = timezone.now()
    for n in range(3):
        with time_machine.travel(start + timezone.timedelta(minutes=n), tick=False):
            api.post(
                TOKEN, {"username": f"g{n}", "password": "x"}, REMOTE_ADDR=ATTACKER
            )
    with time_machine.travel(start + timezone.timedelta(minutes=5), tick=False):
        r = api.post(
            TOKEN, {"username": "zhaxi", "password": "x"}, REMOTE_ADDR=ATTACKER
        )
    assert r.status_code == 429
    # The first failure (minute 0) stops counting at minute 30: 25 minutes on.
    assert r["Retry-After"] == str(25 * 60)
    with time_machine.travel(start + timezone.timedelta(minutes=30, seconds=1)):
        r = api.post(
            TOKEN, {"username": "zhaxi", "password": PASSWORD}, REMOTE_ADDR=ATTACKER
        )
    assert r.status_code == 200


def test_limits_are_settings(settings, citizen):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.AXES_FAILURE_LIMIT = 2
    api = APIClient()
    data = {"username": "zhaxi", "password": "x"}
    assert api.post(TOKEN, data, REMOTE_ADDR=ATTACKER).status_code == 400
    assert api.post(TOKEN, data, REMOTE_ADDR=ATTACKER).status_code == 429


def test_behind_a_proxy_the_address_is_the_hop_it_added(settings, citizen):
    settings.TRUSTED_PROXY_COUNT = 1
    api = APIClient()
    proxy = "10.0.0.2"
    for n in range(5):
        api.post(
            TOKEN,
            {"username": "zhaxi", "password": "x"},
            REMOTE_ADDR=proxy,
            # The attacker writes a new left-hand hop each time: it proves nothing.
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, {ATTACKER}",
        )
    assert AccessAttempt.objects.get().ip_address == ATTACKER
    r = api.post(
        TOKEN,
        {"username": "zhaxi", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=ATTACKER,
    )
    assert r.status_code == 429
    # The owner's traffic through the same proxy comes from another hop.
    r = api.post(
        TOKEN,
        {"username": "zhaxi", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=HALL,
    )
    assert r.status_code == 200


def test_a_hop_that_is_no_address_is_no_crash(settings, citizen):
    settings.TRUSTED_PROXY_COUNT = 1
    r = APIClient().post(
        TOKEN,
        {"username": "zhaxi", "password": "x"},
        HTTP_X_FORWARDED_FOR="not-an-address",
    )
    assert r.status_code == 400
    assert AccessAttempt.objects.get().ip_address is None


def test_login_lock_clear_unlocks_the_user_everywhere(citizen):
    api = APIClient()
    for address in (ATTACKER, HALL):
        for _ in range(5):
            api.post(TOKEN, {"username": "zhaxi", "password": "x"}, REMOTE_ADDR=address)
    UserFactory(username="dolma")
    for _ in range(2):
        api.post(TOKEN, {"username": "dolma", "password": "x"}, REMOTE_ADDR=HALL)
    assert lockout.login_lock_clear(username="zhaxi") == 2
    r = api.post(TOKEN, {"username": "zhaxi", "password": PASSWORD}, REMOTE_ADDR=HALL)
    assert r.status_code == 200
    # Another user's failures stay.
    assert AccessAttempt.objects.filter(username="dolma").exists()
    assert lockout.login_lock_clear(username="nobody") == 0


def test_unlock_in_counts_the_oldest_rows_out_first():
    now = timezone.now()
    minutes = timezone.timedelta(minutes=1)
    rows = [(now - 20 * minutes, 2), (now - 10 * minutes, 2), (now, 1)]
    assert lockout._unlock_in(rows, 6, now) is None
    # 5 >= 5: the row of minute -20 goes at +10 minutes, leaving 3 < 5.
    assert lockout._unlock_in(rows, 5, now) == 600
    # 5 >= 2: rows of -20 and -10 must go, the second at +20 minutes; 1 < 2.
    assert lockout._unlock_in(rows, 2, now) == 1200
