"""Agent authorisations: a citizen lets a township agent apply for them.

(Identity itself, registration, enterprises and their members, is the people
app's: people.services.applicants and people.services.enterprises. This
module keeps its name for now so concurrent work on sniff_document merges;
it holds agent authorisations only.)

An authorisation comes into force only by the citizen (``confirmed_at``;
applications.visibility counts nothing else):

- :func:`agent_authorization_grant`: the citizen grants it from their own
  account;
- :func:`agent_authorization_request` records an agent's request, pending,
  and sends the citizen a one-time code by SMS to their *registered* phone;
  :func:`agent_authorization_confirm_code` (the agent types the code the
  citizen tells them) or :func:`agent_authorization_confirm` (the citizen,
  from their account) brings it into force; the citizen may decline it
  (:func:`agent_authorization_revoke`);
- :func:`agent_authorization_record_paper`: a hall clerk records it from the
  citizen's signed paper, uploaded, with themself as the witness.

Validity is capped at AGENT_AUTHORIZATION_MAX_DAYS from the day it comes
into force. The citizen is told by SMS of every grant and every revocation.

Each function validates everything first (so the user hears every problem at
once), then writes inside one ``transaction.atomic()`` with the audit entry.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import constants as c
from applications.models import AgentAuthorization
from applications.uploads import AUTHORIZATION_DOCUMENT, check_upload
from applications.visibility import authorization_in_force_q
from people.codes import is_mobile
from people.constants import CodePurpose
from people.models import ApplicantProfile
from people.services import otp_codes
from people.services.applicants import applicant_record_language
from people.services.outbox import sms_send
from portal.audit import audit_record
from portal.errors import (
    ErrorCollector,
    NotFoundError,
    PermissionDeniedError,
    ServiceError,
)
from portal.models import User
from portal.roles import Role, user_has_role, user_roles

logger = logging.getLogger(__name__)

STATEMENT_MIN = 10
AUTH_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# Content sniffing (applications.uploads): the bytes decide, never the name.
AUTH_DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}
SIGN = "【甘孜州政务服务网】"


# --------------------------------------------------------------------------
# Checks shared by every way in


def sniff_document(document: File) -> str:
    """Return the extension the content proves (pdf/jpg/png) or raise.

    The upload policy's ``authorization_document`` profile decides
    (applications.uploads): size, type by content, image and PDF checks.
    """
    checked = check_upload(document, AUTHORIZATION_DOCUMENT)
    return checked.extension.lstrip(".")


def latest_valid_until(today: dt.date | None = None) -> dt.date:
    """The last day an authorisation coming into force today may run to."""
    today = today or timezone.localdate()
    return today + dt.timedelta(days=settings.AGENT_AUTHORIZATION_MAX_DAYS)


def _check_terms(
    errors: ErrorCollector, *, agent: User, citizen: User, valid_until
) -> None:
    if Role.AGENT.value not in user_roles(agent):
        raise ServiceError(
            "not_agent", _("被授权人不是登记在册的代办员"), field="agent"
        )
    if citizen.pk == agent.pk:
        errors.add("citizen_is_agent", _("代办员不能为自己登记授权"), "citizen")
    elif not ApplicantProfile.objects.filter(user=citizen).exists():
        errors.add("citizen_not_registered", _("委托人尚未登记为申请人"), "citizen")
    today = timezone.localdate()
    if valid_until is None:
        errors.add("valid_until_required", _("请填写授权有效期"), "valid_until")
    elif valid_until < today:
        errors.add("valid_until_past", _("授权有效期不能早于今天"), "valid_until")
    elif valid_until > latest_valid_until(today):
        errors.add(
            "valid_until_too_far",
            _("授权有效期最长%(days)s天（不晚于%(date)s）")
            % {
                "days": settings.AGENT_AUTHORIZATION_MAX_DAYS,
                "date": latest_valid_until(today).isoformat(),
            },
            "valid_until",
        )


def _check_document(errors: ErrorCollector, document: File | None) -> str | None:
    if not document:
        return None
    try:
        return sniff_document(document)
    except ServiceError as exc:
        errors.add(exc.code, exc.detail, exc.field)
        return None


def _scope(authorization: AgentAuthorization) -> str:
    item = authorization.item
    return f"“{item.name}”" if item is not None else "各类政务服务事项"


def _agent_name(agent: User) -> str:
    return agent.display_name or agent.username


def _notify_citizen(authorization: AgentAuthorization, event: str, text: str) -> None:
    """SMS to the citizen's registered phone, in the caller's transaction."""
    phone = otp_codes.registered_phone(authorization.citizen)
    if not is_mobile(phone):
        logger.warning(
            "agent_authorization.no_phone authorization_id=%s event=%s",
            authorization.pk,
            event,
        )
        return
    sms_send(
        phone=phone,
        text=SIGN + text,
        dedupe_key=f"agent-auth:{authorization.pk}:{event}",
        about=authorization,
    )


def _notify_in_force(authorization: AgentAuthorization) -> None:
    _notify_citizen(
        authorization,
        "granted",
        f"您已授权代办员{_agent_name(authorization.agent)}代您办理{_scope(authorization)}，"
        f"有效期至{authorization.valid_until.isoformat()}。"
        "如非本人授权，请登录本网“代办授权”撤销，或到政务服务大厅窗口处理。",
    )


def _audit(actor: User, action: str, authorization: AgentAuthorization, **changes):
    audit_record(
        actor=actor,
        action=action,
        obj=authorization,
        object_repr=f"代办授权#{authorization.pk}",
        changes=changes,
    )


def _new(
    *,
    agent: User,
    citizen: User,
    item,
    valid_until: dt.date,
    recorded_by: User,
    signed_statement: str = "",
    document: File | None = None,
    ext: str | None = None,
) -> AgentAuthorization:
    authorization = AgentAuthorization(
        agent=agent,
        citizen=citizen,
        item=item,
        signed_statement=signed_statement,
        signed_at=timezone.now(),
        valid_until=valid_until,
        recorded_by=recorded_by,
    )
    if document and ext:
        # Stored names never come from the user.
        authorization.document.save(f"{uuid.uuid4().hex}.{ext}", document, save=False)
    return authorization


def _bring_into_force(
    authorization: AgentAuthorization, *, via: str, witness: User | None = None
) -> None:
    authorization.confirmed_at = timezone.now()
    authorization.confirmed_via = via
    authorization.witnessed_by = witness


# --------------------------------------------------------------------------
# The citizen grants it


def agent_authorization_grant(
    *,
    citizen: User,
    agent: User,
    valid_until: dt.date,
    item=None,
) -> AgentAuthorization:
    """The citizen, signed in to their own account, authorises an agent.

    In force at once (confirmed via ``account``); the citizen gets an SMS.
    """
    errors = ErrorCollector()
    _check_terms(errors, agent=agent, citizen=citizen, valid_until=valid_until)
    errors.raise_if_any("authorization_invalid", _("授权信息有误，请按提示修改"))
    with transaction.atomic():
        authorization = _new(
            agent=agent,
            citizen=citizen,
            item=item,
            valid_until=valid_until,
            recorded_by=citizen,
        )
        _bring_into_force(authorization, via=c.AuthorizationConfirmation.ACCOUNT)
        authorization.save()
        _audit(
            citizen,
            "agent_authorization.grant",
            authorization,
            agent_id=agent.pk,
            citizen_id=citizen.pk,
            item_id=getattr(item, "pk", None),
            valid_until=valid_until.isoformat(),
            via=authorization.confirmed_via,
        )
        _notify_in_force(authorization)
    return authorization


# --------------------------------------------------------------------------
# The agent asks; the citizen confirms


def _code_text(authorization: AgentAuthorization) -> str:
    return (
        f"{SIGN}代办员{_agent_name(authorization.agent)}请求代您办理"
        f"{_scope(authorization)}，有效期至{authorization.valid_until.isoformat()}。"
        f"同意请将验证码{{code}}告诉代办员（{settings.ONE_TIME_CODE_MINUTES}分钟内有效）；"
        "不同意请勿告知任何人。"
    )


def _send_code(authorization: AgentAuthorization, request_ip: str | None) -> None:
    otp_codes.otp_issue(
        purpose=CodePurpose.AGENT_AUTHORIZATION,
        phone=otp_codes.registered_phone(authorization.citizen),
        user=authorization.citizen,
        text_template=_code_text(authorization),
        about=authorization,
        request_ip=request_ip,
    )


def agent_authorization_request(
    *,
    agent: User,
    citizen: User,
    valid_until: dt.date,
    item=None,
    document: File | None = None,
    signed_statement: str = "",
    request_ip: str | None = None,
) -> AgentAuthorization:
    """An agent records a citizen's authorisation: pending until the citizen confirms.

    Evidence is still required (a document checked by content, or the
    statement the citizen signed), but it proves nothing by itself: the
    citizen gets a one-time code on their registered phone, and the
    authorisation is in force only once that code (or the citizen's own
    account) confirms it. Only the agent themself records their request.
    """
    errors = ErrorCollector()
    _check_terms(errors, agent=agent, citizen=citizen, valid_until=valid_until)
    if not errors.items and not is_mobile(otp_codes.registered_phone(citizen)):
        errors.add(
            "citizen_no_phone",
            _("委托人未登记手机号码，无法短信确认，请委托人本人登录授权或到窗口办理"),
            "citizen",
        )
    signed_statement = (signed_statement or "").strip()
    ext = _check_document(errors, document)
    if signed_statement and len(signed_statement) < STATEMENT_MIN:
        errors.add(
            "statement_too_short",
            _("授权声明过短（至少%(n)s个字），请写明委托事项和期限")
            % {"n": STATEMENT_MIN},
            "signed_statement",
        )
    if not document and not signed_statement:
        errors.add(
            "authorization_evidence_missing",
            _("请上传委托人签字的授权书，或录入委托人签署的授权声明"),
            "document",
        )
    errors.raise_if_any("authorization_invalid", _("授权信息有误，请按提示修改"))
    with transaction.atomic():
        authorization = _new(
            agent=agent,
            citizen=citizen,
            item=item,
            valid_until=valid_until,
            recorded_by=agent,
            signed_statement=signed_statement,
            document=document,
            ext=ext,
        )
        authorization.save()
        _audit(
            agent,
            "agent_authorization.request",
            authorization,
            agent_id=agent.pk,
            citizen_id=citizen.pk,
            item_id=getattr(item, "pk", None),
            valid_until=valid_until.isoformat(),
            evidence="document" if document else "statement",
        )
        _send_code(authorization, request_ip)
    return authorization


def _pending_for(authorization: AgentAuthorization) -> AgentAuthorization:
    """The row locked, still pending (neither confirmed, revoked nor expired)."""
    locked = (
        AgentAuthorization.objects.select_for_update(of=("self",))
        .select_related("agent", "citizen", "item")
        .get(pk=authorization.pk)
    )
    if locked.revoked_at is not None:
        raise ServiceError("authorization_already_revoked", _("该授权已撤销或已被拒绝"))
    if locked.confirmed_at is not None:
        raise ServiceError("authorization_already_confirmed", _("该授权已生效"))
    if locked.valid_until < timezone.localdate():
        raise ServiceError("authorization_expired", _("该授权已过有效期，请重新申请"))
    if locked.valid_until > latest_valid_until():  # pragma: no cover - checked at entry
        raise ServiceError("valid_until_too_far", _("授权有效期超过上限，请重新申请"))
    return locked


def _confirm(locked: AgentAuthorization, *, actor: User, via: str) -> None:
    """Bring a locked pending request into force: saved, audited, the citizen told."""
    _bring_into_force(locked, via=via)
    locked.save(update_fields=["confirmed_at", "confirmed_via", "witnessed_by"])
    _audit(actor, "agent_authorization.confirm", locked, via=locked.confirmed_via)
    _notify_in_force(locked)


def agent_authorization_send_code(
    *, authorization: AgentAuthorization, agent: User, request_ip: str | None = None
) -> None:
    """Send the citizen a new code for a pending request (throttled)."""
    if authorization.agent_id != agent.pk:
        raise NotFoundError("authorization_not_found", _("未找到该代办授权"))
    with transaction.atomic():
        locked = _pending_for(authorization)
        _send_code(locked, request_ip)


def agent_authorization_confirm_code(
    *,
    authorization: AgentAuthorization,
    agent: User,
    code: str,
    request_ip: str | None = None,
) -> AgentAuthorization:
    """The agent types the code the citizen read from their phone: in force.

    The code must be this authorisation's (a code sent for another request or
    another citizen proves nothing here), live, and unused. Call outside a
    transaction: a wrong code is counted and committed before this raises.
    """
    if authorization.agent_id != agent.pk:
        raise NotFoundError("authorization_not_found", _("未找到该代办授权"))
    row = otp_codes.otp_verify(
        purpose=CodePurpose.AGENT_AUTHORIZATION,
        code=code,
        about=authorization,
        request_ip=request_ip,
    )
    with transaction.atomic():
        locked = _pending_for(authorization)
        if row.user_id != locked.citizen_id:  # pragma: no cover - bound by subject
            raise ServiceError("code_invalid", _("验证码错误"), field="code")
        otp_codes.otp_consume(row=row)
        _confirm(locked, actor=agent, via=c.AuthorizationConfirmation.SMS_CODE)
    return locked


def agent_authorization_confirm(
    *, authorization: AgentAuthorization, citizen: User
) -> AgentAuthorization:
    """The citizen confirms a pending request from their own account."""
    if authorization.citizen_id != citizen.pk:
        raise NotFoundError("authorization_not_found", _("未找到该代办授权"))
    with transaction.atomic():
        locked = _pending_for(authorization)
        _confirm(locked, actor=citizen, via=c.AuthorizationConfirmation.ACCOUNT)
    return locked


# --------------------------------------------------------------------------
# The hall clerk records a signed paper


def agent_authorization_record_paper(
    *,
    clerk: User,
    agent: User,
    citizen: User,
    valid_until: dt.date,
    document: File | None,
    item=None,
    signed_statement: str = "",
) -> AgentAuthorization:
    """A hall clerk records the citizen's signed authorisation paper, as witness.

    The clerk has checked the citizen's identity and signature at the
    counter; the scan is required (checked by content) and the clerk is
    recorded as the witness. In force at once; the citizen gets an SMS.
    """
    if not user_has_role(clerk, Role.CLERK):
        raise PermissionDeniedError(
            "grant_forbidden", _("只有窗口人员可以登记签字授权书")
        )
    errors = ErrorCollector()
    _check_terms(errors, agent=agent, citizen=citizen, valid_until=valid_until)
    if not document:
        errors.add(
            "authorization_document_missing",
            _("请扫描上传委托人签字的授权书"),
            "document",
        )
    ext = _check_document(errors, document)
    errors.raise_if_any("authorization_invalid", _("授权信息有误，请按提示修改"))
    with transaction.atomic():
        authorization = _new(
            agent=agent,
            citizen=citizen,
            item=item,
            valid_until=valid_until,
            recorded_by=clerk,
            signed_statement=(signed_statement or "").strip(),
            document=document,
            ext=ext,
        )
        _bring_into_force(
            authorization, via=c.AuthorizationConfirmation.COUNTER_PAPER, witness=clerk
        )
        authorization.save()
        _audit(
            clerk,
            "agent_authorization.grant",
            authorization,
            agent_id=agent.pk,
            citizen_id=citizen.pk,
            item_id=getattr(item, "pk", None),
            valid_until=valid_until.isoformat(),
            via=authorization.confirmed_via,
            evidence="document",
        )
        _notify_in_force(authorization)
    return authorization


# --------------------------------------------------------------------------
# Revoke (or decline a pending request)


def agent_authorization_revoke(
    *, authorization: AgentAuthorization, by: User
) -> AgentAuthorization:
    """The citizen (or a supervisor) withdraws an authorisation; it stops at once.

    On a pending request this is the citizen declining it. The citizen is
    told by SMS either way.
    """
    with transaction.atomic():
        authorization = (
            AgentAuthorization.objects.select_for_update(of=("self",))
            .select_related("agent", "citizen", "item")
            .get(pk=authorization.pk)
        )
        if by.pk != authorization.citizen_id and not user_has_role(by, Role.SUPERVISOR):
            if by.pk == authorization.agent_id:
                raise PermissionDeniedError(
                    "revoke_forbidden", _("授权只能由委托人本人撤销")
                )
            raise NotFoundError("authorization_not_found", _("未找到该代办授权"))
        if authorization.revoked_at is not None:
            raise ServiceError("authorization_already_revoked", _("该授权已撤销"))
        was_in_force = authorization.confirmed_at is not None
        authorization.revoked_at = timezone.now()
        authorization.revoked_by = by
        authorization.save(update_fields=["revoked_at", "revoked_by"])
        _audit(
            by,
            "agent_authorization.revoke"
            if was_in_force
            else "agent_authorization.decline",
            authorization,
            agent_id=authorization.agent_id,
        )
        verb = "撤销" if was_in_force else "拒绝"
        _notify_citizen(
            authorization,
            "revoked",
            f"代办员{_agent_name(authorization.agent)}代您办理{_scope(authorization)}"
            f"的授权已{verb}，即时生效。如非本人操作，请到政务服务大厅窗口处理。",
        )
    return authorization


def intake_record_language(*, actor: User, applicant: User, language: str) -> None:
    """The counter or an agent records the language a walk-in reads
    (people.services.applicants.applicant_record_language: an account
    without a password only). A clerk may for anyone they take an
    application for; an agent only for a citizen whose authorisation they
    hold in force."""
    if not user_has_role(actor, Role.CLERK) and not (
        user_has_role(actor, Role.AGENT)
        and AgentAuthorization.objects.filter(
            authorization_in_force_q(agent=actor), citizen=applicant
        ).exists()
    ):
        raise PermissionDeniedError(
            "not_intake_staff",
            _("只有综合窗口人员或持有效授权的代办员可以登记申请人的语言"),
        )
    applicant_record_language(actor=actor, user=applicant, language=language)
