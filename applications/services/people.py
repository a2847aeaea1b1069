"""Agent authorisations: a citizen lets a township agent apply for them.

(Identity itself, registration, enterprises and their members, is the people
app's: people.services.applicants and people.services.enterprises. This
module keeps its name for now so concurrent work on sniff_document merges;
it holds agent authorisations only.)

Each function validates everything first (so the user hears every problem at
once), then writes inside one ``transaction.atomic()`` with the audit entry.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from applications.models import AgentAuthorization
from applications.uploads import AUTHORIZATION_DOCUMENT, check_upload
from people.models import ApplicantProfile
from portal.audit import audit_record
from portal.errors import (
    ErrorCollector,
    NotFoundError,
    PermissionDeniedError,
    ServiceError,
)
from portal.models import User
from portal.roles import Role, user_has_role, user_roles

STATEMENT_MIN = 10
AUTH_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# Content sniffing (applications.uploads): the bytes decide, never the name.
AUTH_DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}


# --------------------------------------------------------------------------
# Agent authorisations


def sniff_document(document: File) -> str:
    """Return the extension the content proves (pdf/jpg/png) or raise.

    The upload policy's ``authorization_document`` profile decides
    (applications.uploads): size, type by content, image and PDF checks.
    """
    checked = check_upload(document, AUTHORIZATION_DOCUMENT)
    return checked.extension.lstrip(".")


def agent_authorization_grant(
    *,
    agent: User,
    citizen: User,
    valid_until: dt.date,
    item=None,
    document: File | None = None,
    signed_statement: str = "",
    actor: User,
) -> AgentAuthorization:
    """Record a citizen's authorisation of a township agent.

    Evidence is either an uploaded document (checked by content) or the
    statement text the citizen signed. Recorded by the agent themself or by a
    hall clerk.
    """
    if Role.AGENT.value not in user_roles(agent):
        raise ServiceError("not_agent", "被授权人不是登记在册的代办员", field="agent")
    if actor.pk != agent.pk and not user_has_role(actor, Role.CLERK):
        raise PermissionDeniedError(
            "grant_forbidden", "只有代办员本人或窗口人员可以登记代办授权"
        )
    errors = ErrorCollector()
    if citizen.pk == agent.pk:
        errors.add("citizen_is_agent", "代办员不能为自己登记授权", "citizen")
    elif not ApplicantProfile.objects.filter(user=citizen).exists():
        errors.add("citizen_not_registered", "委托人尚未登记为申请人", "citizen")
    today = timezone.localdate()
    if valid_until is None:
        errors.add("valid_until_required", "请填写授权有效期", "valid_until")
    elif valid_until < today:
        errors.add("valid_until_past", "授权有效期不能早于今天", "valid_until")
    signed_statement = (signed_statement or "").strip()
    ext = None
    if document:
        try:
            ext = sniff_document(document)
        except ServiceError as exc:
            errors.add(exc.code, exc.detail, exc.field)
    if signed_statement and len(signed_statement) < STATEMENT_MIN:
        errors.add(
            "statement_too_short",
            f"授权声明过短（至少{STATEMENT_MIN}个字），请写明委托事项和期限",
            "signed_statement",
        )
    if not document and not signed_statement:
        errors.add(
            "authorization_evidence_missing",
            "请上传委托人签字的授权书，或录入委托人签署的授权声明",
            "document",
        )
    errors.raise_if_any("authorization_invalid", "授权信息有误，请按提示修改")
    with transaction.atomic():
        authorization = AgentAuthorization(
            agent=agent,
            citizen=citizen,
            item=item,
            signed_statement=signed_statement,
            signed_at=timezone.now(),
            valid_until=valid_until,
        )
        if document and ext:
            # Stored names never come from the user.
            authorization.document.save(
                f"{uuid.uuid4().hex}.{ext}", document, save=False
            )
        authorization.save()
        audit_record(
            actor=actor,
            action="agent_authorization.grant",
            obj=authorization,
            object_repr=f"代办授权#{authorization.pk}",
            changes={
                "agent_id": agent.pk,
                "citizen_id": citizen.pk,
                "item_id": getattr(item, "pk", None),
                "valid_until": valid_until.isoformat(),
                "evidence": "document" if document else "statement",
            },
        )
    return authorization


def agent_authorization_revoke(
    *, authorization: AgentAuthorization, by: User
) -> AgentAuthorization:
    """The citizen (or a supervisor) withdraws an authorisation; it stops at once."""
    with transaction.atomic():
        authorization = AgentAuthorization.objects.select_for_update().get(
            pk=authorization.pk
        )
        if by.pk != authorization.citizen_id and not user_has_role(by, Role.SUPERVISOR):
            if by.pk == authorization.agent_id:
                raise PermissionDeniedError(
                    "revoke_forbidden", "授权只能由委托人本人撤销"
                )
            raise NotFoundError("authorization_not_found", "未找到该代办授权")
        if authorization.revoked_at is not None:
            raise ServiceError("authorization_already_revoked", "该授权已撤销")
        authorization.revoked_at = timezone.now()
        authorization.revoked_by = by
        authorization.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=by,
            action="agent_authorization.revoke",
            obj=authorization,
            object_repr=f"代办授权#{authorization.pk}",
            changes={"agent_id": authorization.agent_id},
        )
    return authorization
