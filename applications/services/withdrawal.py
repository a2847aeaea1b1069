"""Withdrawal by the applicant before a decision (撤回)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from portal.errors import PermissionDeniedError, ServiceError

from .. import constants as c
from ..models import Application
from ..selectors import may_withdraw
from .status import lock_for_update, transition_locked

S = c.ApplicationStatus


def application_withdraw(
    *, application: Application, user, reason: str = ""
) -> Application:
    """The applicant withdraws before a decision (draft to in review)."""
    with transaction.atomic():
        locked = lock_for_update(application)
        if not may_withdraw(user=user, application=locked):
            raise PermissionDeniedError(
                "withdraw_not_allowed_for_user", "只有申请人本人可以撤回办件"
            )
        if locked.status not in c.WITHDRAWABLE:
            raise ServiceError(
                "withdraw_not_allowed",
                f"办件当前状态为“{locked.get_status_display()}”，已不能撤回",
                status=409,
            )
        locked.withdrawn_at = timezone.now()
        transition_locked(
            locked,
            S.WITHDRAWN,
            actor=user,
            reason=(reason or "").strip()[:500],
            fields=["withdrawn_at"],
        )
    return locked
