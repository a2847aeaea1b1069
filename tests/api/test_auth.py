"""POST /api/v1/auth/token/: token login with django-axes lockout."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
PASSWORD = "Demo-pass-2026"


@pytest.fixture
def user():
    return UserFactory(username="app-user", roles=["applicant"])


def test_right_password_gets_a_token_that_authenticates(api, user):
    response = api.post(TOKEN, {"username": "app-user", "password": PASSWORD})
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=user).key == key
    user.refresh_from_db()
    assert user.last_login is not None
    # Same token on the next login.
    again = api.post(
        TOKEN, {"username": "app-user", "password": PASSWORD}, format="json"
    )
    assert again.json() == {"token": key}
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
    # ... so even the right password is refused now, as JSON, not axes' page.
    response = api.post(TOKEN, {"username": "app-user", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["code"] == "account_locked"
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
