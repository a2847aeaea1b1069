import pytest
from django.urls import reverse

from tests.people.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "portal:login"


def _login(client, username, password):
    return client.post(reverse(LOGIN), {"username": username, "password": password})


def test_right_password_after_four_failures_still_works(client, citizen):
    for _ in range(4):
        assert _login(client, "zhaxi", "wrong-password").status_code == 200
    response = _login(client, "zhaxi", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_sixth_attempt_is_refused_even_with_the_right_password(client, citizen):
    for _ in range(5):
        response = _login(client, "zhaxi", "wrong-password")
        assert "_auth_user_id" not in client.session
    response = _login(client, "zhaxi", PASSWORD)
    assert response.status_code in (403, 429)
    assert "portal/locked_out.html" in [t.name for t in response.templates]
    assert "账号已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_name(client, citizen, other_citizen):
    for _ in range(5):
        _login(client, "zhaxi", "wrong-password")
    # Same client (same hall IP), another citizen: not locked out.
    response = _login(client, "dolma", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other_citizen.pk)
