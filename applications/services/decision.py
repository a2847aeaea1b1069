"""After handling: the decision, its delivery and the archive (决定、送达、办结归档).

Three use cases, each one edge set of ``constants.TRANSITIONS``:

- :func:`application_decide`: in review -> approved / rejected (Art. 37-38).
  A reviewer or head of the implementing department records the outcome,
  its basis and when it was made; an approval gets its delivery due date
  (Art. 44: 10 working days), stored. Hook ``on_decided`` (in the
  transaction).
- :func:`application_deliver`: approved -> delivered (Art. 44), by the
  department or a clerk of the application's hall, with how and when. Hook
  ``on_delivered`` (in the transaction).
- :func:`application_close`: delivered / rejected / refused / withdrawn ->
  closed (archived), by the same people. Hook ``on_closed`` (after commit).
  The other edges into closed are not taken here: supplement requested ->
  closed is the lapse timer's (applications.services.timers), accepted ->
  closed is workflow's.

Anyone else gets 404 when they may not see the application and 403 when they
may; a wrong state is the table's ``transition_forbidden`` (409).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.errors import ErrorCollector, PermissionDeniedError
from portal.system import is_system_user
from portal.workdays import add_working_days

from .. import constants as c
from .. import hooks
from ..models import Application
from ..selectors import application_not_found
from ..visibility import is_department_staff, is_hall_clerk
from .status import lock_for_update, require_from, transition_locked

S = c.ApplicationStatus
BASIS_MAX = 2000
# A clock a little ahead of the server's must not refuse "now".
CLOCK_SKEW = dt.timedelta(minutes=5)


def _lock_for_department(application: Application, user, *, hall_too: bool):
    """Lock; 404 unless ``user`` may see it, 403 unless they may act on it."""
    locked = lock_for_update(application)
    allowed = is_department_staff(user, locked.implementation.department_id) or (
        hall_too and is_hall_clerk(user, locked.hall_id)
    )
    if not allowed:
        if not Application.objects.visible_to(user).filter(pk=locked.pk).exists():
            raise application_not_found()
        raise PermissionDeniedError(
            "not_handling_department",
            _("只有实施部门的审核人员或科室负责人、受理大厅的窗口人员可以办理此操作")
            if hall_too
            else _("只有实施部门的审核人员或科室负责人可以办理此操作"),
        )
    return locked


def _moment(
    value: dt.datetime | None,
    *,
    now: dt.datetime,
    after: dt.datetime | None,
    field: str,
    label: str,
    after_label: str,
    errors: ErrorCollector,
) -> dt.datetime:
    """A recorded moment: ``now`` by default, never in the future or before ``after``."""
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + CLOCK_SKEW:
        errors.add(
            f"{field}_future", _("%(label)s不能晚于当前时间") % {"label": label}, field
        )
    elif after is not None and value < after:
        errors.add(
            f"{field}_too_early",
            _("%(label)s不能早于%(after_label)s（%(after)s）")
            % {
                "label": label,
                "after_label": after_label,
                "after": f"{timezone.localtime(after):%Y-%m-%d %H:%M}",
            },
            field,
        )
    return value


def application_decide(
    *,
    application: Application,
    actor,
    outcome: str,
    basis: str,
    decided_at: dt.datetime | None = None,
) -> Application:
    """Record the decision: approved or rejected, its basis, when it was made.

    Edges: in review -> approved, in review -> rejected. ``basis``: the legal
    basis and, for a rejection, the reasons (Art. 38), required.
    ``decided_at``: the date on the written decision, not in the future and
    not before acceptance; default now.
    """
    with transaction.atomic():
        locked = _lock_for_department(application, actor, hall_too=False)
        decide_locked(
            locked, actor=actor, outcome=outcome, basis=basis, decided_at=decided_at
        )
    return locked


def decide_locked(
    locked: Application,
    *,
    actor,
    outcome: str,
    basis: str,
    decided_at: dt.datetime | None = None,
) -> Application:
    """Record the decision on a LOCKED application whose actor was checked.

    The one decision, whoever decides: a reviewer of the implementing
    department through :func:`application_decide`, or workflow when the last
    stage of a case closes (the deciding reviewer's right was checked on the
    task, under the case's lock). Same rules, edges and hook as
    :func:`application_decide`.
    """
    basis = (basis or "").strip()
    to_status = S.REJECTED if outcome == c.DecisionOutcome.REJECTED else S.APPROVED
    require_from(locked, to_status, {S.IN_REVIEW})
    errors = ErrorCollector()
    if outcome not in c.DecisionOutcome.values:
        errors.add("outcome_invalid", _("请选择准予许可或不予许可"), "outcome")
    if not basis:
        errors.add("decision_basis_required", _("请填写决定的依据和理由"), "basis")
    elif len(basis) > BASIS_MAX:
        errors.add(
            "decision_basis_too_long",
            _("决定依据不超过%(limit)s字") % {"limit": BASIS_MAX},
            "basis",
        )
    now = timezone.now()
    decided_at = _moment(
        decided_at,
        now=now,
        after=locked.accepted_at,
        field="decided_at",
        label=_("决定时间"),
        after_label=_("受理时间"),
        errors=errors,
    )
    errors.raise_if_any("decision_invalid", _("决定内容有误"))
    locked.decision = outcome
    locked.decision_basis = basis
    locked.decided_at = decided_at
    locked.decided_by = actor
    fields = ["decision", "decision_basis", "decided_at", "decided_by"]
    changes: dict = {"decision": outcome, "decided_at": decided_at.isoformat()}
    if to_status == S.APPROVED:
        due, provisional = add_working_days(
            timezone.localdate(decided_at), c.DELIVERY_WORKING_DAYS
        )
        locked.delivery_due = due
        locked.dates_provisional = locked.dates_provisional or provisional
        fields += ["delivery_due", "dates_provisional"]
        changes["delivery_due"] = due.isoformat()
    transition_locked(
        locked,
        to_status,
        actor=actor,
        reason=basis,
        fields=fields,
        changes=changes,
    )
    hooks.on_decided.fire(
        hooks.Decided(
            application=locked,
            outcome=outcome,
            basis=basis,
            decided_at=decided_at,
            actor=actor,
        )
    )
    return locked


def application_deliver(
    *,
    application: Application,
    actor,
    method: str,
    delivered_at: dt.datetime | None = None,
) -> Application:
    """The result reached the applicant (送达): how and when.

    Edge: approved -> delivered. ``delivered_at`` not in the future and not
    before the decision; default now.
    """
    with transaction.atomic():
        locked = _lock_for_department(application, actor, hall_too=True)
        require_from(locked, S.DELIVERED, {S.APPROVED})
        errors = ErrorCollector()
        if method not in c.DeliveryMethod.values:
            errors.add("delivery_method_invalid", _("请选择送达方式"), "method")
        delivered_at = _moment(
            delivered_at,
            now=timezone.now(),
            after=locked.decided_at,
            field="delivered_at",
            label=_("送达时间"),
            after_label=_("决定时间"),
            errors=errors,
        )
        errors.raise_if_any("delivery_invalid", _("送达信息有误"))
        locked.delivered_at = delivered_at
        locked.delivery_method = method
        with translation.override(settings.LANGUAGE_CODE):  # stored text
            reason = str(locked.get_delivery_method_display())
        transition_locked(
            locked,
            S.DELIVERED,
            actor=actor,
            reason=reason,
            fields=["delivered_at", "delivery_method"],
            changes={"method": method, "delivered_at": delivered_at.isoformat()},
        )
        hooks.on_delivered.fire(
            hooks.Delivered(
                application=locked,
                method=method,
                delivered_at=delivered_at,
                actor=actor,
            )
        )
    return locked


def close_locked(
    locked: Application, *, actor, reason: str, text: str = "", changes=None
) -> None:
    """Close a LOCKED application whose state the caller checked; queue ``on_closed``.

    ``reason``: a ClosureReason, stored (the applicant's message depends on
    it); ``text``: the StatusChange reason.
    """
    from_status = locked.status
    locked.closed_at = timezone.now()
    locked.closure_reason = reason
    transition_locked(
        locked,
        S.CLOSED,
        actor=actor,
        reason=text,
        fields=["closed_at", "closure_reason"],
        changes={"closure_reason": reason, **(changes or {})},
    )
    hooks.on_closed.fire(
        hooks.Closed(
            application_id=locked.pk,
            number=locked.number or "",
            from_status=from_status,
            reason=reason,
            actor_id=getattr(actor, "pk", None),
            by_system=is_system_user(actor),
            at=locked.closed_at,
        )
    )


def application_close(*, application: Application, actor) -> Application:
    """Archive an application that has ended (办结归档).

    Edges: delivered, rejected, refused, withdrawn -> closed. Any other
    state is refused as a forbidden transition, including the two other
    edges into closed, which are not this use case's.
    """
    with transaction.atomic():
        locked = _lock_for_department(application, actor, hall_too=True)
        require_from(locked, S.CLOSED, c.ARCHIVABLE)
        close_locked(locked, actor=actor, reason=c.ClosureReason.ARCHIVED)
    return locked
