"""A walk-in registered at the counter activates their account from the login page.

The same one-time code as password reset (expiry, single use, throttles), for
its own purpose; an ID number and phone that match no walk-in get the same
answer by the same path; brute force is throttled without locking the owner
out for good.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from people.models import OneTimeCode
from people.privacy import make_id_number
from people.services.applicants import applicant_register_at_counter
from portal.models import User
from portal.roles import Role
from tests.people.factories import applicant
from tests.people.outbox.helpers import sms_lines

pytestmark = pytest.mark.django_db(transaction=True)

ACTIVATE = "/accounts/activate/"
CODE = "/accounts/activate/code/"
LOGIN = "/accounts/login/"
PHONE = "13800005678"
ID_NUMBER = make_id_number("51330119800202123")
IP = "192.0.2.41"
PASSWORD = "Zhe-duo-shan-2027"


@pytest.fixture(autouse=True)
def _sms(settings, tmp_path):
    settings.SMS_BACKEND = "people.outbox.backends.FileSmsBackend"
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"
    cache.delete(f"otp:verify-failures:{IP}")
    yield
    cache.delete(f"otp:verify-failures:{IP}")


@pytest.fixture
def walk_in():
    clerk = User.objects.create_user(username="clerk", password="x-Clerk-2026!")
    clerk.groups.add(Group.objects.get_or_create(name=Role.CLERK.value)[0])
    return applicant_register_at_counter(
        clerk=clerk, full_name="次仁拉姆", id_number=ID_NUMBER, phone=PHONE
    )


def _ask(client, id_number=ID_NUMBER, phone=PHONE, ip=IP):
    return client.post(
        ACTIVATE, {"id_number": id_number, "phone": phone}, REMOTE_ADDR=ip
    )


def _finish(client, code, username="cirenlamu", password=PASSWORD, ip=IP):
    return client.post(
        CODE,
        {
            "code": code,
            "username": username,
            "password1": password,
            "password2": password,
        },
        REMOTE_ADDR=ip,
    )


def _code(settings) -> str:
    texts = [line["text"] for line in sms_lines(settings.NOTIFY_FILE_DIR)]
    assert texts, "no SMS"
    return re.search(r"验证码(\d{6})", texts[-1]).group(1)


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_a_walk_in_activates_and_logs_in(settings, walk_in):
    assert not walk_in.has_usable_password()
    login_page = Client().get(LOGIN).content.decode()
    assert ACTIVATE in login_page
    client = Client()
    r = _ask(client)
    assert r.status_code == 302 and r["Location"] == CODE
    assert sms_lines(settings.NOTIFY_FILE_DIR)[-1]["to"] == PHONE
    assert "开通网上办事账号" in sms_lines(settings.NOTIFY_FILE_DIR)[-1]["text"]
    r = _finish(client, _code(settings))
    assert r.status_code == 302 and r["Location"] == LOGIN
    walk_in.refresh_from_db()
    assert walk_in.username == "cirenlamu" and walk_in.check_password(PASSWORD)
    assert "用户名：cirenlamu" in sms_lines(settings.NOTIFY_FILE_DIR)[-1]["text"]
    r = client.post(LOGIN, {"username": "cirenlamu", "password": PASSWORD})
    assert r.status_code == 302


@pytest.mark.parametrize(
    "who",
    [
        {"phone": "13900009999"},  # a phone nobody registered
        {"id_number": make_id_number("51330119700303123")},  # nobody's number
        {"id_number": make_id_number("51330119900101123"), "phone": "13800000001"},
    ],
)
def test_no_match_gets_the_same_answer(settings, walk_in, who):
    # The third: an account that has a password already (not a walk-in's).
    applicant("zhaxi")
    known = Client()
    r_known = _ask(known)
    settings.OTP_RESEND_SECONDS = 0
    other = Client()
    r_other = _ask(other, **who)
    assert (r_known.status_code, r_known["Location"]) == (
        r_other.status_code,
        r_other["Location"],
    )

    def page(client):
        text = client.get(CODE).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert page(known) == page(other)
    assert len(sms_lines(settings.NOTIFY_FILE_DIR)) == 1  # only the walk-in's
    assert OneTimeCode.objects.filter(user__isnull=True).count() == 1
    # And the code step refuses whatever the unknown party types.
    r = _finish(other, _code(settings))
    assert r.status_code == 200 and "验证码" in r.content.decode()


def test_a_wrong_code_is_refused(settings, walk_in):
    client = Client()
    _ask(client)
    r = _finish(client, _wrong(_code(settings)))
    assert r.status_code == 200 and "验证码错误" in r.content.decode()
    walk_in.refresh_from_db()
    assert not walk_in.has_usable_password()


def test_an_expired_code_is_refused(settings, walk_in):
    client = Client()
    _ask(client)
    code = _code(settings)
    OneTimeCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    r = _finish(client, code)
    assert r.status_code == 200 and "验证码已失效" in r.content.decode()
    walk_in.refresh_from_db()
    assert not walk_in.has_usable_password()


def test_a_code_works_once(settings, walk_in):
    client = Client()
    _ask(client)
    code = _code(settings)
    assert _finish(client, code).status_code == 302
    from people.services.activation import account_activation_complete
    from portal.errors import ServiceError

    row = OneTimeCode.objects.get()
    with pytest.raises(ServiceError) as exc:
        account_activation_complete(
            request_id=row.pk, code=code, username="other", password=PASSWORD
        )
    assert exc.value.code == "code_expired"
    walk_in.refresh_from_db()
    assert walk_in.username == "cirenlamu"


def test_a_password_reset_code_does_not_activate(settings, walk_in):
    from people.services.activation import account_activation_complete
    from portal.errors import ServiceError

    client = Client()
    _ask(client)
    code = _code(settings)
    row = OneTimeCode.objects.get()
    OneTimeCode.objects.filter(pk=row.pk).update(purpose="password_reset")
    with pytest.raises(ServiceError):
        account_activation_complete(
            request_id=row.pk, code=code, username="x-user", password=PASSWORD
        )


def test_brute_force_is_throttled_and_the_owner_gets_in_later(settings, walk_in):
    settings.OTP_VERIFY_ADDRESS_LIMIT = settings.OTP_MAX_ATTEMPTS + 1
    attacker = Client()
    _ask(attacker)
    code = _code(settings)
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        assert _finish(attacker, _wrong(code)).status_code == 200
    r = _finish(attacker, code)  # the right code, too late: it died
    assert "验证码已失效" in r.content.decode()
    r = _finish(attacker, code)
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    walk_in.refresh_from_db()
    assert not walk_in.has_usable_password()
    # Not locked for good: after the windows the owner asks again and gets in.
    later = timezone.now() + dt.timedelta(
        seconds=max(settings.OTP_VERIFY_WINDOW_SECONDS, settings.OTP_RESEND_SECONDS) + 1
    )
    cache.delete(f"otp:verify-failures:{IP}")  # the cache's own expiry, in effect
    with time_machine.travel(later):
        owner = Client()
        assert _ask(owner).status_code == 302
        assert _finish(owner, _code(settings)).status_code == 302
    walk_in.refresh_from_db()
    assert walk_in.check_password(PASSWORD)


def test_requests_are_throttled_per_phone(settings, walk_in):
    client = Client()
    assert _ask(client).status_code == 302
    r = _ask(client)
    assert r.status_code == 429 and int(r["Retry-After"]) > 0


def test_a_taken_user_name_or_weak_password_leaves_the_code_usable(settings, walk_in):
    applicant("zhaxi")
    client = Client()
    _ask(client)
    code = _code(settings)
    r = _finish(client, code, username="zhaxi")
    assert r.status_code == 200 and "该用户名已被使用" in r.content.decode()
    r = _finish(client, code, password="12345678")
    assert r.status_code == 200 and "全部是数字" in r.content.decode()
    assert _finish(client, code).status_code == 302


def test_typing_mistakes_are_told(walk_in):
    r = _ask(Client(), id_number="5133011980")
    assert r.status_code == 200 and "18位" in r.content.decode()
    r = _ask(Client(), phone="12345")
    assert r.status_code == 200 and "手机号码应为11位" in r.content.decode()
