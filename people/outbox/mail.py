"""Development e-mail backends that drop a repeat of a Message-ID, as mail
systems do with the outbox's ids (people.outbox.backends.message_id_header).

``ConsoleEmailBackend`` is the development default (EMAIL_BACKEND);
``LocmemEmailBackend`` is for tests that check the promise. A message
without a Message-ID passes through. A dropped repeat counts as sent: the
recipient has it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.core.mail.backends import console, locmem
from django.utils import timezone

from . import ledger

logger = logging.getLogger(__name__)

EMAIL_LEDGER = "email-message-ids.jsonl"


class DropRepeatsMixin:
    def send_messages(self, email_messages) -> int:
        fresh = []
        for message in email_messages or []:
            message_id = message.extra_headers.get("Message-ID")
            if message_id and not ledger.accept_once(
                Path(settings.NOTIFY_FILE_DIR) / EMAIL_LEDGER,
                message_id,
                {"at": timezone.now().isoformat()},
            ):
                logger.info("email.repeat_dropped message_id=%s", message_id)
                continue
            fresh.append(message)
        repeats = len(email_messages or []) - len(fresh)
        return repeats + (super().send_messages(fresh) if fresh else 0)


class ConsoleEmailBackend(DropRepeatsMixin, console.EmailBackend):
    pass


class LocmemEmailBackend(DropRepeatsMixin, locmem.EmailBackend):
    pass
