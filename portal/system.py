"""The system actor: the user row that timers act as.

Actions no person takes (deemed acceptance when the acceptance window lapses,
closing an application whose supplement never came) still need an actor on
their StatusChange rows and audit entries, so the audit log says "the
system" and not "nobody". The actor is one real user row with the stable
username ``system``: inactive and with an unusable password, so no login,
token or password reset path can ever authenticate as it (Django's backends
refuse inactive users; the reset form skips unusable passwords).

The row is created by :func:`system_user` on first use (get-or-create, safe
when two workers race), not by a data migration: no other code path sees it
before a timer acts. The name is reserved meanwhile: registration refuses
``system`` (people.services.applicants). Portal's base: no app import.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

SYSTEM_USERNAME = "system"
SYSTEM_DISPLAY_NAME = "系统"


class SystemUserError(RuntimeError):
    """A user named ``system`` exists that could log in: refuse to act as it."""


def _defaults() -> dict:
    return {"display_name": SYSTEM_DISPLAY_NAME, "is_active": False}


def system_user():
    """The system actor's row (created if missing). Never loginable.

    Raises :class:`SystemUserError` if a row named ``system`` is active
    or has a usable password: acting as a user someone can log in as would
    make the audit log lie about who acted.
    """
    user_model = get_user_model()
    user = user_model.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        candidate = user_model(username=SYSTEM_USERNAME, **_defaults())
        candidate.set_unusable_password()
        try:
            with transaction.atomic():
                candidate.save()
            user = candidate
        except IntegrityError:  # created concurrently
            user = user_model.objects.get(username=SYSTEM_USERNAME)
    if user.is_active or user.has_usable_password() or user.is_superuser:
        raise SystemUserError(
            "the 'system' user can log in; make it inactive with no password"
        )
    return user


def is_system_user(user) -> bool:
    return getattr(user, "username", None) == SYSTEM_USERNAME and not getattr(
        user, "is_active", True
    )
