"""Development e-mail goes to files, never to the console log (a message
carries the tracking query code); the console backend logs no text."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from people.constants import OutboxChannel
from people.models import OutboxMessage
from people.outbox.backends import deliver
from people.outbox.mail import mask_email

ROOT = Path(__file__).resolve().parents[3]
BODY = "您好！您申请办理的事项已受理。\n办件编号：GZ1\n查询码：K7M2PQ8X"


def _message(**fields) -> OutboxMessage:
    data = {
        "pk": 41,
        "channel": OutboxChannel.EMAIL,
        "recipient": "zhaxi@example.cn",
        "subject": "受理通知",
        "body": BODY,
    }
    data.update(fields)
    return OutboxMessage(**data)


def test_file_backend_writes_the_whole_message_to_a_file(
    settings, tmp_path, capsys, caplog
):
    settings.EMAIL_BACKEND = "people.outbox.mail.FileEmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    with caplog.at_level(logging.DEBUG):
        deliver(_message())
        deliver(_message())  # a repeat of the same Message-ID is dropped

    [file] = (tmp_path / "mail").iterdir()
    text = file.read_bytes().decode()
    assert "Message-ID: <outbox-41@gzz.gov.cn>" in text
    assert "zhaxi@example.cn" in text
    assert text.count("Message-ID:") == 1
    out = capsys.readouterr()
    assert "K7M2PQ8X" not in out.out + out.err + caplog.text
    assert "email.repeat_dropped" in caplog.text


def test_console_backend_logs_the_id_and_length_only(settings, capsys, caplog):
    settings.EMAIL_BACKEND = "people.outbox.mail.ConsoleEmailBackend"
    with caplog.at_level(logging.INFO, logger="people.outbox.mail"):
        deliver(_message())

    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    assert "message_id=<outbox-41@gzz.gov.cn>" in caplog.text
    assert f"length={len(BODY)}" in caplog.text
    assert "z***@example.cn" in caplog.text
    for secret in ("K7M2PQ8X", "zhaxi@", "受理通知", "您好"):
        assert secret not in caplog.text


@pytest.mark.parametrize(
    ("address", "masked"),
    [("zhaxi@example.cn", "z***@example.cn"), ("", "***"), ("no-at", "***")],
)
def test_mask_email(address, masked):
    assert mask_email(address) == masked


def _settings_of(module: str, **env) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.EMAIL_BACKEND, s.SMS_BACKEND, str(s.EMAIL_FILE_PATH)]))"
    )
    environ = {k: v for k, v in os.environ.items() if not k.endswith("_BACKEND")}
    environ.update(
        DJANGO_SETTINGS_MODULE=module,
        DJANGO_SECRET_KEY="test-only-" + "x" * 50,
        ID_HASH_KEY="test-hash",
        ID_ENCRYPTION_KEY="test-enc",
        **env,
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    email, sms, path = json.loads(out.strip().splitlines()[-1])
    return {"email": email, "sms": sms, "path": path}


def test_development_writes_messages_to_files_under_var():
    dev = _settings_of("portal.settings.dev")
    assert dev["email"] == "people.outbox.mail.FileEmailBackend"
    assert dev["sms"] == "people.outbox.backends.FileSmsBackend"
    assert dev["path"].endswith("/mail")


def test_production_keeps_its_backends_and_an_explicit_choice_wins():
    prod = _settings_of("portal.settings.production")
    assert prod["email"] == "people.outbox.mail.ConsoleEmailBackend"
    assert prod["sms"] == "people.outbox.backends.ConsoleSmsBackend"
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    assert _settings_of("portal.settings.dev", EMAIL_BACKEND=smtp)["email"] == smtp
