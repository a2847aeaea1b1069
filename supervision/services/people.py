"""Who acts for a department or the office, and the messages they get (outbox)."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import models

from applications.services.notify import contact_recipients, sms_prefix
from people.services.outbox import outbox_enqueue, outbox_message
from portal.roles import Role, user_has_role, user_roles

logger = logging.getLogger(__name__)


def is_supervisor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user_has_role(
        user, Role.SUPERVISOR
    )


def head_department_id(user) -> int | None:
    """The department a department head heads, or None (not a head)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if Role.DEPARTMENT_HEAD not in user_roles(user):
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.department_id if profile else None


def clerk_hall_id(user) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if Role.CLERK not in user_roles(user):
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.hall_id if profile else None


def heads_of(department_id: int | None) -> models.QuerySet:
    users = get_user_model().objects.filter(
        is_active=True, groups__name=Role.DEPARTMENT_HEAD
    )
    if department_id is None:
        return users.none()
    return users.filter(staff_profile__department_id=department_id)


def supervisors() -> models.QuerySet:
    return get_user_model().objects.filter(is_active=True, groups__name=Role.SUPERVISOR)


def staff_notify(*, users, about, key: str, subject: str, body: str) -> int:
    """One e-mail and/or SMS per staff user, inside the caller's transaction.

    ``key`` names the occasion (``rectification:7:deadline:31``); with the
    user and channel it makes the dedupe key, so a repeat sends nothing.
    """
    rows = []
    contacts = (
        users.distinct()
        .order_by("pk")
        .values_list("pk", "email", "phone", "applicant__email", "applicant__phone")
    )
    for pk, *contact in contacts:
        for i, recipient in enumerate(contact_recipients(*contact)):
            text = body if recipient.channel == "email" else sms_prefix() + body
            message = outbox_message(
                channel=recipient.channel,
                recipient=recipient.address,
                subject=subject,
                body=text,
                dedupe_key=f"supervision:{key}:{pk}:{recipient.channel}:{i}",
                about=about,
            )
            if message is not None:
                rows.append(message)
    created = outbox_enqueue(messages=rows) if rows else []
    logger.info("supervision.notify key=%s new=%s", key, len(created))
    return len(created)
