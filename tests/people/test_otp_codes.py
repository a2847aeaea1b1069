"""One-time codes: hash only, bound to purpose and subject, single use, throttled."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from people.constants import CodePurpose
from people.models import OneTimeCode, OutboxMessage
from people.services import otp_codes
from people.services.outbox import ERASED_BODY
from portal.errors import ServiceError, ThrottledError
from tests.people.outbox.helpers import sms_lines

# Real commits: codes and texts are sent after commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "【甘孜州政务服务网】验证码{code}，10分钟内有效。"
IP = "192.0.2.77"


@pytest.fixture
def sms_dir(settings, tmp_path):
    settings.SMS_BACKEND = "people.outbox.backends.FileSmsBackend"
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"
    return settings.NOTIFY_FILE_DIR


@pytest.fixture(autouse=True)
def _fresh(sms_dir):
    cache.delete(f"otp:verify-failures:{IP}")
    yield
    cache.delete(f"otp:verify-failures:{IP}")


def _issue(user, **kwargs):
    data = {
        "purpose": CodePurpose.PASSWORD_RESET,
        "phone": otp_codes.registered_phone(user) if user else "13900009999",
        "user": user,
        "text_template": TEXT,
        "request_ip": IP,
    }
    data.update(kwargs)
    return otp_codes.otp_issue(**data)


def _sent(sms_dir) -> str:
    return re.search(r"验证码(\d{6})", sms_lines(sms_dir)[-1]["text"]).group(1)


def test_only_a_keyed_hash_is_kept_and_the_text_is_erased(citizen, sms_dir):
    row = _issue(citizen)
    code = _sent(sms_dir)
    row.refresh_from_db()
    assert len(row.code_hash) == 64 and code not in row.code_hash
    assert OutboxMessage.objects.get(dedupe_key=f"otp:{row.pk}").body == ERASED_BODY
    # The hash is keyed by the row: the same code in another row hashes apart.
    assert otp_codes._code_hash(row.pk, code) != otp_codes._code_hash(row.pk + 1, code)


def test_delivery_is_idempotent(citizen, sms_dir):
    row = _issue(citizen)
    assert otp_codes.otp_deliver(code_id=row.pk) is False
    assert len(sms_lines(sms_dir)) == 1


def test_nobody_to_send_to_sends_nothing(sms_dir):
    row = _issue(None)
    row.refresh_from_db()
    assert row.code_hash == "" and sms_lines(sms_dir) == []
    with pytest.raises(ServiceError) as exc:
        otp_codes.otp_verify(
            purpose=row.purpose, code="123456", code_id=row.pk, request_ip=IP
        )
    assert exc.value.code == "code_invalid"


def test_a_changed_phone_gets_no_code(citizen, sms_dir, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    row = OneTimeCode.objects.create(
        purpose=CodePurpose.PASSWORD_RESET,
        user=citizen,
        phone_hash=otp_codes.phone_hash("13900001111"),
        expires_at=_issue(citizen).expires_at,
        text_template=TEXT,
    )
    assert otp_codes.otp_deliver(code_id=row.pk) is False


def test_a_code_is_bound_to_its_purpose_and_row(citizen, sms_dir, settings):
    settings.OTP_RESEND_SECONDS = 0
    row = _issue(citizen)
    code = _sent(sms_dir)
    with pytest.raises(ServiceError):
        otp_codes.otp_verify(
            purpose=CodePurpose.AGENT_AUTHORIZATION, code=code, code_id=row.pk
        )
    other = _issue(citizen, about=citizen)
    with pytest.raises(ServiceError):
        otp_codes.otp_verify(purpose=row.purpose, code=code, code_id=other.pk)
    # A newer code for the same thing replaces the first one.
    _issue(citizen)
    with pytest.raises(ServiceError) as exc:
        otp_codes.otp_verify(purpose=row.purpose, code=code, code_id=row.pk)
    assert exc.value.code == "code_expired"


def test_consume_lets_one_use_through(citizen, sms_dir):
    row = _issue(citizen)
    code = _sent(sms_dir)
    found = otp_codes.otp_verify(purpose=row.purpose, code=code, code_id=row.pk)
    twin = otp_codes.otp_verify(purpose=row.purpose, code=code, code_id=row.pk)
    otp_codes.otp_consume(row=found)
    with pytest.raises(ServiceError) as exc:
        otp_codes.otp_consume(row=twin)
    assert exc.value.code == "code_expired"


def test_full_width_digits_as_typed_are_accepted(citizen, sms_dir):
    row = _issue(citizen)
    code = _sent(sms_dir)
    wide = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert otp_codes.otp_verify(purpose=row.purpose, code=f" {wide} ", code_id=row.pk)


def test_throttles_raise_with_retry_after(citizen, settings):
    _issue(citizen)
    with pytest.raises(ThrottledError) as exc:
        _issue(citizen)
    assert exc.value.code == "code_too_soon" and exc.value.retry_after > 0


@pytest.mark.parametrize("template", ["no code here", "{code}{code}"])
def test_a_template_needs_one_placeholder(citizen, template):
    with pytest.raises(ValueError):
        _issue(citizen, text_template=template)
