"""Reads of applications: who may see what, tracking, and submission checks.

Every queryset returned here is already narrowed to what the user may see;
views and the API never filter for permission themselves. An object outside
that set answers 404 (not 403), so its existence is not revealed.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hmac
import json
from dataclasses import dataclass, field

import jsonschema
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import constants as cc
from evidence.documents import verification_url
from evidence.models import Certificate
from people.models import EnterpriseMember
from people.privacy import IdNumberError, validate_id_number
from portal.errors import ErrorItem, NotFoundError

from . import constants as c
from . import hooks
from .certificates import reference_problems
from .form_privacy import form_plain
from .models import (
    Application,
    ApplicationMaterial,
    StatusChange,
    UploadedFile,
)
from .visibility import (  # noqa: F401 - re-exported for callers
    active_enterprise_ids,
    authorization_in_force,
    is_hall_clerk,
    staff_hall_id,
)

NOT_FOUND_DETAIL = gettext_lazy("未找到该办件，或您无权查看")


def application_not_found() -> NotFoundError:
    return NotFoundError("application_not_found", NOT_FOUND_DETAIL)


def application_list_for_user(*, user) -> QuerySet[Application]:
    """Applications the user may see, newest first, ready for list pages."""
    return (
        Application.objects.visible_to(user)
        .select_related(
            "implementation__item",
            "implementation__department",
            "implementation__region",
            "version",
            "hall",
            "applicant",
            "enterprise",
        )
        .order_by("-created_at", "-pk")
    )


def application_get_for_user(*, user, pk) -> Application:
    """One visible application with everything the detail pages show."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise application_not_found() from None
    # Few joins in the main query, the rest prefetched by primary key: with a
    # dozen joined tables PostgreSQL spends ~7 ms planning each fetch, far more
    # than the handful of indexed look-ups that replace them.
    application = (
        application_list_for_user(user=user)
        .select_related(None)
        .select_related("implementation__item", "version")
        .prefetch_related(
            "implementation__department",
            "implementation__region",
            "hall",
            "applicant",
            "enterprise",
            "submitted_by",
            "accepted_by",
            "agent_authorization",
            Prefetch(
                "materials",
                queryset=ApplicationMaterial.objects.select_related(
                    "material", "material__certificate_type"
                )
                .prefetch_related("files")
                .order_by("material__order", "material_id"),
            ),
            Prefetch(
                "history",
                queryset=StatusChange.objects.select_related("actor").order_by(
                    "at", "id"
                ),
            ),
            "supplement_notices",
        )
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise application_not_found()
    return application


def application_detail_for_user(*, user, application: Application) -> Application:
    """``application`` for the detail serializer, if ``user`` may see it.

    A service that has just written an application may hand back what the
    detail shows of it (materials, history and notices filled in by
    :func:`prefill_related`, as application_start does). Its applicant (or a
    superuser) sees it as it is, without reading it back; anyone else, and
    any application without those rows, goes through
    :func:`application_get_for_user` (404 when not visible).
    """
    filled = getattr(application, "_prefetched_objects_cache", {})
    if (
        {"materials", "history", "supplement_notices"} <= filled.keys()
        and getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.pk == application.applicant_id)
    ):
        return application
    return application_get_for_user(user=user, pk=application.pk)


def prefill_related(instance, name: str, rows: list) -> None:
    """Make ``instance.<name>.all()`` return ``rows`` as prefetch_related would.

    For services that hold rows they have just written in their transaction
    (so the rows are exactly what a fetch would return) and hand ``instance``
    to code that reads the relation. Further querysets on the relation
    (``.filter()``, ``.order_by()``) still go to the database.
    """
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[manager.field.remote_field.cache_name] = queryset


