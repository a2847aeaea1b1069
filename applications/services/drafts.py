"""Starting an application and filling it in: drafts, form data, who may edit.

An application starts as a draft on an implementation, pinned to the item
version in force (:func:`application_create`); the form is saved as it is
(:func:`application_save_draft`) and checked against the schema only at
submission. :func:`availability_error` says why an item cannot be applied
for; :func:`require_editable` who may change a draft, for materials and
submission too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import constants as cc
from catalog.models import Implementation, ServiceHall
from catalog.selectors import version_materials
from people.models import ApplicantProfile, EnterpriseMember
from portal.audit import audit_record
from portal.errors import NotFoundError, PermissionDeniedError, ServiceError
from portal.roles import Role, user_roles

from .. import constants as c
from ..form_conditions import form_active
from ..form_privacy import form_sealed
from ..models import (
    AgentAuthorization,
    Application,
    ApplicationMaterial,
)
from ..selectors import may_edit, prefill_related, staff_hall_id
from ..selectors_people import active_authorization, authorization_in_force
from .notify import Recipient, contact_recipients
from .status import lock_for_update

S = c.ApplicationStatus
EDITABLE = c.EDITABLE
MAX_FORM_BYTES = 64 * 1024


def require_agent_still_authorized(application: Application, user) -> None:
    """An agent acts on a citizen's application only while authorised.

    Revoking (or the expiry of) the authorisation stops the agent at once,
    for drafts already started too; the citizen can still go on themself.
    """
    if (
        application.channel != c.IntakeChannel.AGENT
        or user.pk != application.submitted_by_id
        or user.pk == application.applicant_id
    ):
        return
    auth = AgentAuthorization.objects.filter(
        pk=application.agent_authorization_id
    ).first()
    if not authorization_in_force(auth, agent=user):
        raise PermissionDeniedError(
            "agent_not_authorized",
            _("申请人的代办授权已撤销或已过期，您不能再代为办理该办件"),
            field="agent_authorization",
        )


def require_editable(application: Application, user) -> None:
    require_agent_still_authorized(application, user)
    if not may_edit(user=user, application=application):
        raise PermissionDeniedError(
            "not_application_editor", _("只有申请人或录入人可以修改该办件")
        )
    if application.status not in EDITABLE:
        raise ServiceError(
            "application_not_editable",
            _("办件当前状态为“%(status)s”，不能修改")
            % {"status": application.get_status_display()},
            status=409,
        )


MAX_FORM_DEPTH = 20


def _form_data_problem(value, depth: int = 0) -> str | None:
    """What PostgreSQL's jsonb cannot store (NUL) or our pages cannot render
    (deep nesting), found by one walk over the submitted data."""
    if depth > MAX_FORM_DEPTH:
        return "form_too_deep"
    if isinstance(value, str):
        return "form_invalid" if "\x00" in value else None
    items: Iterable = ()
    if isinstance(value, dict):
        if any("\x00" in str(key) for key in value):
            return "form_invalid"
        items = value.values()
    elif isinstance(value, list):
        items = value
    for item in items:
        if problem := _form_data_problem(item, depth + 1):
            return problem
    return None


def check_form_data(form_data) -> dict:
    if form_data is None:
        return {}
    if not isinstance(form_data, dict):
        raise ServiceError(
            "form_invalid", _("申请表数据应为对象（键值对）"), field="form_data"
        )
    problem = _form_data_problem(form_data)
    if problem == "form_too_deep":
        raise ServiceError(
            "form_too_deep",
            _("申请表内容嵌套过深（不超过%(max)s层）") % {"max": MAX_FORM_DEPTH},
            field="form_data",
        )
    if problem == "form_invalid":
        raise ServiceError(
            "form_invalid", _("申请表内容不能含有空字符（NUL）"), field="form_data"
        )
    size = len(json.dumps(form_data, ensure_ascii=False).encode("utf-8"))
    if size > MAX_FORM_BYTES:
        raise ServiceError(
            "form_too_large",
            _("申请表内容过长（不超过%(max)sKB）") % {"max": MAX_FORM_BYTES // 1024},
            field="form_data",
        )
    return form_data


def agent_authorization_check(
    *, agent, authorization: AgentAuthorization | None, implementation, applicant
) -> AgentAuthorization:
    """A valid, unrevoked authorisation of this agent, for this item.

    Without an explicit authorisation, the one people's selector finds for
    (agent, applicant, item) is used (applications.selectors_people).
    """
    if authorization is None and applicant is not None:
        authorization = active_authorization(
            agent=agent, citizen=applicant, item=implementation.item
        )
    if authorization is None:
        raise PermissionDeniedError(
            "agent_not_authorized",
            _("代办须有申请人的有效授权（上传授权书或签署授权声明）"),
            field="agent_authorization",
        )
    auth = AgentAuthorization.objects.filter(pk=authorization.pk).first()
    today = timezone.localdate()
    problem = None
    if auth is None or auth.agent_id != agent.pk:
        problem = _("该授权不属于您")
    elif auth.confirmed_at is None:
        problem = _("委托人尚未确认该授权")
    elif auth.revoked_at is not None:
        problem = _("申请人已撤销该授权")
    elif auth.valid_until < today:
        problem = _("该授权已过有效期")
    elif auth.item_id is not None and auth.item_id != implementation.item_id:
        problem = _("该授权不包括此事项")
    elif applicant is not None and applicant.pk != auth.citizen_id:
        problem = _("授权人与申请人不一致")
    if problem:
        raise PermissionDeniedError(
            "agent_not_authorized",
            _("无有效代办授权：%(problem)s") % {"problem": problem},
            field="agent_authorization",
        )
    return auth


# What creating and submitting read of the implementation and its version, and
# what the detail response shows of it (department and hall names): one query
# without the version's guide texts (JSON columns the submission never reads).
_IMPLEMENTATION_FIELDS = (
    "code",
    "is_active",
    "item",
    "item__current_version",
    "item__current_version__status",
    "item__current_version__item_type",
    "item__current_version__served_parties",
    "item__current_version__name",
    "item__current_version__form_schema",
    "item__current_version__result_certificate_type__name",
    "item__current_version__result_certificate_type__holder_kind",
    "department",
    "department__name",
    "hall",
    "hall__name",
)


def application_create(
    *,
    user,
    implementation: Implementation,
    applicant=None,
    enterprise=None,
    channel: str,
    hall=None,
    agent_authorization: AgentAuthorization | None = None,
    form_data: dict | None = None,
) -> Application:
    """Start a draft on an implementation, pinned to the item version in force.

    Who the applicant is depends on the channel: online/API the user
    themselves; counter a person a hall clerk found or registered; agent the
    citizen whose authorisation the agent holds. One ApplicationMaterial row
    per material of the version is created up front.
    """
    with transaction.atomic():
        application, _created, _replayed = create_draft(
            user=user,
            implementation=implementation,
            applicant=applicant,
            enterprise=enterprise,
            channel=channel,
            hall=hall,
            agent_authorization=agent_authorization,
            form_data=form_data,
        )
    return application


def availability_error(impl: Implementation | None, *, kind: str | None = None):
    """Why no application can be made on ``impl`` (for a ``kind`` of applicant),
    as the ServiceError to raise; None when it can."""
    version = impl.item.current_version if impl else None
    if (
        impl is None
        or not impl.is_active
        or version is None
        or version.status != cc.VersionStatus.PUBLISHED
    ):
        return ServiceError(
            "item_not_available", _("该事项当前不可申请（未发布或已废止）"), status=409
        )
    if version.item_type not in cc.APPLICABLE_ITEM_TYPES:
        return ServiceError(
            "item_not_applicable",
            _("“%(type)s”类事项不受理申请") % {"type": version.get_item_type_display()},
            status=409,
        )
    served = set(version.served_parties or [])
    if kind is not None and served and kind not in served:
        who = _("法人") if kind == c.ApplicantKind.LEGAL else _("自然人")
        return ServiceError(
            "served_party_mismatch",
            _("该事项不面向%(who)s办理") % {"who": who},
            field="enterprise",
        )
    result = version.result_certificate_type if kind is not None else None
    if (
        kind == c.ApplicantKind.NATURAL
        and result is not None
        and result.holder_kind == cc.ServedParty.LEGAL
    ):
        # The decision issues a certificate only a legal person can hold: a
        # natural person's application could never be approved.
        return ServiceError(
            "result_holder_legal",
            _("该事项办结后签发的“%(certificate)s”由法人持有，请以企业名义申请")
            % {"certificate": result.name},
            field="enterprise",
        )
    return None


def create_draft(
    *,
    user,
    implementation: Implementation | None,
    implementation_code: str | None = None,
    applicant,
    enterprise,
    channel: str,
    hall,
    agent_authorization: AgentAuthorization | None,
    form_data: dict | None,
) -> tuple[Application, list[ApplicationMaterial], list[Recipient] | None]:
    """application_create inside the caller's transaction.

    The implementation is given, or named by its code (an API client names
    it so; an unknown code is refused here). Also returns the new
    ApplicationMaterial rows, in material order, each with its (empty) list
    of files loaded, and the applicant's contacts as
    applications.services.notify reads them (None for an enterprise): what
    application_start hands on to the submission, its messages and the detail
    response instead of reading them again in the same transaction.
    """
    try:
        channel = c.IntakeChannel(channel)
    except ValueError:
        raise ServiceError(
            "channel_invalid", _("申请渠道无效"), field="channel"
        ) from None
    form_data = check_form_data(form_data)
    if implementation is not None:
        lookup = {"pk": implementation.pk}
    else:
        lookup = {"code": (implementation_code or "").strip().upper()}
    impl = (
        Implementation.objects.select_related(
            "item__current_version__result_certificate_type", "department", "hall"
        )
        .only(*_IMPLEMENTATION_FIELDS)
        .filter(**lookup)
        .order_by()  # one row: no join for the default ordering
        .first()
    )
    if impl is None and implementation is None:
        raise ServiceError(
            "implementation_not_found",
            _("未找到该实施编码对应的事项"),
            field="implementation",
        )
    if (error := availability_error(impl)) is not None:
        raise error
    version = impl.item.current_version
    app_hall = impl.hall
    if channel in (c.IntakeChannel.ONLINE, c.IntakeChannel.API):
        if applicant is not None and applicant.pk != user.pk:
            raise PermissionDeniedError(
                "applicant_mismatch",
                _("网上申请只能以本人名义提交"),
                field="applicant",
            )
        applicant = user
    elif channel == c.IntakeChannel.COUNTER:
        clerk_hall = staff_hall_id(user) if Role.CLERK in user_roles(user) else None
        if clerk_hall is None:
            raise PermissionDeniedError(
                "clerk_required", _("窗口受理须由所在大厅的综合窗口人员办理")
            )
        if hall is not None and hall.pk != clerk_hall:
            raise NotFoundError("hall_not_found", _("未找到该大厅"), field="hall")
        if applicant is None:
            raise ServiceError(
                "applicant_required", _("请先查找或登记申请人"), field="applicant"
            )
        # Counter intake is received at the clerk's own hall.
        app_hall = ServiceHall.objects.get(pk=clerk_hall)
    elif channel == c.IntakeChannel.AGENT:
        if Role.AGENT not in user_roles(user):
            raise PermissionDeniedError(
                "agent_role_required", _("只有代办员可以代为申请")
            )
        auth = agent_authorization_check(
            agent=user,
            authorization=agent_authorization,
            implementation=impl,
            applicant=applicant,
        )
        applicant = auth.citizen
        agent_authorization = auth
    if channel != c.IntakeChannel.AGENT:
        agent_authorization = None
    kind = c.ApplicantKind.NATURAL
    recipients = None
    if enterprise is not None:
        if not EnterpriseMember.objects.filter(
            enterprise=enterprise, user=applicant, revoked_at__isnull=True
        ).exists():
            raise PermissionDeniedError(
                "enterprise_member_required",
                _("您不是该企业的经办人或法定代表人，不能以该企业名义申请"),
                field="enterprise",
            )
        kind = c.ApplicantKind.LEGAL
    else:
        # The real-name profile must exist; read with the contacts the
        # messages of this transaction go to.
        contact = (
            ApplicantProfile.objects.filter(user=applicant)
            .values_list("user__email", "user__phone", "email", "phone", "language")
            .order_by()
            .first()
        )
        if contact is None:
            raise ServiceError(
                "applicant_profile_required",
                _("申请人尚未完成实名登记（姓名、身份证号码）"),
                field="applicant",
            )
        recipients = contact_recipients(*contact)
    if (error := availability_error(impl, kind=kind)) is not None:
        raise error
    application = Application.objects.create(
        implementation=impl,
        version=version,
        applicant=applicant,
        applicant_kind=kind,
        enterprise=enterprise,
        submitted_by=user,
        channel=channel,
        hall=app_hall,
        agent_authorization=agent_authorization,
        form_data=form_sealed(
            version.form_schema, form_active(version.form_schema, form_data)
        ),
    )
    rows = ApplicationMaterial.objects.bulk_create(
        [
            ApplicationMaterial(application=application, material=m)
            for m in version_materials(version=version)
        ]
    )
    for row in rows:
        prefill_related(row, "files", [])
    audit_record(
        actor=user,
        action="applications.create",
        obj=application,
        changes={
            "implementation": impl.code,
            "version": version.pk,
            "channel": channel.value,
            "applicant_id": applicant.pk,
            "enterprise_id": enterprise.pk if enterprise else None,
        },
    )
    return application, rows, recipients


def application_save_draft(
    *, application: Application, user, form_data: dict
) -> Application:
    """Save the form as it is; the schema is checked at submission, not here."""
    form_data = check_form_data(form_data)
    with transaction.atomic():
        locked = lock_for_update(application)
        require_editable(locked, user)
        schema = locked.version.form_schema
        locked.form_data = form_sealed(schema, form_active(schema, form_data))
        locked.save(update_fields=["form_data", "updated_at"])
        audit_record(
            actor=user,
            action="applications.save_draft",
            obj=locked,
            changes={"fields": sorted(form_data)},
        )
    return locked
