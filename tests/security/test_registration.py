"""Registration tells an anonymous visitor nothing about which ID numbers are
registered, and one address can only post so many registrations."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from people.models import ApplicantProfile
from portal.models import User
from tests.people.factories import PASSWORD, applicant, id_number
from tests.people.outbox.helpers import sms_lines

# Real commits: codes and texts are sent after commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

REGISTER = "/accounts/register/"
VISITOR_IP = "198.51.100.7"


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.SMS_BACKEND = "people.outbox.backends.FileSmsBackend"
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"
    for ip in (VISITOR_IP, "198.51.100.8", "127.0.0.1"):
        cache.delete(f"throttle_register_{ip}")
    yield
    for ip in (VISITOR_IP, "198.51.100.8", "127.0.0.1"):
        cache.delete(f"throttle_register_{ip}")


def _data(**overrides):
    data = {
        "username": "newcomer",
        "full_name": "扎西",
        "id_number": id_number("51330119900101123"),
        "phone": "13812345678",
        "email": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def _answer(response) -> tuple:
    client_page = ""
    if response.status_code == 302:
        client_page = response["Location"]
    return response.status_code, client_page


def test_a_registered_number_is_answered_like_a_new_one(settings):
    applicant("owner", full_name="扎西", first17="51330119900101123")
    taken = Client().post(REGISTER, _data(), REMOTE_ADDR=VISITOR_IP)
    fresh = Client().post(
        REGISTER,
        _data(username="other", id_number=id_number("51330119900101456")),
        REMOTE_ADDR=VISITOR_IP,
    )
    assert _answer(taken) == _answer(fresh) == (302, "/accounts/login/")
    # Nobody is logged in either way, and the messages shown are the same.
    for response in (taken, fresh):
        assert "_auth_user_id" not in response.client.session
    pages = [
        re.sub(
            r'value="[^"]{40,}"', "", r.client.get("/accounts/login/").content.decode()
        )
        for r in (taken, fresh)
    ]
    assert pages[0] == pages[1]
    assert not User.objects.filter(username="newcomer").exists()
    assert ApplicantProfile.objects.count() == 2
    # Only the phone that was typed hears that the number is taken.
    [line] = [line for line in sms_lines(settings.NOTIFY_FILE_DIR)]
    assert line["to"] == "13812345678" and "已在本网注册" in line["text"]


def test_a_registered_number_beside_other_mistakes_shows_only_those():
    applicant("owner", full_name="扎西", first17="51330119900101123")
    r = Client().post(REGISTER, _data(phone="12345"), REMOTE_ADDR=VISITOR_IP)
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert "phone" in errors and "id_number" not in errors
    assert "已注册" not in r.content.decode()


def test_registration_is_rate_limited_per_address(settings):
    settings.REGISTER_RATE = "2/hour"
    for n in range(2):
        r = Client().post(
            REGISTER,
            _data(username=f"user{n}", id_number=id_number(f"5133011990010145{n}")),
            REMOTE_ADDR=VISITOR_IP,
        )
        assert r.status_code == 302
    r = Client().post(
        REGISTER,
        _data(username="user9", id_number=id_number("51330119900101459")),
        REMOTE_ADDR=VISITOR_IP,
    )
    assert r.status_code == 429
    assert 0 < int(r["Retry-After"]) <= 3600
    assert not User.objects.filter(username="user9").exists()
    # Another address, and the page itself, are not affected.
    assert Client().get(REGISTER, REMOTE_ADDR=VISITOR_IP).status_code == 200
    r = Client().post(
        REGISTER,
        _data(username="user8", id_number=id_number("51330119900101458")),
        REMOTE_ADDR="198.51.100.8",
    )
    assert r.status_code == 302
