"""Messages workflow sends: to the applicant (supplement, extension, inspection)
and to staff (a task overdue, an escalation), all through people's outbox.

Rows are written in the caller's transaction and sent after commit (the
outbox's promise: at least once, repeats dropped by the dedupe key, which
names what sent them: ``wf:<event>:<row id>:<user or "a">:<channel>:<i>``).
Texts name the item and the application number, never a person's name or
ID number; staff free text is scrubbed like applications' messages.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from applications.models import Application
from applications.services.notify import application_recipients, scrub, sms_prefix
from people.constants import OutboxChannel
from people.services.outbox import outbox_enqueue, outbox_message
from portal.roles import Role

logger = logging.getLogger(__name__)


def applicant_notify(
    *, application: Application, event: str, ref: int, subject: str, body: str
) -> int:
    """Tell the applicant; returns how many outbox rows were written."""
    recipients = application_recipients(application=application)
    messages = []
    prefix = sms_prefix()
    for i, recipient in enumerate(recipients):
        text = f"{application.version.name}（{application.number}）：{scrub(body)}"
        message = outbox_message(
            channel=recipient.channel,
            recipient=recipient.address,
            subject=subject,
            body=f"{prefix}{text}" if recipient.channel == OutboxChannel.SMS else text,
            dedupe_key=f"wf:{event}:{ref}:a:{recipient.channel}:{i}",
            about=application,
            reference=application.number or "",
        )
        if message is not None:
            messages.append(message)
    created = outbox_enqueue(messages=messages)
    logger.info(
        "workflow.notify application_id=%s event=%s new=%s",
        application.pk,
        event,
        len(created),
    )
    return len(created)


def staff_notify(*, users, event: str, ref: int, subject: str, body: str, about) -> int:
    """Tell staff users by e-mail and SMS (their account's addresses)."""
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        prefix = sms_prefix()
    for user in users:
        for channel, address in (
            (OutboxChannel.EMAIL, user.email),
            (OutboxChannel.SMS, getattr(user, "phone", "")),
        ):
            if not (address or "").strip():
                continue
            message = outbox_message(
                channel=channel,
                recipient=address,
                subject=subject,
                body=f"{prefix}{body}" if channel == OutboxChannel.SMS else body,
                dedupe_key=f"wf:{event}:{ref}:{user.pk}:{channel}:0",
                about=about,
            )
            if message is not None:
                messages.append(message)
    created = outbox_enqueue(messages=messages)
    logger.info(
        "workflow.notify_staff event=%s ref=%s new=%s", event, ref, len(created)
    )
    return len(created)


def department_heads(department_id: int):
    return get_user_model().objects.filter(
        is_active=True,
        groups__name=Role.DEPARTMENT_HEAD.value,
        staff_profile__department_id=department_id,
    )


def supervisors():
    """The prefecture's supervisors (role supervisor)."""
    return get_user_model().objects.filter(
        is_active=True, groups__name=Role.SUPERVISOR.value
    )
