"""The send interface and its development backends."""

import logging

import pytest

from people.constants import OutboxChannel
from people.models import OutboxMessage
from people.outbox.backends import ConsoleSmsBackend, NotificationError, deliver
from tests.people.outbox.helpers import PHONE, sms_lines


def _message(**fields):
    data = {
        "pk": 41,
        "channel": OutboxChannel.SMS,
        "recipient": PHONE,
        "subject": "受理通知",
        "body": "【甘孜州政务服务网】您好！您申请办理的事项已受理。",
    }
    data.update(fields)
    return OutboxMessage(**data)


def test_console_sms_logs_masked_phone_and_length_only(caplog):
    text = "【甘孜州政务服务网】您好！秘密内容"
    with caplog.at_level(logging.INFO, logger="people.outbox.backends"):
        ConsoleSmsBackend().send(to=PHONE, text=text, reference="outbox-7")

    logged = caplog.text
    assert "138****5678" in logged
    assert f"length={len(text)}" in logged
    assert "outbox-7" in logged
    assert PHONE not in logged
    assert "秘密内容" not in logged


def test_sms_goes_to_the_configured_backend(sms_dir):
    deliver(_message())

    [line] = sms_lines(sms_dir)
    assert line == {
        "at": line["at"],
        "reference": "outbox-41",
        "to": PHONE,
        "text": "【甘孜州政务服务网】您好！您申请办理的事项已受理。",
    }


def test_email_goes_through_django_mail(sms_dir, mailoutbox):
    deliver(_message(channel=OutboxChannel.EMAIL, recipient="a@example.cn"))

    [email] = mailoutbox
    assert email.to == ["a@example.cn"]
    assert email.subject == "受理通知"
    assert sms_lines(sms_dir) == []


def test_unknown_channel_raises():
    with pytest.raises(NotificationError):
        deliver(_message(channel="fax"))


def test_bad_backend_path_raises(settings):
    settings.SMS_BACKEND = "people.outbox.backends.NoSuchBackend"
    with pytest.raises(ImportError):
        deliver(_message())