def uploaded_file_get_for_user(*, user, pk) -> UploadedFile:
    """A stored upload, only if its application is visible to the user."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError("file_not_found", _("未找到该文件")) from None
    visible = application_list_for_user(user=user).values("pk")
    upload = (
        UploadedFile.objects.select_related("application_material__application")
        .filter(pk=pk, application_material__application__in=visible)
        .first()
    )
    if upload is None:
        raise NotFoundError("file_not_found", _("未找到该文件"))
    return upload


def _is_filing_agent(user, application: Application) -> bool:
    return (
        application.channel == c.IntakeChannel.AGENT
        and user.pk == application.submitted_by_id
        and user.pk != application.applicant_id
    )


def agent_may_act(*, user, application: Application) -> bool:
    """The filing agent acts on the application only while authorised."""
    return _is_filing_agent(user, application) and authorization_in_force(
        application.agent_authorization, agent=user
    )


def may_edit(*, user, application: Application) -> bool:
    """Who may fill in and supply materials (not who may see)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if _is_filing_agent(user, application):
        return agent_may_act(user=user, application=application)
    if user.pk in (application.applicant_id, application.submitted_by_id):
        return True
    if (
        application.enterprise_id
        and EnterpriseMember.objects.filter(
            user=user, enterprise_id=application.enterprise_id, revoked_at__isnull=True
        ).exists()
    ):
        return True
    return application.channel == c.IntakeChannel.COUNTER and is_hall_clerk(
        user, application.hall_id
    )


def may_withdraw(*, user, application: Application) -> bool:
    """The applicant, an enterprise member, or the agent who submitted it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk == application.applicant_id:
        return True
    if _is_filing_agent(user, application):
        return agent_may_act(user=user, application=application)
    return bool(
        application.enterprise_id
        and EnterpriseMember.objects.filter(
            user=user, enterprise_id=application.enterprise_id, revoked_at__isnull=True
        ).exists()
    )


# --- form data against the item's JSON Schema -------------------------------

TYPE_LABELS = {
    "string": gettext_lazy("文字"),
    "integer": gettext_lazy("整数"),
    "number": gettext_lazy("数字"),
    "boolean": gettext_lazy("是或否"),
    "object": gettext_lazy("对象"),
    "array": gettext_lazy("列表"),
    "null": gettext_lazy("空值"),
}


def _schema_node(schema: dict, path: list) -> dict:
    node = schema
    for part in path:
        if not isinstance(node, dict):
            return {}
        node = (
            node.get("items", {})
            if isinstance(part, int)
            else (node.get("properties", {}).get(part, {}))
        )
    return node if isinstance(node, dict) else {}


def _schema_title(schema: dict, path: list) -> str:
    """The title of the property at ``path`` (falls back to its key)."""
    node = schema
    title = ""
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {}) if isinstance(node, dict) else {}
            title = (
                _("%(title)s第%(n)s项") % {"title": title, "n": part + 1}
                if title
                else _("第%(n)s项") % {"n": part + 1}
            )
            continue
        props = node.get("properties", {}) if isinstance(node, dict) else {}
        node = props.get(part, {})
        title = (node.get("title") if isinstance(node, dict) else None) or str(part)
    return title


def json_path(path) -> str:
    """jsonschema's deque path as ``$.a.b[0]``."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _required_messages(
    error: jsonschema.ValidationError, schema: dict
) -> list[tuple[str, str]]:
    """One message per missing property (jsonschema names one per error)."""
    path = list(error.absolute_path)
    instance = error.instance if isinstance(error.instance, dict) else {}
    out = []
    for name in error.validator_value or []:
        if name not in instance:
            full = [*path, name]
            title = _schema_title(schema, full)
            if "enum" in _schema_node(schema, full):
                message = _("请选择“%(title)s”") % {"title": title}
            else:
                message = _("请填写“%(title)s”") % {"title": title}
            out.append((json_path(full), message))
    return out


