"""Acceptance review at the hall: accept, one-time notice, refuse (受理审查).

Only a clerk of the application's hall may act (anyone else gets 404).
Accepting sets the promised completion date from the pinned version (a local
variance wins) and hands over to later apps through hooks.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.db import transaction
from django.utils import timezone

from portal.errors import ErrorCollector, ServiceError

from .. import constants as c
from .. import hooks
from ..models import Application, ApplicationMaterial, SupplementNotice
from ..selectors import application_not_found, is_hall_clerk
from .status import lock_for_update, transition_locked
from .time_limits import limit_end

S = c.ApplicationStatus


def _lock_for_clerk(application: Application, clerk) -> Application:
    """Lock; a user who is not a clerk of the application's hall gets 404."""
    locked = lock_for_update(application)
    if not is_hall_clerk(clerk, locked.hall_id):
        raise application_not_found()
    return locked


def promised_completion(
    *, application: Application, start: dt.date
) -> tuple[dt.date | None, bool]:
    """Promised completion date from the pinned version (local variance wins)."""
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
    if value is None:
        return None, False
    return limit_end(start, value, version.promised_limit_unit)


def application_accept(*, application: Application, clerk) -> Application:
    """Accept at the hall (受理) and hand over to the workflow seam."""
    with transaction.atomic():
        locked = _lock_for_clerk(application, clerk)
        now = timezone.now()
        today = timezone.localdate(now)
        promised, provisional = promised_completion(application=locked, start=today)
        locked.accepted_at = now
        locked.accepted_by = clerk
        locked.promised_date = promised
        locked.dates_provisional = locked.dates_provisional or provisional
        transition_locked(
            locked,
            S.ACCEPTED,
            actor=clerk,
            fields=["accepted_at", "accepted_by", "promised_date", "dates_provisional"],
            changes={"promised_date": promised.isoformat() if promised else None},
        )
        hooks.run_acceptance_handlers(locked)
    return locked


def application_request_supplement(
    *, application: Application, clerk, items: list[dict]
) -> SupplementNotice:
    """One-time notice (一次性告知): every missing or faulty material at once."""
    with transaction.atomic():
        locked = _lock_for_clerk(application, clerk)
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
                "一次性告知须至少列明一项需补正的材料及问题",
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
                    "material_unknown", "该办件没有这项材料", f"items[{i}].material_id"
                )
            elif material_id in seen:
                errors.add(
                    "material_duplicate",
                    f"材料“{row.material.name}”重复列出，请合并说明",
                    f"items[{i}].material_id",
                )
            if not problem:
                errors.add(
                    "problem_required", "请写明材料存在的问题", f"items[{i}].problem"
                )
            elif len(problem) > 300:
                errors.add(
                    "problem_too_long", "问题说明不超过300字", f"items[{i}].problem"
                )
            if row is not None and material_id not in seen and problem:
                listed.append((row, problem))
            if material_id is not None:
                seen.add(material_id)
        errors.raise_if_any("supplement_invalid", "一次性告知内容有误")
        now = timezone.now()
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
        )
        transition_locked(
            locked,
            S.SUPPLEMENT_REQUESTED,
            actor=clerk,
            reason="；".join(f"{r.material.name}：{p}" for r, p in listed)[:2000],
            changes={
                "notice": notice.pk,
                "materials": [r.material_id for r, _ in listed],
            },
        )
    return notice


def application_refuse(
    *, application: Application, clerk, reason: str, legal_basis: str
) -> Application:
    """Refuse to accept (不予受理), with the reason and its legal basis."""
    reason = (reason or "").strip()
    legal_basis = (legal_basis or "").strip()
    with transaction.atomic():
        locked = _lock_for_clerk(application, clerk)
        errors = ErrorCollector()
        if not reason:
            errors.add("reason_required", "请填写不予受理的理由", "reason")
        if not legal_basis:
            errors.add(
                "legal_basis_required", "请填写不予受理的法律依据", "legal_basis"
            )
        elif len(legal_basis) > 300:
            errors.add("legal_basis_too_long", "法律依据不超过300字", "legal_basis")
        errors.raise_if_any("refusal_incomplete", "不予受理须写明理由和法律依据")
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
