"""Applications: create, fill in, submit, withdraw, acceptance review.

Every function here is one use case: it opens a transaction, locks the
application row, checks the rules, writes, and appends history and audit.
Status changes go through :func:`_transition` only (the public wrapper is
:func:`application_transition`), which enforces ``constants.TRANSITIONS`` and
writes a StatusChange row and an audit entry.

Notifications (issue 3, part 9): :func:`_transition` enqueues the applicant's
e-mail and SMS (applications.services.notify) right after it writes the
StatusChange row, inside the same transaction, for every status that has a
message (submitted, accepted, supplement requested, refused, withdrawn,
approved, rejected). The outbox rows commit or roll back with the change and
go out after commit, so every service here, and the workflow app through
:func:`application_transition`, notifies without a call of its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from catalog import constants as cc
from catalog.models import Implementation, Material, ServiceHall
from people.models import ApplicantProfile, EnterpriseMember
from people.privacy import is_sealed, open_id_number, reveal_reason
from portal.audit import audit_record
from portal.errors import (
    ErrorCollector,
    NotFoundError,
    PermissionDeniedError,
    ServiceError,
)
from portal.roles import Role, user_roles
from portal.workdays import add_working_days

from .. import constants as c
from .. import hooks
from ..form_privacy import form_id_fields, form_sealed
from ..models import (
    AgentAuthorization,
    Application,
    ApplicationCounter,
    ApplicationMaterial,
    IdempotencyRecord,
    StatusChange,
    SupplementNotice,
    UploadedFile,
)
from ..selectors import (
    application_not_found,
    application_problems,
    is_hall_clerk,
    may_edit,
    may_withdraw,
    prefill_related,
    staff_hall_id,
)
from ..selectors_people import active_authorization, authorization_in_force
from ..uploads import check_upload
from .notify import EVENTS as NOTIFY_EVENTS
from .notify import notification_enqueue

S = c.ApplicationStatus
EDITABLE = {S.DRAFT, S.SUPPLEMENT_REQUESTED}
# Unambiguous: no 0/O, 1/I/L.
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8
MAX_FORM_BYTES = 64 * 1024
MAX_FILES_PER_MATERIAL = 10
MAX_DAILY_SEQUENCE = 9999
DEFAULT_DECISION_WORKING_DAYS = 20  # Administrative Licensing Law Art. 42
IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")


def _label(status: str) -> str:
    try:
        return str(S(status).label)
    except ValueError:
        return status


# --- numbers -------------------------------------------------------------------


def application_number_prefix(*, implementation_code: str, day: dt.date) -> str:
    """The part of a day's numbers before the sequence."""
    return f"{implementation_code}{day:%Y%m%d}"


def format_application_number(
    *, implementation_code: str, day: dt.date, sequence: int
) -> str:
    """办件编号 (DOMAIN.md): implementation code + yyyymmdd + 4-digit sequence."""
    prefix = application_number_prefix(implementation_code=implementation_code, day=day)
    return f"{prefix}{sequence:04d}"


def application_number_next(*, implementation_code: str, day: dt.date) -> str:
    """Next number of the day; the counter row lock serialises concurrent calls.

    One upsert statement (PostgreSQL, SQLite): it inserts the day's row or
    increments it, and holds the row lock until commit just as the
    SELECT ... FOR UPDATE of the fallback does. A day whose sequence is used
    up is not incremented (the WHERE of the upsert) and returns no row.
    """
    connection = transaction.get_connection()
    if connection.vendor in ("postgresql", "sqlite"):
        sequence = _counter_upsert(connection, implementation_code, day)
    else:
        sequence = _counter_increment_locked(implementation_code, day)
    if sequence is None:
        raise ServiceError(
            "daily_sequence_exhausted",
            "该事项今日办件编号已用完，请明日再提交或联系窗口",
            status=503,
        )
    return format_application_number(
        implementation_code=implementation_code, day=day, sequence=sequence
    )


