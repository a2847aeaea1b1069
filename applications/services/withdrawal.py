"""Withdrawal by the applicant before a decision (撤回).

Edges: draft, submitted, supplement requested, accepted, in review ->
withdrawn. From accepted or in review (``constants.UNDER_HANDLING``) the
application is being handled elsewhere: ``hooks.on_withdrawn_after_acceptance``
fires inside the transaction, so routing stops its tasks and clocks with the
withdrawal or, failing, undoes it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from portal.errors import PermissionDeniedError, ServiceError

from .. import constants as c
from .. import hooks
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
        from_status = locked.status
        reason = (reason or "").strip()[:500]
        locked.withdrawn_at = timezone.now()
        transition_locked(
            locked, S.WITHDRAWN, actor=user, reason=reason, fields=["withdrawn_at"]
        )
        if from_status in c.UNDER_HANDLING:
            hooks.on_withdrawn_after_acceptance.fire(
                hooks.WithdrawnAfterAcceptance(
                    application=locked,
                    from_status=from_status,
                    actor=user,
                    at=locked.withdrawn_at,
                    reason=reason,
                )
            )
    return locked