def _dependent_messages(
    error: jsonschema.ValidationError, schema: dict
) -> list[tuple[str, str]]:
    """dependentRequired: one message per field the filled one makes required."""
    path = list(error.absolute_path)
    instance = error.instance if isinstance(error.instance, dict) else {}
    out = []
    for name, needed in (error.validator_value or {}).items():
        if name not in instance:
            continue
        for other in needed:
            if other not in instance:
                full = [*path, other]
                values = {
                    "title": _schema_title(schema, full),
                    "other": _schema_title(schema, [*path, name]),
                }
                out.append(
                    (
                        json_path(full),
                        _("填写了“%(other)s”，请同时填写“%(title)s”") % values,
                    )
                )
    return out


def _message(error: jsonschema.ValidationError, schema: dict) -> tuple[str, str]:
    """(JSON path, message in the active language) of one schema error."""
    path = list(error.absolute_path)
    v = error.validator
    val = error.validator_value
    title = _schema_title(schema, path) if path else _("申请表")
    values = {"title": title, "value": val}
    if v == "type":
        types = val if isinstance(val, list) else [val]
        values["types"] = _("或").join(str(TYPE_LABELS.get(t, t)) for t in types)
        return json_path(path), _("“%(title)s”应为%(types)s") % values
    if v == "enum":
        values["options"] = "、".join(str(x) for x in val)
        return json_path(path), _("“%(title)s”只能选择：%(options)s") % values
    if v == "const":
        return json_path(path), _("“%(title)s”的值不正确") % values
    if v == "minLength":
        return json_path(path), _("“%(title)s”至少%(value)s个字") % values
    if v == "maxLength":
        return json_path(path), _("“%(title)s”最多%(value)s个字") % values
    if v == "pattern":
        return json_path(path), _("“%(title)s”格式不正确") % values
    if v == "format":
        if val == "id-number" and isinstance(error.cause, IdNumberError):
            values["problem"] = error.cause.message
            return json_path(path), _("“%(title)s”：%(problem)s") % values
        values["format"] = FORMAT_LABELS.get(val, val)
        return json_path(path), _("“%(title)s”格式不正确（应为%(format)s）") % values
    if v == "minimum":
        return json_path(path), _("“%(title)s”不能小于%(value)s") % values
    if v == "maximum":
        return json_path(path), _("“%(title)s”不能大于%(value)s") % values
    if v == "exclusiveMinimum":
        return json_path(path), _("“%(title)s”应大于%(value)s") % values
    if v == "exclusiveMaximum":
        return json_path(path), _("“%(title)s”应小于%(value)s") % values
    if v == "uniqueItems":
        return json_path(path), _("“%(title)s”有重复的项") % values
    if v == "minItems":
        return json_path(path), _("“%(title)s”至少填写%(value)s项") % values
    if v == "maxItems":
        return json_path(path), _("“%(title)s”最多填写%(value)s项") % values
    if v == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        values["fields"] = "、".join(extra)
        return json_path(path), _("申请表含有未定义的栏目：%(fields)s") % values
    return json_path(path), _("“%(title)s”填写不符合要求") % values


# The standard formats, and "id-number": a resident ID number whose check
# character and birth date hold (GB 11643), for form fields that ask for
# someone's ID number (the applicant's own comes from the real-name profile).
FORM_CHECKER = copy.deepcopy(jsonschema.Draft202012Validator.FORMAT_CHECKER)


@FORM_CHECKER.checks("id-number", raises=IdNumberError)
def _is_id_number(value) -> bool:
    if not isinstance(value, str):
        return True  # "type" reports other values
    validate_id_number(value)
    return True


FORMAT_LABELS = {
    "date": gettext_lazy("日期（年-月-日）"),
    "date-time": gettext_lazy("日期时间"),
    "email": gettext_lazy("电子邮箱地址"),
    "id-number": gettext_lazy("18位公民身份号码（校验位、出生日期须正确）"),
    "uri": gettext_lazy("网址"),
}


def form_validator(schema: dict | None):
    """The validator of an item's form definition (None: no definition).

    Built once per process for each definition (building one costs more
    than most validations): validators keep no state between calls.
    """
    if not schema:
        return None
    return _validator_for(json.dumps(schema, sort_keys=True, ensure_ascii=False))


