"""The owner still gets in: password reset by a code to the registered phone.

It clears the login lock; codes expire, work once, are throttled and never
logged; a user name and phone that match nobody get the same answer, by the
same path.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from people.models import OneTimeCode, OutboxMessage
from portal.models import ApiToken
from portal.tokens import api_token_issue
from tests.people.factories import applicant
from tests.people.outbox.helpers import sms_lines

# Real commits: codes and texts are sent after commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

RESET = "/accounts/password-reset/"
CODE = "/accounts/password-reset/code/"
LOGIN = "/accounts/login/"
PHONE = "13800001234"
OWNER_IP = "192.0.2.31"
NEW_PASSWORD = "Xue-shan-2027!"


@pytest.fixture(autouse=True)
def _sms(settings, tmp_path):
    settings.SMS_BACKEND = "people.outbox.backends.FileSmsBackend"
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"
    cache.delete(f"otp:verify-failures:{OWNER_IP}")
    yield
    cache.delete(f"otp:verify-failures:{OWNER_IP}")


@pytest.fixture
def owner():
    return applicant("zhaxi", full_name="扎西", phone=PHONE)


def _ask(client, username="zhaxi", phone=PHONE, ip=OWNER_IP):
    return client.post(RESET, {"username": username, "phone": phone}, REMOTE_ADDR=ip)


def _finish(client, code, password=NEW_PASSWORD, ip=OWNER_IP):
    return client.post(
        CODE,
        {"code": code, "password1": password, "password2": password},
        REMOTE_ADDR=ip,
    )


def _code(settings) -> str:
    texts = [line["text"] for line in sms_lines(settings.NOTIFY_FILE_DIR)]
    assert texts, "no SMS"
    return re.search(r"验证码(\d{6})", texts[-1]).group(1)


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_a_locked_out_owner_resets_by_sms_and_gets_in(settings, owner):
    from tests.people.factories import PASSWORD

    attacker = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attacker.post(
            LOGIN, {"username": "zhaxi", "password": "x"}, REMOTE_ADDR=OWNER_IP
        )
    assert AccessAttempt.objects.filter(username="zhaxi").exists()
    api_token_issue(user=owner)
    assert ApiToken.objects.filter(user=owner).exists()
    client = Client()
    r = _ask(client)
    assert r.status_code == 302 and r["Location"] == CODE
    code = _code(settings)
    assert sms_lines(settings.NOTIFY_FILE_DIR)[-1]["to"] == PHONE
    r = _finish(client, code)
    assert r.status_code == 302 and r["Location"] == LOGIN
    # The lock is cleared, the new password works, the old one not, tokens end.
    assert not AccessAttempt.objects.filter(username="zhaxi").exists()
    assert not ApiToken.objects.filter(user=owner).exists()
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD) and not owner.check_password(PASSWORD)
    r = client.post(
        LOGIN, {"username": "zhaxi", "password": NEW_PASSWORD}, REMOTE_ADDR=OWNER_IP
    )
    assert r.status_code == 302
    # And the owner is told by SMS that the password changed.
    assert "密码已于刚才重置" in sms_lines(settings.NOTIFY_FILE_DIR)[-1]["text"]


def _answer(client, **kwargs):
    """Status, where it leads, and the code page it leads to."""
    r = _ask(client, **kwargs)
    page = client.get(r["Location"]).content.decode() if r.status_code == 302 else ""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return r.status_code, r.get("Location"), page


@pytest.mark.parametrize(
    "who",
    [
        {"phone": "13900009999"},  # a phone nobody registered
        {"username": "nobody"},  # a user name that does not exist
        {"username": "dolma"},  # someone else's name with this phone
    ],
)
def test_no_match_gets_the_same_answer(settings, owner, who):
    applicant(
        "dolma", full_name="卓玛", first17="51332219850615224", phone="13900000002"
    )
    known = _answer(Client())
    settings.OTP_RESEND_SECONDS = 0
    unknown = _answer(Client(), **who)
    assert known == unknown
    assert len(sms_lines(settings.NOTIFY_FILE_DIR)) == 1  # only the owner's code
    # The same timing class: the same queries and the same after-commit work,
    # whether a code will be sent or not (it is made and sent by the task).
    assert OneTimeCode.objects.filter(user__isnull=True).count() == 1


@pytest.mark.django_db  # in one test transaction: on-commit work is captured
@pytest.mark.parametrize(
    "who", [{"phone": "13900009999"}, {"username": "nobody"}, {"username": "dolma"}]
)
def test_no_match_takes_the_same_path(
    settings, owner, who, django_capture_on_commit_callbacks
):
    """The same timing class: the same queries and the same after-commit work,
    whether a code will be sent or not (the task makes and sends it)."""
    applicant(
        "dolma", full_name="卓玛", first17="51332219850615224", phone="13900000002"
    )
    settings.OTP_RESEND_SECONDS = 0
    counts = []
    for kwargs in ({}, who, {}, who):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=False) as callbacks,
        ):
            assert _ask(Client(), **kwargs).status_code == 302
        counts.append((len(queries), len(callbacks)))
    assert counts[2] == counts[3]


def test_a_code_works_once(settings, owner):
    client = Client()
    _ask(client)
    code = _code(settings)
    assert _finish(client, code).status_code == 302
    # Replayed: the session no longer holds the request, and the row is used.
    r = _finish(client, code, password="Another-pass-2028")
    assert r.status_code == 302 and r["Location"] == RESET
    from people.services.password_reset import password_reset_complete
    from portal.errors import ServiceError

    row = OneTimeCode.objects.get()
    with pytest.raises(ServiceError) as exc:
        password_reset_complete(
            request_id=row.pk, code=code, password="Another-pass-2028"
        )
    assert exc.value.code == "code_expired"
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)


def test_an_expired_code_is_refused(settings, owner):
    client = Client()
    _ask(client)
    code = _code(settings)
    row = OneTimeCode.objects.get()
    OneTimeCode.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    r = _finish(client, code)
    assert r.status_code == 200 and "验证码已失效" in r.content.decode()
    owner.refresh_from_db()
    assert not owner.check_password(NEW_PASSWORD)


def test_the_session_forgets_the_request_when_the_code_would_have_expired(
    settings, owner
):
    client = Client()
    _ask(client)
    later = timezone.now() + dt.timedelta(minutes=settings.ONE_TIME_CODE_MINUTES + 1)
    with time_machine.travel(later):
        r = _finish(client, _code(settings))
    assert r["Location"] == RESET


def test_wrong_codes_kill_the_code_then_throttle_the_address(settings, owner):
    settings.OTP_VERIFY_ADDRESS_LIMIT = settings.OTP_MAX_ATTEMPTS + 1
    client = Client()
    _ask(client)
    code = _code(settings)
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        assert _finish(client, _wrong(code)).status_code == 200
    r = _finish(client, code)  # the right code, too late
    assert r.status_code == 200 and "验证码已失效" in r.content.decode()
    r = _finish(client, code)
    assert r.status_code == 429
    assert 0 < int(r["Retry-After"]) <= settings.OTP_VERIFY_WINDOW_SECONDS + 1
    owner.refresh_from_db()
    assert not owner.check_password(NEW_PASSWORD)


def test_a_bad_new_password_leaves_the_code_usable(settings, owner):
    client = Client()
    _ask(client)
    code = _code(settings)
    r = _finish(client, code, password="12345678")
    assert r.status_code == 200 and "全部是数字" in r.content.decode()
    assert _finish(client, code).status_code == 302


def test_requests_are_throttled_per_phone_for_known_and_unknown_alike(settings, owner):
    for phone in (PHONE, "13900009999"):
        client = Client()
        assert _ask(client, phone=phone).status_code == 302
        r = _ask(client, phone=phone)
        assert r.status_code == 429
        assert 0 < int(r["Retry-After"]) <= settings.OTP_RESEND_SECONDS + 1
    settings.OTP_RESEND_SECONDS = 0
    settings.OTP_PHONE_LIMIT = 2
    assert _ask(Client()).status_code == 302
    r = _ask(Client())
    assert r.status_code == 429 and int(r["Retry-After"]) > 0


def test_requests_are_throttled_per_address(settings, owner):
    settings.OTP_ADDRESS_LIMIT = 2
    for n in range(2):
        assert _ask(Client(), phone=f"1390000100{n}").status_code == 302
    r = _ask(Client(), phone="13900001009")
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert _ask(Client(), ip="192.0.2.99").status_code == 302


def test_typing_mistakes_are_told(owner):
    r = _ask(Client(), phone="12345")
    assert r.status_code == 200 and "手机号码应为11位" in r.content.decode()


def test_codes_and_phones_never_reach_a_log(settings, owner, caplog):
    with caplog.at_level(logging.DEBUG):
        client = Client()
        _ask(client)
        code = _code(settings)
        _finish(client, _wrong(code))
        _finish(client, code)
    for record in caplog.records:
        text = record.getMessage()
        assert code not in text and PHONE not in text, text
    row = OneTimeCode.objects.get()
    assert row.code_hash and code not in row.code_hash
    assert all(
        code not in m.body for m in OutboxMessage.objects.filter(recipient=PHONE)
    )


def test_the_lockout_page_and_login_page_lead_to_the_reset(settings, owner):
    client = Client()
    assert RESET in client.get(LOGIN).content.decode()
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 1):
        r = client.post(
            LOGIN, {"username": "zhaxi", "password": "x"}, REMOTE_ADDR=OWNER_IP
        )
    assert r.status_code == 429 and RESET in r.content.decode()