def _counter_upsert(connection, implementation_code: str, day: dt.date) -> int | None:
    meta = ApplicationCounter._meta
    q = connection.ops.quote_name
    table = q(meta.db_table)
    code_col, day_col, last_col = (
        q(meta.get_field(name).column)
        for name in ("implementation_code", "day", "last")
    )
    sql = (
        f"INSERT INTO {table} ({code_col}, {day_col}, {last_col}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({code_col}, {day_col}) DO UPDATE "
        f"SET {last_col} = {table}.{last_col} + 1 "
        f"WHERE {table}.{last_col} < %s RETURNING {last_col}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                implementation_code,
                connection.ops.adapt_datefield_value(day),
                MAX_DAILY_SEQUENCE,
            ],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _counter_increment_locked(implementation_code: str, day: dt.date) -> int | None:
    ApplicationCounter.objects.bulk_create(
        [ApplicationCounter(implementation_code=implementation_code, day=day)],
        ignore_conflicts=True,
    )
    counter = ApplicationCounter.objects.select_for_update().get(
        implementation_code=implementation_code, day=day
    )
    if counter.last >= MAX_DAILY_SEQUENCE:
        return None
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def new_query_code() -> str:
    return "".join(
        secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH)
    )


# --- the one place a status changes --------------------------------------------


def _lock(application: Application) -> Application:
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("version", "implementation")
        .filter(pk=application.pk)
        .first()
    )
    if locked is None:
        raise application_not_found()
    return locked


def _transition(
    application: Application,
    to_status: str,
    *,
    actor,
    reason: str = "",
    fields: Iterable[str] = (),
    changes: dict | None = None,
) -> StatusChange:
    """Change the status of a LOCKED application; save it with ``fields``."""
    from_status = application.status
    if to_status not in c.TRANSITIONS.get(from_status, set()):
        raise ServiceError(
            "transition_forbidden",
            f"办件状态不能从“{_label(from_status)}”变为“{_label(to_status)}”",
            status=409,
        )
    application.status = to_status
    application.save(update_fields=["status", "updated_at", *fields])
    change = StatusChange.objects.create(
        application=application,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        at=timezone.now(),
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=f"applications.{to_status}",
        obj=application,
        changes={"from": from_status, "to": to_status, **(changes or {})},
    )
    if to_status in NOTIFY_EVENTS:
        # After the StatusChange row (the message counts it) and in the same
        # transaction: the outbox rows roll back with a failed change.
        notification_enqueue(application=application, event=to_status)
    return change


def application_transition(
    *, application: Application, to_status: str, actor, reason: str = ""
) -> Application:
    """Change status by the table; later apps (workflow) use this entry point."""
    with transaction.atomic():
        locked = _lock(application)
        _transition(locked, to_status, actor=actor, reason=reason)
    application.status = locked.status
    return locked


# --- creating and filling in -------------------------------------------------------


def _require_agent_still_authorized(application: Application, user) -> None:
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
            "申请人的代办授权已撤销或已过期，您不能再代为办理该办件",
            field="agent_authorization",
        )


def _require_editable(application: Application, user) -> None:
    _require_agent_still_authorized(application, user)
    if not may_edit(user=user, application=application):
        raise PermissionDeniedError(
            "not_application_editor", "只有申请人或录入人可以修改该办件"
        )
    if application.status not in EDITABLE:
        raise ServiceError(
            "application_not_editable",
            f"办件当前状态为“{application.get_status_display()}”，不能修改",
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
            "form_invalid", "申请表数据应为对象（键值对）", field="form_data"
        )
    problem = _form_data_problem(form_data)
    if problem == "form_too_deep":
        raise ServiceError(
            "form_too_deep",
            f"申请表内容嵌套过深（不超过{MAX_FORM_DEPTH}层）",
            field="form_data",
        )
    if problem == "form_invalid":
        raise ServiceError(
            "form_invalid", "申请表内容不能含有空字符（NUL）", field="form_data"
        )
    size = len(json.dumps(form_data, ensure_ascii=False).encode("utf-8"))
    if size > MAX_FORM_BYTES:
        raise ServiceError(
            "form_too_large",
            f"申请表内容过长（不超过{MAX_FORM_BYTES // 1024}KB）",
            field="form_data",
        )
    return form_data