@functools.lru_cache(maxsize=512)
def _validator_for(schema_text: str):
    schema = json.loads(schema_text)
    return jsonschema.Draft202012Validator(schema, format_checker=FORM_CHECKER)


def form_errors(*, schema: dict, data, validator=None) -> list[ErrorItem]:
    """Every way ``data`` breaks ``schema``, field by field, in Chinese.

    ``validator``: :func:`form_validator` of ``schema``, for a caller that
    checks many submissions against one schema.
    """
    if not isinstance(data, dict):
        return [ErrorItem("form_invalid", _("申请表数据应为对象（键值对）"), "$")]
    if not schema:
        return []
    validator = validator or form_validator(schema)
    items: list[ErrorItem] = []
    seen: set[tuple[str, str]] = set()
    for error in sorted(
        validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]
    ):
        if error.validator == "required":
            pairs = _required_messages(error, schema)
        elif error.validator == "dependentRequired":
            pairs = _dependent_messages(error, schema)
        else:
            pairs = [_message(error, schema)]
        for path, message in pairs:
            if (path, message) not in seen:
                seen.add((path, message))
                items.append(ErrorItem("form_invalid", message, path))
    return items


def material_is_satisfied(am: ApplicationMaterial) -> bool:
    """Whether how the material is provided is complete (files prefetched)."""
    if am.provision == c.Provision.UPLOAD:
        return bool(am.files.all())
    if am.provision == c.Provision.CERTIFICATE:
        return bool(am.certificate_ref)
    if am.provision == c.Provision.TOLERATED:
        return bool(am.promise_text and am.promised_by)
    if am.provision == c.Provision.COMMITMENT:
        return bool(am.promise_text and am.signed_at)
    return False


NEEDED = {
    cc.MaterialNecessity.REQUIRED,
    cc.MaterialNecessity.TOLERATED,
    cc.MaterialNecessity.COMMITMENT,
}


def application_problems(
    *, application: Application, materials: list[ApplicationMaterial] | None = None
) -> list[ErrorItem]:
    """What still stands between this application and submission.

    Pure read: form data against the pinned version's schema, then every
    material that is needed but not satisfied, or named in an open one-time
    notice and not supplied again. (The version-retired rule is the service's:
    it is a refusal on its own, not one item among others.) ``materials``:
    the application's material rows in material order with their files
    loaded, when the caller holds them as they stand; else they are read.
    """
    schema = application.version.form_schema
    items = form_errors(schema=schema, data=form_plain(schema, application.form_data))
    if materials is None:
        materials = list(
            application.materials.select_related("material")
            .prefetch_related("files")
            .order_by("material__order", "material_id")
        )
    for i, am in enumerate(materials):
        name = am.material.name
        if am.problem:
            items.append(
                ErrorItem(
                    "material_problem_unresolved",
                    _("材料“%(name)s”尚未按一次性告知补正：%(problem)s")
                    % {"name": name, "problem": am.problem},
                    f"materials[{i}]",
                )
            )
        elif am.material.necessity in NEEDED and not material_is_satisfied(am):
            items.append(
                ErrorItem(
                    "material_missing",
                    _("缺少材料：%(name)s") % {"name": name},
                    f"materials[{i}]",
                )
            )
    # Once-only references are checked again: consent, validity, holder, prefill.
    items.extend(reference_problems(application, materials))
    return items


# --- public tracking ---------------------------------------------------------


@dataclass
class TrackEvent:
    status: str
    label: str
    at: dt.datetime


@dataclass
class TrackCertificate:
    identifier: str
    verify_url: str


def issued_certificates(application: Application) -> list[TrackCertificate]:
    """The certificates issued on this application's approval (evidence)."""
    if not application.number:
        return []
    return [
        TrackCertificate(identifier=i, verify_url=verification_url(i))
        for i in Certificate.objects.filter(application_number=application.number)
        .order_by("pk")
        .values_list("identifier", flat=True)
    ]


