"""Acceptance review at the hall: accept, one-time notice, refuse (受理审查).

Only a clerk of the application's hall may act (anyone else gets 404).
Accepting sets the promised completion date from the pinned version (a local
variance wins) and hands over to later apps through hooks.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.errors import ErrorCollector, ServiceError

from .. import constants as c
from .. import hooks
from ..models import Application, ApplicationMaterial, SupplementNotice
from ..selectors import application_not_found, is_hall_clerk
from .status import lock_for_update, transition_locked
from .time_limits import (
    limit_end,
    supplement_due_default,
    supplement_due_latest,
    supplement_due_provisional,
)
from .tolerance import tolerance_clocks_start

S = c.ApplicationStatus


def _lock_for_clerk(application: Application, clerk) -> Application:
    """Lock; a user who is not a clerk of the application's hall gets 404."""
    locked = lock_for_update(application)
    if not is_hall_clerk(clerk, locked.hall_id):
        raise application_not_found()
    return locked


def promised_limit(*, application: Application) -> tuple[int | None, str]:
    """(days, unit) of the promised limit: the pinned version's, a local variance wins.

    Workflow times the case's promised clock with the same value.
    """
    version = application.version
    override = (
        application.implementation.variances.filter(field="promised_limit_value")
        .values_list("local_value", flat=True)
        .first()
    )
    value = version.promised_limit_value
    if override is not None:
        with contextlib.suppress(TypeError, ValueError):
            value = int(override)
    return value, version.promised_limit_unit


def promised_completion(
    *, application: Application, start: dt.date
) -> tuple[dt.date | None, bool]:
    """Promised completion date from the pinned version (local variance wins)."""
    value, unit = promised_limit(application=application)
    if value is None:
        return None, False
    return limit_end(start, value, unit)


def accept_locked(
    locked: Application, *, actor, accepted_at, deemed: bool, reason: str = ""
) -> Application:
    """Accept a LOCKED application as of ``accepted_at``; fire ``on_accepted``.

    The one acceptance, whoever accepts: a clerk now, or the system for a
    deemed acceptance as of the day the materials arrived. The promised
    completion date counts from that day. Edge: submitted -> accepted.
    """
    accepted_on = timezone.localdate(accepted_at)
    promised, provisional = promised_completion(application=locked, start=accepted_on)
    locked.accepted_at = accepted_at
    locked.accepted_by = actor
    locked.acceptance_deemed = deemed
    locked.promised_date = promised
    locked.dates_provisional = locked.dates_provisional or provisional
    transition_locked(
        locked,
        S.ACCEPTED,
        actor=actor,
        reason=reason,
        fields=[
            "accepted_at",
            "accepted_by",
            "acceptance_deemed",
            "promised_date",
            "dates_provisional",
        ],
        changes={
            "promised_date": promised.isoformat() if promised else None,
            **(
                {"deemed": True, "accepted_on": accepted_on.isoformat()}
                if deemed
                else {}
            ),
        },
    )
    # Each tolerated material's promise date is watched from acceptance.
    tolerance_clocks_start(locked, accepted_on=accepted_on, actor=actor)
    hooks.on_accepted.fire(
        hooks.Accepted(
            application=locked, actor=actor, accepted_on=accepted_on, deemed=deemed
        )
    )
    return locked


def application_accept(*, application: Application, clerk) -> Application:
    """Accept at the hall (受理) and hand over to the workflow seam.

    Edge: submitted -> accepted. Hooks: ``on_accepted`` (in the transaction).
    """
    with transaction.atomic():
        locked = _lock_for_clerk(application, clerk)
        accept_locked(locked, actor=clerk, accepted_at=timezone.now(), deemed=False)
    return locked


def supplement_due_checked(
    due_date: dt.date | None, *, today: dt.date, errors: ErrorCollector
) -> tuple[dt.date, bool]:
    """The notice's due date: the clerk's choice within limits, else the default.

    Not before today (a due date ends at the end of its day), not after
    SUPPLEMENT_DUE_MAX_WORKING_DAYS working days; a date outside is added to
    ``errors`` (field ``due_date``) and the default returned meanwhile.
    """
    default = supplement_due_default(today)
    if due_date is None:
        return default
    latest = supplement_due_latest(today)
    if due_date < today:
        errors.add("supplement_due_past", _("补正期限不能早于今天"), "due_date")
    elif due_date > latest:
        errors.add(
            "supplement_due_too_late",
            _("补正期限最迟为%(latest)s（%(days)s个工作日）")
            % {
                "latest": date_format(latest),
                "days": settings.SUPPLEMENT_DUE_MAX_WORKING_DAYS,
            },
            "due_date",
        )
    else:
        return due_date, supplement_due_provisional(today, due_date)
    return default