def _agent_authorization_check(
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
            "代办须有申请人的有效授权（上传授权书或签署授权声明）",
            field="agent_authorization",
        )
    auth = AgentAuthorization.objects.filter(pk=authorization.pk).first()
    today = timezone.localdate()
    problem = None
    if auth is None or auth.agent_id != agent.pk:
        problem = "该授权不属于您"
    elif auth.revoked_at is not None:
        problem = "申请人已撤销该授权"
    elif auth.valid_until < today:
        problem = "该授权已过有效期"
    elif auth.item_id is not None and auth.item_id != implementation.item_id:
        problem = "该授权不包括此事项"
    elif applicant is not None and applicant.pk != auth.citizen_id:
        problem = "授权人与申请人不一致"
    if problem:
        raise PermissionDeniedError(
            "agent_not_authorized",
            f"无有效代办授权：{problem}",
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
        application, _ = _create(
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
            "item_not_available", "该事项当前不可申请（未发布或已废止）", status=409
        )
    if version.item_type not in cc.APPLICABLE_ITEM_TYPES:
        return ServiceError(
            "item_not_applicable",
            f"“{version.get_item_type_display()}”类事项不受理申请",
            status=409,
        )
    served = set(version.served_parties or [])
    if kind is not None and served and kind not in served:
        who = "法人" if kind == c.ApplicantKind.LEGAL else "自然人"
        return ServiceError(
            "served_party_mismatch", f"该事项不面向{who}办理", field="enterprise"
        )
    return None


def _create(
    *,
    user,
    implementation: Implementation,
    applicant,
    enterprise,
    channel: str,
    hall,
    agent_authorization: AgentAuthorization | None,
    form_data: dict | None,
) -> tuple[Application, list[ApplicationMaterial]]:
    """application_create inside the caller's transaction.

    Also returns the new ApplicationMaterial rows, in material order, each
    with its (empty) list of files loaded: what application_start hands on to
    the submission check and the detail response instead of reading them back.
    """
    try:
        channel = c.IntakeChannel(channel)
    except ValueError:
        raise ServiceError("channel_invalid", "申请渠道无效", field="channel") from None
    form_data = check_form_data(form_data)
    impl = (
        Implementation.objects.select_related(
            "item__current_version", "department", "hall"
        )
        .only(*_IMPLEMENTATION_FIELDS)
        .filter(pk=implementation.pk)
        .order_by()  # one row: no join for the default ordering
        .first()
    )
    if (error := availability_error(impl)) is not None:
        raise error
    version = impl.item.current_version
    app_hall = impl.hall
    if channel in (c.IntakeChannel.ONLINE, c.IntakeChannel.API):
        if applicant is not None and applicant.pk != user.pk:
            raise PermissionDeniedError(
                "applicant_mismatch",
                "网上申请只能以本人名义提交",
                field="applicant",
            )
        applicant = user
    elif channel == c.IntakeChannel.COUNTER:
        clerk_hall = staff_hall_id(user) if Role.CLERK in user_roles(user) else None
        if clerk_hall is None:
            raise PermissionDeniedError(
                "clerk_required", "窗口受理须由所在大厅的综合窗口人员办理"
            )
        if hall is not None and hall.pk != clerk_hall:
            raise NotFoundError("hall_not_found", "未找到该大厅", field="hall")
        if applicant is None:
            raise ServiceError(
                "applicant_required", "请先查找或登记申请人", field="applicant"
            )
        # Counter intake is received at the clerk's own hall.
        app_hall = ServiceHall.objects.get(pk=clerk_hall)
    elif channel == c.IntakeChannel.AGENT:
        if Role.AGENT not in user_roles(user):
            raise PermissionDeniedError("agent_role_required", "只有代办员可以代为申请")
        auth = _agent_authorization_check(
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
    if enterprise is not None:
        if not EnterpriseMember.objects.filter(
            enterprise=enterprise, user=applicant, revoked_at__isnull=True
        ).exists():
            raise PermissionDeniedError(
                "enterprise_member_required",
                "您不是该企业的经办人或法定代表人，不能以该企业名义申请",
                field="enterprise",
            )
        kind = c.ApplicantKind.LEGAL
    elif not ApplicantProfile.objects.filter(user=applicant).exists():
        raise ServiceError(
            "applicant_profile_required",
            "申请人尚未完成实名登记（姓名、身份证号码）",
            field="applicant",
        )
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
        form_data=form_sealed(version.form_schema, form_data),
    )
    rows = ApplicationMaterial.objects.bulk_create(
        [
            ApplicationMaterial(application=application, material=m)
            for m in version.materials.all().order_by("order", "id")
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
    return application, rows


def application_save_draft(
    *, application: Application, user, form_data: dict
) -> Application:
    """Save the form as it is; the schema is checked at submission, not here."""
    form_data = check_form_data(form_data)
    with transaction.atomic():
        locked = _lock(application)
        _require_editable(locked, user)
        locked.form_data = form_sealed(locked.version.form_schema, form_data)
        locked.save(update_fields=["form_data", "updated_at"])
        audit_record(
            actor=user,
            action="applications.save_draft",
            obj=locked,
            changes={"fields": sorted(form_data)},
        )
    return locked


def _material_row(application: Application, material) -> ApplicationMaterial:
    material_id = getattr(material, "pk", material)
    try:
        material_id = int(material_id)
    except (TypeError, ValueError):
        material_id = None
    row = (
        ApplicationMaterial.objects.select_for_update(of=("self",))
        .select_related("material", "material__certificate_type")
        .filter(application=application, material_id=material_id)
        .first()
        if material_id is not None
        else None
    )
    if row is None:
        raise ServiceError(
            "material_unknown", "该办件没有这项材料", field="material", status=400
        )
    return row


def _delete_files_on_commit(uploads: list[UploadedFile]) -> None:
    names = [(u.file.storage, u.file.name) for u in uploads if u.file]
    for upload in uploads:
        upload.delete()

    def remove() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(remove)


def application_provide_material(
    *,
    application: Application,
    user,
    material: Material | int,
    provision: str,
    file=None,
    promise_text: str = "",
    promised_by: dt.date | None = None,
    certificate_ref: str = "",
) -> ApplicationMaterial:
    """Satisfy one material: upload, certificate, tolerated gap or commitment.

    An upload is checked (type by content, size, name) before any lock is
    taken; its stored file is removed again if the transaction fails.
    """
    try:
        provision = c.Provision(provision)
    except ValueError:
        raise ServiceError(
            "provision_invalid", "材料提供方式无效", field="provision"
        ) from None
    promise_text = (promise_text or "").strip()
    certificate_ref = (certificate_ref or "").strip()
    checked = None
    if provision == c.Provision.UPLOAD:
        checked = check_upload(file)
    stored: UploadedFile | None = None
    try:
        with transaction.atomic():
            locked = _lock(application)
            _require_editable(locked, user)
            row = _material_row(locked, material)
            m = row.material
            now = timezone.now()
            old_files = list(row.files.all())
            if provision == c.Provision.UPLOAD:
                kept = old_files if row.provision == c.Provision.UPLOAD else []
                if len(kept) >= MAX_FILES_PER_MATERIAL:
                    raise ServiceError(
                        "too_many_files",
                        f"每项材料最多上传{MAX_FILES_PER_MATERIAL}个文件",
                        field="file",
                    )
                stored = UploadedFile(
                    application_material=row,
                    original_name=checked.original_name,
                    content_type=checked.content_type,
                    size=checked.size,
                    sha256=checked.sha256,
                    uploaded_by=user,
                    uploaded_at=now,
                )
                file.seek(0)
                stored.file.save("upload", file, save=False)
                stored.save()
                row.promise_text, row.promised_by, row.signed_at = "", None, None
                row.certificate_ref = ""
                if kept is not old_files:
                    _delete_files_on_commit(old_files)
            elif provision == c.Provision.CERTIFICATE:
                _check_certificate(
                    row, user=user, application=locked, ref=certificate_ref
                )
                row.certificate_ref = certificate_ref
                row.promise_text, row.promised_by, row.signed_at = "", None, None
                _delete_files_on_commit(old_files)
            elif provision == c.Provision.TOLERATED:
                _check_tolerated(m, promise_text=promise_text, promised_by=promised_by)
                row.promise_text, row.promised_by = promise_text, promised_by
                row.signed_at = now
                row.certificate_ref = ""
                _delete_files_on_commit(old_files)
            else:  # commitment
                if m.necessity != cc.MaterialNecessity.COMMITMENT:
                    raise ServiceError(
                        "commitment_not_allowed",
                        f"材料“{m.name}”不适用告知承诺，请上传材料",
                        field="provision",
                    )
                if not promise_text:
                    raise ServiceError(
                        "promise_text_required",
                        "请填写并签署承诺内容",
                        field="promise_text",
                    )
                row.promise_text, row.promised_by = promise_text, None
                row.signed_at = now
                row.certificate_ref = ""
                _delete_files_on_commit(old_files)
            row.provision = provision
            row.problem = ""
            row.save()
            audit_record(
                actor=user,
                action="applications.provide_material",
                obj=locked,
                changes={
                    "material": m.pk,
                    "provision": provision.value,
                    "sha256": checked.sha256 if checked else None,
                },
            )
    except BaseException:
        if stored is not None and stored.file.name:
            stored.file.storage.delete(stored.file.name)
        raise
    return row


def _check_certificate(
    row: ApplicationMaterial, *, user, application, ref: str
) -> None:
    """Only identifiers the evidence library offers (hooks.find_certificates)."""
    m = row.material
    if m.certificate_type_id is None:
        raise ServiceError(
            "certificate_not_applicable",
            f"材料“{m.name}”不能用电子证照替代",
            field="provision",
        )
    offers = hooks.find_certificates(
        user=user, certificate_type=m.certificate_type, application=application
    )
    if not offers:
        raise ServiceError(
            "certificate_unavailable",
            "电子证照库中暂未找到可用的证照，请上传材料",
            field="certificate_ref",
        )
    if ref not in {o.identifier for o in offers}:
        raise ServiceError(
            "certificate_not_offered",
            "所选电子证照不可用于本材料，请重新选择",
            field="certificate_ref",
        )


def _check_tolerated(m: Material, *, promise_text: str, promised_by) -> None:
    if m.necessity != cc.MaterialNecessity.TOLERATED:
        raise ServiceError(
            "tolerance_not_allowed",
            f"材料“{m.name}”不支持容缺后补，请上传材料",
            field="provision",
        )
    errors = ErrorCollector()
    if not promise_text:
        errors.add("promise_text_required", "请填写补交承诺", "promise_text")
    if promised_by is None:
        errors.add("promised_by_required", "请填写承诺补交日期", "promised_by")
    elif not isinstance(promised_by, dt.date):
        errors.add("promised_by_invalid", "承诺补交日期格式不正确", "promised_by")
    elif promised_by <= timezone.localdate():
        errors.add("promised_by_in_past", "承诺补交日期应晚于今天", "promised_by")
    elif promised_by > (latest := latest_promise_date(m.version)):
        errors.add(
            "promised_by_too_late",
            f"承诺补交日期不能晚于{latest:%Y年%-m月%-d日}（事项法定办结时限内）",
            "promised_by",
        )
    errors.raise_if_any("tolerated_incomplete", "容缺后补信息不完整")


def latest_promise_date(version, today: dt.date | None = None) -> dt.date:
    """The last day a tolerated gap may be promised for (容缺后补).

    The result is issued only once the gap is closed (DOMAIN.md): a promise
    beyond the item's statutory limit could not be kept within the law. The
    statutory limit, else the promised one, else the 20 working days of
    Art. 42, counted from today.
    """
    today = today or timezone.localdate()
    for value, unit in (
        (version.statutory_limit_value, version.statutory_limit_unit),
        (version.promised_limit_value, version.promised_limit_unit),
    ):
        if value:
            return limit_end(today, value, unit)[0]
    return add_working_days(today, DEFAULT_DECISION_WORKING_DAYS)[0]


def limit_end(start: dt.date, value: int, unit: str) -> tuple[dt.date, bool]:
    """(last day, provisional?) of a time limit of ``value`` days in ``unit``."""
    if unit == cc.LimitUnit.NATURAL_DAYS:
        return start + dt.timedelta(days=value), False
    return add_working_days(start, value)


def application_remove_file(
    *, application: Application, user, uploaded_file: UploadedFile
) -> None:
    with transaction.atomic():
        locked = _lock(application)
        _require_editable(locked, user)
        upload = (
            UploadedFile.objects.select_related("application_material")
            .filter(pk=uploaded_file.pk, application_material__application=locked)
            .first()
        )
        if upload is None:
            raise NotFoundError("file_not_found", "未找到该文件")
        row = upload.application_material
        _delete_files_on_commit([upload])
        row.save(update_fields=["updated_at"])
        audit_record(
            actor=user,
            action="applications.remove_file",
            obj=locked,
            changes={"material": row.material_id, "sha256": upload.sha256},
        )


def uploaded_file_record_access(*, user, uploaded_file: UploadedFile) -> None:
    """Uploads may be ID scans (sensitive personal data): every view is logged."""
    with transaction.atomic():
        audit_record(
            actor=user,
            action="applications.file_view",
            obj=uploaded_file.application_material.application,
            changes={"file": uploaded_file.pk},
        )


# --- submission ------------------------------------------------------------------------


def _submit_locked(
    locked: Application,
    *,
    user,
    created: bool = False,
    materials: list[ApplicationMaterial] | None = None,
) -> StatusChange:
    """Submit a LOCKED application; returns its StatusChange row.

    ``created``: the application was created earlier in this same transaction
    (application_start), so no other transaction can see or change it, and
    its version was read as the item's version in force by that transaction;
    the version is not looked up again. ``materials``: its material rows as
    they stand (files loaded), when the caller holds them.
    """
    if locked.status in EDITABLE:
        _require_agent_still_authorized(locked, user)
    if not may_edit(user=user, application=locked):
        raise PermissionDeniedError(
            "not_application_editor", "只有申请人或录入人可以提交该办件"
        )
    if locked.status not in EDITABLE:
        if locked.submitted_at is None or locked.status in (
            S.WITHDRAWN,
            S.REFUSED,
            S.CLOSED,
        ):
            raise ServiceError(
                "application_not_editable",
                f"办件当前状态为“{locked.get_status_display()}”，不能提交",
                status=409,
            )
        raise ServiceError(
            "already_submitted",
            f"该办件已提交（办件编号 {locked.number}），请勿重复提交",
            status=409,
        )
    resubmission = locked.status == S.SUPPLEMENT_REQUESTED
    if not resubmission and not created:
        version = locked.version
        current_id = (
            Implementation.objects.filter(pk=locked.implementation_id)
            .values_list("item__current_version_id", flat=True)
            .first()
        )
        if version.status != cc.VersionStatus.PUBLISHED or current_id != version.pk:
            raise ServiceError(
                "version_retired",
                "该事项的办事指南已更新或废止，本草稿不能再提交，请按现行指南重新申请",
                status=409,
            )
    problems = application_problems(application=locked, materials=materials)
    if problems:
        first = problems[0]
        if len(problems) == 1:
            raise ServiceError(
                first.code, first.detail, field=first.field, errors=problems
            )
        raise ServiceError(
            "application_incomplete",
            f"申请还有{len(problems)}处需要完善，请修改后再提交",
            errors=problems,
        )
    now = timezone.now()
    today = timezone.localdate(now)
    due, provisional = add_working_days(today, c.ACCEPTANCE_WINDOW_WORKING_DAYS)
    fields = ["submitted_at", "acceptance_due", "dates_provisional"]
    if not locked.number:
        locked.number = application_number_next(
            implementation_code=locked.implementation.code, day=today
        )
        locked.query_code = new_query_code()
        fields += ["number", "query_code"]
    locked.submitted_at = now
    locked.acceptance_due = due
    locked.dates_provisional = locked.dates_provisional or provisional
    if resubmission:
        SupplementNotice.objects.filter(
            application=locked, resolved_at__isnull=True
        ).update(resolved_at=now)
    return _transition(
        locked,
        S.SUBMITTED,
        actor=user,
        reason="补正后重新提交" if resubmission else "",
        fields=fields,
        changes={"number": locked.number, "acceptance_due": due.isoformat()},
    )


def application_submit(
    *, application: Application, user, idempotency_key: str | None = None
) -> Application:
    """Submit (or resubmit after a one-time notice); assigns number and query code.

    With ``idempotency_key`` a repeated call (a double click, a retried
    request) returns the application as the first call left it.
    """

    def run() -> Application:
        locked = _lock(application)
        _submit_locked(locked, user=user)
        return locked

    if idempotency_key:
        result, _ = run_idempotent(
            user=user,
            scope=f"submit:{application.pk}",
            key=idempotency_key,
            fingerprint="submit",
            action=run,
        )
        return result
    with transaction.atomic():
        return run()


def request_fingerprint(data: Any) -> str:
    """Stable hash of a request body (keys sorted)."""
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def run_idempotent(
    *,
    user,
    scope: str,
    key: str,
    fingerprint: str,
    action: Callable[[], Application],
) -> tuple[Application, bool]:
    """Run ``action`` once per (user, scope, key); return (application, replayed).

    The IdempotencyRecord is inserted in the same transaction as the work, so
    a concurrent request with the same key blocks on the unique index until
    the first commits, then reads its result. If the work fails, the record
    rolls back with it and the key may be used again. ``action`` runs inside
    this transaction: it needs no transaction of its own.
    """
    if not IDEMPOTENCY_KEY_RE.match(key or ""):
        raise ServiceError(
            "idempotency_key_invalid",
            "Idempotency-Key 应为1到100个字母、数字或 ._:- 字符",
            field="Idempotency-Key",
        )
    with transaction.atomic():
        record_id = _idempotency_claim(
            user=user, scope=scope, key=key, fingerprint=fingerprint
        )
        if record_id is None:
            record = IdempotencyRecord.objects.get(user=user, scope=scope, key=key)
            if record.request_fingerprint != fingerprint:
                raise ServiceError(
                    "idempotency_key_reused",
                    "该 Idempotency-Key 已用于内容不同的请求",
                    field="Idempotency-Key",
                    status=422,
                )
            if record.application_id is None:
                raise ServiceError(
                    "idempotency_in_progress", "相同请求正在处理中，请稍后", status=409
                )
            return Application.objects.get(pk=record.application_id), True
        result = action()
        IdempotencyRecord.objects.filter(pk=record_id).update(application=result)
    return result, False


def _idempotency_claim(*, user, scope: str, key: str, fingerprint: str) -> int | None:
    """Insert the key's record; its id, or None if the key is taken already.

    One INSERT ... ON CONFLICT DO NOTHING (PostgreSQL, SQLite): like the
    get_or_create of the fallback, an insert racing an uncommitted one waits
    for it on the unique index, then inserts (it rolled back) or yields.
    """
    connection = transaction.get_connection()
    if connection.vendor not in ("postgresql", "sqlite"):
        record, created = IdempotencyRecord.objects.get_or_create(
            user=user,
            scope=scope,
            key=key,
            defaults={"request_fingerprint": fingerprint},
        )
        return record.pk if created else None
    meta = IdempotencyRecord._meta
    q = connection.ops.quote_name
    names = ("user", "scope", "key", "request_fingerprint", "created_at")
    user_col, scope_col, key_col, fp_col, at_col = (
        q(meta.get_field(name).column) for name in names
    )
    sql = (
        f"INSERT INTO {q(meta.db_table)} "
        f"({user_col}, {scope_col}, {key_col}, {fp_col}, {at_col}) "
        "VALUES (%s, %s, %s, %s, %s) "
        f"ON CONFLICT ({user_col}, {scope_col}, {key_col}) DO NOTHING "
        f"RETURNING {q(meta.pk.column)}"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, scope, key, fingerprint, now])
        row = cursor.fetchone()
    return row[0] if row else None


def application_start(
    *,
    user,
    implementation: Implementation,
    channel: str,
    applicant=None,
    enterprise=None,
    hall=None,
    agent_authorization: AgentAuthorization | None = None,
    form_data: dict | None = None,
    materials: list[dict] | None = None,
    submit: bool = False,
    idempotency_key: str | None = None,
    fingerprint: str = "",
) -> tuple[Application, bool]:
    """Create, provide non-upload materials and optionally submit, in one go.

    All or nothing: if submission fails the draft is not kept either. Returns
    (application, replayed) where replayed means the Idempotency-Key was seen.

    The application is created in this transaction, so it is submitted as it
    was created, without locking and reading it back. Unless materials were
    provided (they change its material rows), the application returned
    carries its material rows, history and notices as they stand
    (selectors.application_detail_for_user reads them instead of fetching).
    """

    def run() -> Application:
        app, rows = _create(
            user=user,
            implementation=implementation,
            applicant=applicant,
            enterprise=enterprise,
            channel=channel,
            hall=hall,
            agent_authorization=agent_authorization,
            form_data=form_data,
        )
        if materials:
            rows = None  # providing materials changes the rows: read them again
        for i, item in enumerate(materials or []):
            try:
                application_provide_material(
                    application=app,
                    user=user,
                    material=item.get("material"),
                    provision=item.get("provision", ""),
                    promise_text=item.get("promise_text", ""),
                    promised_by=item.get("promised_by"),
                    certificate_ref=item.get("certificate_ref", ""),
                )
            except ServiceError as exc:
                exc.field = f"materials[{i}].{exc.field or 'material'}"
                raise
        history = []
        if submit:
            history.append(_submit_locked(app, user=user, created=True, materials=rows))
        if rows is not None:
            prefill_related(app, "materials", rows)
            prefill_related(app, "history", history)
            prefill_related(app, "supplement_notices", [])
        return app

    if idempotency_key:
        return run_idempotent(
            user=user,
            scope="application_create",
            key=idempotency_key,
            fingerprint=fingerprint or request_fingerprint({}),
            action=run,
        )
    with transaction.atomic():
        return run(), False


# --- withdrawal and acceptance review --------------------------------------------------


def application_withdraw(
    *, application: Application, user, reason: str = ""
) -> Application:
    """The applicant withdraws before a decision (draft to in review)."""
    with transaction.atomic():
        locked = _lock(application)
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
        _transition(
            locked,
            S.WITHDRAWN,
            actor=user,
            reason=(reason or "").strip()[:500],
            fields=["withdrawn_at"],
        )
    return locked


def _lock_for_clerk(application: Application, clerk) -> Application:
    """Lock; a user who is not a clerk of the application's hall gets 404."""
    locked = _lock(application)
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
        _transition(
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
        _transition(
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
        _transition(
            locked,
            S.REFUSED,
            actor=clerk,
            reason=reason,
            fields=["refusal_reason", "refusal_basis"],
            changes={"legal_basis": legal_basis},
        )
    return locked


# --- ID numbers in the form ----------------------------------------------------------


def application_reveal_form_id_number(
    *, viewer, application: Application, field: str, reason: str
) -> str:
    """Open one sealed ID number of the form for one display, recording who and why.

    For a clerk at the application's hall (reason required; the caller has
    checked they may see the application). The audit entry carries the field
    and the reason, never the number.
    """
    if not is_hall_clerk(viewer, application.hall_id):
        raise PermissionDeniedError("reveal_forbidden", "无权查看完整身份证号码")
    sealed = (application.form_data or {}).get(field)
    if field not in form_id_fields(application.version.form_schema) or not is_sealed(
        sealed
    ):
        raise NotFoundError("form_field_not_found", "申请表中没有该身份证号码栏目")
    reason = reveal_reason(reason)
    number = open_id_number(sealed)
    if number is None:
        raise ServiceError("form_id_number_unreadable", "该号码无法解密，请联系管理员")
    with transaction.atomic():
        audit_record(
            actor=viewer,
            action="privacy.reveal_form_id_number",
            obj=application,
            changes={"field": field, "reason": reason},
        )
    return number