@dataclass
class TrackResult:
    """What anyone holding the number and query code may see: no personal data."""

    number: str
    item_name: str
    department_name: str
    hall_name: str
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    acceptance_due: dt.date | None
    promised_date: dt.date | None
    dates_provisional: bool
    timeline: list[TrackEvent] = field(default_factory=list)
    acceptance_deemed: bool = False
    supplement_due: dt.date | None = None
    closure_label: str = ""
    stage: str = ""  # the current stage once routed (hooks.progress_of)
    # E-certificates the approval issued: identifier and public verification
    # address only (the holder stays out of tracking).
    certificates: list[TrackCertificate] = field(default_factory=list)
    item_name_bo: str = ""  # the catalog's Tibetan name, when it has one


@dataclass(frozen=True)
class DeemedAcceptance:
    """How a deemed acceptance (视为受理, Art. 32) reads, in the request's language."""

    label: str
    basis: str


def deemed_acceptance(application: Application) -> DeemedAcceptance | None:
    """视为受理 and its statutory basis, or None for an acceptance by a clerk.

    The one rule every page reads: public tracking, the clerk's review page
    and the applicant's own timeline. The system accepts an application
    nobody reviewed in the window (applications.services.timers) with
    ``acceptance_deemed`` set; it stays set after the application moves on.
    """
    if not application.acceptance_deemed:
        return None
    return DeemedAcceptance(label=_("视为受理"), basis=str(c.DEEMED_ACCEPTANCE_BASIS))


def track_label(application: Application, status: str) -> str:
    """A timeline entry's label: the status, or what it meant for this one."""
    if status == c.ApplicationStatus.ACCEPTED and (
        deemed := deemed_acceptance(application)
    ):
        return deemed.label
    if status == c.ApplicationStatus.CLOSED and application.closure_reason:
        return application.get_closure_reason_display()
    return str(c.ApplicationStatus(status).label)


def normalise_query_code(raw: str) -> str:
    return (raw or "").strip().upper().replace(" ", "")


def application_track(*, number: str, query_code: str) -> TrackResult:
    """Public tracking; an unknown number and a wrong code look the same."""
    number = (number or "").strip().upper()
    code = normalise_query_code(query_code)
    application = None
    if number and code and len(number) <= 47:
        application = (
            Application.objects.select_related(
                "version", "implementation__department", "hall"
            )
            .filter(number=number)
            .first()
        )
    # Compare in constant time; the miss path does the same comparison.
    expected = application.query_code if application else "--------"
    if application is None or not hmac.compare_digest(expected.encode(), code.encode()):
        raise NotFoundError(
            "tracking_not_found", _("办件编号或查询码不正确，请核对后重新输入")
        )
    timeline = [
        TrackEvent(
            status=h.to_status, label=track_label(application, h.to_status), at=h.at
        )
        for h in application.history.order_by("at", "id")
    ]
    supplement_due = None
    if application.status == c.ApplicationStatus.SUPPLEMENT_REQUESTED:
        supplement_due = (
            application.supplement_notices.filter(resolved_at__isnull=True)
            .order_by("-issued_at", "-pk")
            .values_list("due_date", flat=True)
            .first()
        )
    progress = hooks.progress_of(application)
    promised_date = application.promised_date
    provisional = application.dates_provisional
    if progress is not None and progress.promised_date is not None:
        promised_date, provisional = progress.promised_date, progress.provisional
    return TrackResult(
        number=application.number,
        item_name=application.version.name,
        item_name_bo=application.version.name_bo,
        department_name=application.implementation.department.name,
        hall_name=application.hall.name if application.hall else "",
        status=application.status,
        status_label=application.get_status_display(),
        submitted_at=application.submitted_at,
        acceptance_due=application.acceptance_due,
        promised_date=promised_date,
        dates_provisional=provisional,
        timeline=timeline,
        acceptance_deemed=application.acceptance_deemed,
        supplement_due=supplement_due,
        closure_label=application.get_closure_reason_display(),
        stage=progress.stage if progress is not None else "",
        certificates=issued_certificates(application),
    )
