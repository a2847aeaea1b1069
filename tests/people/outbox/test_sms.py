"""sms_send: one text to a mobile number outside any application (a one-time code).

Transactional: the row commits and is sent after commit, as in production.
"""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from people.constants import OutboxChannel, OutboxStatus
from people.models import OutboxMessage
from people.services.outbox import sms_send
from portal.errors import ServiceError
from tests.factories import UserFactory
from tests.people.outbox.helpers import PHONE, sms_lines

CODE = "493817"
TEXT = f"【甘孜州政务服务网】您的验证码为{CODE}，5分钟内有效，请勿告诉他人。"


@pytest.fixture
def all_logs(caplog):
    """Every record of every logger, from DEBUG up."""
    with caplog.at_level(logging.DEBUG):
        yield caplog


@pytest.mark.django_db(transaction=True)
def test_a_one_time_code_is_sent_and_never_logged(sms_dir, all_logs):
    message = sms_send(phone=PHONE, text=TEXT)

    [line] = sms_lines(sms_dir)
    assert (line["to"], line["text"], line["reference"]) == (
        PHONE,
        TEXT,
        f"outbox-{message.pk}",
    )
    message.refresh_from_db()
    assert message.channel == OutboxChannel.SMS
    assert message.status == OutboxStatus.SENT
    assert (message.subject_type, message.subject_id) == ("", "")
    assert all_logs.records  # the send was logged...
    for record in all_logs.records:  # ...by id only
        text = record.getMessage()
        assert CODE not in text and PHONE not in text, text


@pytest.mark.django_db(transaction=True)
def test_the_console_backend_does_not_log_the_code_either(settings, all_logs):
    settings.SMS_BACKEND = "people.outbox.backends.ConsoleSmsBackend"
    sms_send(phone=PHONE, text=TEXT)
    assert "sms.console to=138****5678" in all_logs.text
    assert CODE not in all_logs.text and PHONE not in all_logs.text


@pytest.mark.django_db(transaction=True)
def test_number_as_typed_is_normalised(sms_dir):
    message = sms_send(phone="１３８ １２３４-５６７８", text=TEXT)
    assert message.recipient == PHONE
    assert sms_lines(sms_dir)[0]["to"] == PHONE


@pytest.mark.parametrize(
    ("phone", "text", "code", "field"),
    [
        ("12345", TEXT, "phone_invalid", "phone"),
        ("+8613812345678", TEXT, "phone_invalid", "phone"),
        ("", TEXT, "phone_invalid", "phone"),
        (PHONE, "  ", "sms_text_required", "text"),
        (PHONE, "字" * 501, "sms_text_length", "text"),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_bad_input_is_refused_and_nothing_written(sms_dir, phone, text, code, field):
    with pytest.raises(ServiceError) as exc:
        sms_send(phone=phone, text=text)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not OutboxMessage.objects.exists()
    assert sms_lines(sms_dir) == []


@pytest.mark.django_db(transaction=True)
def test_a_dedupe_key_makes_a_repeat_call_a_no_op(sms_dir):
    first = sms_send(phone=PHONE, text=TEXT, dedupe_key="login-code:42:1")
    again = sms_send(phone=PHONE, text=TEXT, dedupe_key="login-code:42:1")
    other = sms_send(phone=PHONE, text=TEXT)

    assert again.pk == first.pk != other.pk
    assert len(sms_lines(sms_dir)) == 2


@pytest.mark.django_db(transaction=True)
def test_inside_a_rolled_back_transaction_nothing_is_sent(sms_dir):
    with pytest.raises(RuntimeError), transaction.atomic():
        sms_send(phone=PHONE, text=TEXT)
        raise RuntimeError("the caller's change failed")
    assert not OutboxMessage.objects.exists()
    assert sms_lines(sms_dir) == []


@pytest.mark.django_db(transaction=True)
def test_it_may_name_what_it_is_about(sms_dir):
    user = UserFactory(username="zhaxi")
    message = sms_send(phone=PHONE, text=TEXT, about=user, reference="密码重置")
    assert (message.subject_type, message.subject_id, message.reference) == (
        "portal.user",
        str(user.pk),
        "密码重置",
    )
    assert list(OutboxMessage.objects.about(user)) == [message]
