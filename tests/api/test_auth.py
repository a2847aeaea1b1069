"""POST /api/v1/auth/token/: token login with lockout and the second factor."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from portal.models import ApiToken as Token
from tests.factories import UserFactory
from tests.security.otp import enrol, totp_code

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
PASSWORD = "Demo-pass-2026"


@pytest.fixture
def user():
    return UserFactory(username="app-user", roles=["applicant"])


def test_right_password_gets_a_token_that_authenticates(api, user):
    response = api.post(TOKEN, {"username": "app-user", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    key = body["token"]
    token = Token.objects.get(user=user)
    assert token.pk == body["id"]
    # Stored hashed: only knox's digest and the 15-character lookup prefix.
    assert key not in (token.digest, token.token_key)
    assert key.startswith(token.token_key)
    assert body["expiry"] and body["ends_at"]
    user.refresh_from_db()
    assert user.last_login is not None
    # A new login gets a new token, never the old one (behaviour changed: DRF's
    # authtoken handed the same key back forever).
    again = api.post(
        TOKEN, {"username": "app-user", "password": PASSWORD}, format="json"
    )
    assert again.status_code == 200
    assert again.json()["token"] != key
    assert Token.objects.filter(user=user).count() == 2
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/catalog/regions/").status_code == 200


def test_a_bad_token_is_401_with_a_code(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token nonsense")
    response = api.get("/api/v1/catalog/regions/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (
            {"username": "app-user", "password": "wrong"},
            "invalid_credentials",
            "password",
        ),
        (
            {"username": "nobody", "password": PASSWORD},
            "invalid_credentials",
            "password",
        ),
        ({"password": PASSWORD}, "required", "username"),
        ({"username": "app-user"}, "required", "password"),
        ({"username": "", "password": PASSWORD}, "blank", "username"),
        ({"username": "u" * 200, "password": PASSWORD}, "max_length", "username"),
    ],
)
def test_bad_credentials_are_400_with_a_code(api, user, data, code, field):
    response = api.post(TOKEN, data, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["field"] == field
    assert body["detail"]
    assert not Token.objects.exists()


def test_inactive_user_gets_no_token(api, user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = api.post(TOKEN, {"username": "app-user", "password": PASSWORD})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_malformed_json_is_400(api, db):
    response = api.post(TOKEN, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_other_methods_are_405(api, db, method):
    response = getattr(api, method)(TOKEN)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_lockout_after_five_failures(api, user):
    UserFactory(username="other-user")
    wrong = {"username": "app-user", "password": "wrong-password"}
    for _ in range(4):
        response = api.post(TOKEN, wrong, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_credentials"
    # The fifth failure locks the user name ...
    response = api.post(TOKEN, wrong, format="json")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "account_locked"
    assert 1790 <= int(response["Retry-After"]) <= 1800
    # ... so even the right password is refused now, as JSON, not axes' page.
    response = api.post(TOKEN, {"username": "app-user", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["code"] == "account_locked"
    assert int(response["Retry-After"]) <= 1800
    assert not Token.objects.filter(user=user).exists()
    # Other users (same hall, same IP) can still log in.
    response = api.post(TOKEN, {"username": "other-user", "password": PASSWORD})
    assert response.status_code == 200


def test_success_resets_the_failure_count(api, user):
    wrong = {"username": "app-user", "password": "wrong-password"}
    for _ in range(4):
        api.post(TOKEN, wrong, format="json")
    assert (
        api.post(TOKEN, {"username": "app-user", "password": PASSWORD}).status_code
        == 200
    )
    for _ in range(4):
        assert api.post(TOKEN, wrong, format="json").status_code == 400


def test_the_lock_holds_for_the_address_only_and_ends_on_time(api, user):
    wrong = {"username": "app-user", "password": "wrong-password"}
    for _ in range(5):
        api.post(TOKEN, wrong, format="json", REMOTE_ADDR="198.51.100.7")
    right = {"username": "app-user", "password": PASSWORD}
    # The attacker's address is locked for this user name ...
    r = api.post(TOKEN, right, format="json", REMOTE_ADDR="198.51.100.7")
    assert r.status_code == 429
    # ... the owner at the hall is not.
    assert api.post(TOKEN, right, REMOTE_ADDR="192.0.2.10").status_code == 200
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=31)):
        r = api.post(TOKEN, right, format="json", REMOTE_ADDR="198.51.100.7")
        assert r.status_code == 200


# --- the second factor -----------------------------------------------------------


@pytest.fixture
def clerk():
    return UserFactory(username="clerk-app", roles=["clerk"])


def _login(api, **extra):
    data = {"username": "clerk-app", "password": PASSWORD, **extra}
    return api.post(TOKEN, data, format="json")


def test_staff_without_a_device_must_enrol_on_the_web_first(api, clerk):
    r = _login(api)
    assert r.status_code == 403
    assert r.json()["code"] == "otp_enrolment_required"
    assert not Token.objects.exists()


def test_staff_token_needs_the_code(api, clerk):
    device = enrol(clerk)
    r = _login(api)
    assert r.status_code == 400
    assert r.json() | {"detail": ""} == {
        "code": "otp_required",
        "field": "otp_code",
        "detail": "",
    }
    assert not Token.objects.exists()
    r = _login(api, otp_code=totp_code(device))
    assert r.status_code == 200
    assert Token.objects.filter(user=clerk).count() == 1


def test_a_replayed_code_is_refused(api, clerk):
    device = enrol(clerk)
    code = totp_code(device)
    assert _login(api, otp_code=code).status_code == 200
    r = _login(api, otp_code=code)
    assert r.status_code == 400
    assert r.json()["code"] == "otp_invalid"
    assert Token.objects.filter(user=clerk).count() == 1


def test_a_wrong_code_is_refused_and_counts_as_a_failed_login(api, clerk):
    device = enrol(clerk)
    good = totp_code(device)
    wrong = "000000" if good != "000000" else "111111"
    start = timezone.now()
    for n in range(5):
        # Past django-otp's own back-off (1, 2, 4 ... s) between tries.
        with time_machine.travel(start + timezone.timedelta(seconds=20 * n)):
            r = _login(api, otp_code=wrong)
    assert r.status_code == 429
    assert r.json()["code"] == "account_locked"
    assert int(r["Retry-After"]) > 0
    with time_machine.travel(start + timezone.timedelta(seconds=120)):
        assert _login(api, otp_code=totp_code(device)).status_code == 429
    assert not Token.objects.exists()


def test_quick_wrong_codes_are_throttled_with_retry_after(api, clerk):
    device = enrol(clerk)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    with time_machine.travel(timezone.now(), tick=False):
        assert _login(api, otp_code=wrong).json()["code"] == "otp_invalid"
        r = _login(api, otp_code=totp_code(device))
    assert r.status_code == 429
    assert r.json()["code"] == "otp_throttled"
    assert r["Retry-After"] == "1"


def test_a_recovery_code_works_once(api, clerk):
    enrol(clerk, recovery=["abcd2345"])
    assert _login(api, otp_code="ABCD-2345").status_code == 200
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=5)):
        r = _login(api, otp_code="abcd2345")
    assert r.status_code == 400
    assert r.json()["code"] == "otp_invalid"


def test_a_citizen_who_opted_in_gives_the_code_too(api, user):
    device = enrol(user)
    data = {"username": "app-user", "password": PASSWORD}
    assert api.post(TOKEN, data, format="json").json()["code"] == "otp_required"
    data["otp_code"] = totp_code(device)
    assert api.post(TOKEN, data, format="json").status_code == 200


def test_wrong_password_says_nothing_about_the_second_factor(api, clerk):
    enrol(clerk)
    r = api.post(TOKEN, {"username": "clerk-app", "password": "nope", "otp_code": "1"})
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_credentials"


def test_demo_bypass_lets_staff_without_a_device_in(api, clerk, settings):
    settings.OTP_DEMO_BYPASS = True
    assert _login(api).status_code == 200
    # A device, once set up, is asked for even then.
    enrol(clerk)
    assert _login(api).json()["code"] == "otp_required"