def application_request_supplement(
    *,
    application: Application,
    clerk,
    items: list[dict],
    due_date: dt.date | None = None,
) -> SupplementNotice:
    """One-time notice (一次性告知): every missing or faulty material at once.

    Edge: submitted -> supplement requested. ``due_date``: the last day to
    supplement, chosen by the clerk (today up to the configured limit), else
    the configured default; stored on the notice, where the lapse timer and
    the printed notice read it.
    """
    with transaction.atomic():
        locked = _lock_for_clerk(application, clerk)
        now = timezone.now()
        rows = {
            am.material_id: am
            for am in ApplicationMaterial.objects.select_related("material").filter(
                application=locked
            )
        }
        errors = ErrorCollector()
        if not isinstance(items, list) or not items:
            raise ServiceError(
                "supplement_items_required",
                _("一次性告知须至少列明一项需补正的材料及问题"),
                field="items",
            )
        listed: list[tuple[ApplicationMaterial, str]] = []
        seen: set[int] = set()
        for i, item in enumerate(items):
            item = item if isinstance(item, dict) else {}
            try:
                material_id = int(item.get("material_id"))
            except (TypeError, ValueError):
                material_id = None
            problem = str(item.get("problem") or "").strip()
            row = rows.get(material_id)
            if row is None:
                errors.add(
                    "material_unknown",
                    _("该办件没有这项材料"),
                    f"items[{i}].material_id",
                )
            elif material_id in seen:
                errors.add(
                    "material_duplicate",
                    _("材料“%(name)s”重复列出，请合并说明")
                    % {"name": row.material.name},
                    f"items[{i}].material_id",
                )
            if not problem:
                errors.add(
                    "problem_required",
                    _("请写明材料存在的问题"),
                    f"items[{i}].problem",
                )
            elif len(problem) > 300:
                errors.add(
                    "problem_too_long",
                    _("问题说明不超过%(limit_value)d字") % {"limit_value": 300},
                    f"items[{i}].problem",
                )
            if row is not None and material_id not in seen and problem:
                listed.append((row, problem))
            if material_id is not None:
                seen.add(material_id)
        due, due_provisional = supplement_due_checked(
            due_date, today=timezone.localdate(now), errors=errors
        )
        errors.raise_if_any("supplement_invalid", _("一次性告知内容有误"))
        for row in rows.values():
            row.problem = ""
        for row, problem in listed:
            row.problem = problem
        ApplicationMaterial.objects.bulk_update(list(rows.values()), ["problem"])
        notice = SupplementNotice.objects.create(
            application=locked,
            items=[
                {
                    "material_id": row.material_id,
                    "name": row.material.name,
                    "problem": p,
                }
                for row, p in listed
            ],
            issued_by=clerk,
            issued_at=now,
            due_date=due,
            due_provisional=due_provisional,
        )
        transition_locked(
            locked,
            S.SUPPLEMENT_REQUESTED,
            actor=clerk,
            reason="；".join(f"{r.material.name}：{p}" for r, p in listed)[:2000],
            changes={
                "notice": notice.pk,
                "materials": [r.material_id for r, _p in listed],
                "due_date": due.isoformat(),
            },
        )
    return notice


def application_refuse(
    *, application: Application, clerk, reason: str, legal_basis: str
) -> Application:
    """Refuse to accept (不予受理), with the reason and its legal basis.

    Edges: submitted -> refused, supplement requested -> refused.
    """
    reason = (reason or "").strip()
    legal_basis = (legal_basis or "").strip()
    with transaction.atomic():
        locked = _lock_for_clerk(application, clerk)
        errors = ErrorCollector()
        if not reason:
            errors.add("reason_required", _("请填写不予受理的理由"), "reason")
        if not legal_basis:
            errors.add(
                "legal_basis_required", _("请填写不予受理的法律依据"), "legal_basis"
            )
        elif len(legal_basis) > 300:
            errors.add(
                "legal_basis_too_long",
                _("法律依据不超过%(limit_value)d字") % {"limit_value": 300},
                "legal_basis",
            )
        errors.raise_if_any("refusal_incomplete", _("不予受理须写明理由和法律依据"))
        locked.refusal_reason = reason
        locked.refusal_basis = legal_basis
        transition_locked(
            locked,
            S.REFUSED,
            actor=clerk,
            reason=reason,
            fields=["refusal_reason", "refusal_basis"],
            changes={"legal_basis": legal_basis},
        )
    return locked
