"""Issue, revoke and expire certificates (and issue one for an approval).

Issuing renders the PDF, hashes it, signs the statement with the issuer's
active key (evidence.signing) and stores the signed file, in one transaction
with its audit entry; the stored file is removed again if the transaction
rolls back. Status changes go through :func:`_transition` only
(constants.STATUS_TRANSITIONS).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from catalog.models import CertificateType, Department
from portal.audit import audit_record
from portal.errors import ErrorItem, NotFoundError, ServiceError
from portal.roles import Role, user_has_role
from portal.system import system_user

from .. import constants as c
from .. import signing
from ..codes import make_identifier
from ..documents import certificate_pdf
from ..holders import Holder, holder_from_number
from ..models import Certificate, CertificateSpec
from .keys import active_key

logger = logging.getLogger(__name__)
S = c.CertificateStatus
REASON_MAX = 200


def _spec(certificate_type: CertificateType) -> CertificateSpec | None:
    return CertificateSpec.objects.filter(certificate_type=certificate_type).first()


def data_errors(schema: dict, data, *, prefix: str = "data") -> list[ErrorItem]:
    """Every way ``data`` breaks ``schema``, named by field title, never by value."""
    if not isinstance(data, dict):
        return [ErrorItem("data_invalid", _("照面信息应为对象"), prefix)]
    if not schema:
        return []
    try:
        validator = Draft202012Validator(schema)
        found = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    except SchemaError:
        return [ErrorItem("data_schema_invalid", _("该证照类型的照面信息结构无效"))]
    props = schema.get("properties") or {}
    items = []
    for err in found:
        if err.validator == "required":
            missing = [k for k in err.validator_value if k not in err.instance]
            for name in missing:
                title = (props.get(name) or {}).get("title") or name
                items.append(
                    ErrorItem(
                        "data_required",
                        _("缺少照面信息：%(field)s") % {"field": title},
                        f"{prefix}.{name}",
                    )
                )
            continue
        name = str(err.path[0]) if err.path else ""
        title = (props.get(name) or {}).get("title") or name
        items.append(
            ErrorItem(
                "data_invalid",
                _("照面信息“%(field)s”不符合要求（%(rule)s）")
                % {"field": title, "rule": err.validator},
                f"{prefix}.{name}" if name else prefix,
            )
        )
    return items


def validity_end(spec: CertificateSpec | None, valid_from: dt.date) -> dt.date | None:
    """The last valid day for a spec's validity in years (None: no end)."""
    if spec is None or not spec.validity_years:
        return None
    years = spec.validity_years
    try:
        end = valid_from.replace(year=valid_from.year + years)
    except ValueError:  # 29 February
        end = valid_from.replace(year=valid_from.year + years, day=28)
    return end - dt.timedelta(days=1)


def new_serial(issued_on: dt.date) -> str:
    """Year + 12 random digits: unique in practice, checked by a constraint."""
    return f"{issued_on:%Y}{secrets.randbelow(10**12):012d}"


@dataclass(frozen=True)
class Draft:
    """A certificate checked and ready to be signed (issue and import share it)."""

    certificate_type: CertificateType
    issuer: Department
    holder: Holder
    holder_name: str
    data: dict
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    serial: str
    version: str = "001"

    @property
    def identifier(self) -> str:
        return make_identifier(
            type_code=self.certificate_type.code,
            issuer_code=self.issuer.credit_code,
            serial=self.serial,
            version=self.version,
        )


def check_draft(
    *,
    certificate_type: CertificateType,
    issuer: Department,
    holder_number: str,
    holder_name: str,
    data: dict,
    issued_on: dt.date | None = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    serial: str | None = None,
    version: str = "001",
) -> tuple[Draft | None, list[ErrorItem]]:
    """The checked draft, or every problem (holder, name, data, dates) at once."""
    errors: list[ErrorItem] = []
    holder = None
    try:
        holder = holder_from_number(certificate_type.holder_kind, holder_number)
    except ServiceError as exc:
        errors.append(ErrorItem(exc.code, exc.detail, "holder"))
    holder_name = (holder_name or "").strip()
    if not holder_name or len(holder_name) > 200:
        errors.append(
            ErrorItem(
                "holder_name_invalid", _("持证主体名称为必填，最多200字"), "holder_name"
            )
        )
    spec = _spec(certificate_type)
    errors.extend(data_errors(spec.data_schema if spec else {}, data))
    today = timezone.localdate()
    issued_on = issued_on or today
    valid_from = valid_from or issued_on
    if issued_on > today:
        errors.append(
            ErrorItem("issued_in_future", _("签发日期不能晚于今天"), "issued_on")
        )
    if valid_until is None:
        valid_until = validity_end(spec, valid_from)
    if valid_until is not None and valid_until < valid_from:
        errors.append(
            ErrorItem(
                "validity_invalid", _("有效期截止日期早于起始日期"), "valid_until"
            )
        )
    serial = serial or new_serial(issued_on)
    draft = Draft(
        certificate_type=certificate_type,
        issuer=issuer,
        holder=holder,
        holder_name=holder_name,
        data=data if isinstance(data, dict) else {},
        issued_on=issued_on,
        valid_from=valid_from,
        valid_until=valid_until,
        serial=serial,
        version=version,
    )
    if holder is not None:
        try:
            draft.identifier  # noqa: B018 - the parts must make an identifier
        except Exception as exc:  # CodeError: serial/version/codes
            errors.append(
                ErrorItem(
                    getattr(exc, "code", "identifier_invalid"), str(exc), "serial"
                )
            )
    return (None if errors else draft), errors


def _signing_key_for(issuer: Department):
    key = active_key(issuer)
    if key is None:
        raise ServiceError(
            "signing_key_missing",
            _("颁发部门尚无有效的签名密钥，请先生成密钥"),
            status=503,
        )
    return key


def write_certificate(
    draft: Draft, *, stored: list[str], source: str = ""
) -> Certificate:
    """Render, sign and save one checked draft, inside the caller's transaction.

    The stored file's name is appended to ``stored`` (see :func:`delete_stored`).
    """
    spec = _spec(draft.certificate_type)
    key = _signing_key_for(draft.issuer)
    identifier = draft.identifier
    body = certificate_pdf(
        identifier=identifier,
        type_name=draft.certificate_type.name,
        issuer_name=draft.issuer.name,
        holder_name=draft.holder_name,
        holder_masked=draft.holder.masked,
        issued_on=draft.issued_on,
        valid_from=draft.valid_from,
        valid_until=draft.valid_until,
        schema=spec.data_schema if spec else {},
        data=draft.data,
    )
    file_sha256 = signing.sha256_hex(body)
    data_sha256 = signing.content_digest(
        type_code=draft.certificate_type.code,
        holder_kind=draft.holder.kind,
        holder_hash=draft.holder.digest,
        issued_on=draft.issued_on.isoformat(),
        valid_from=draft.valid_from.isoformat(),
        valid_until=draft.valid_until.isoformat() if draft.valid_until else None,
        data=draft.data,
    )
    statement = signing.make_statement(
        identifier=identifier,
        issuer=draft.issuer.credit_code,
        key_id=key.key_id,
        data_sha256=data_sha256,
        file_sha256=file_sha256,
    )
    try:
        signature = signing.sign(key.key_id, statement)
    except signing.KeyUnavailableError as exc:
        # The key id only: which private key is missing, never its path's content.
        logger.error("evidence.sign_key_unavailable key=%s", key.key_id)
        raise ServiceError(
            "signing_key_unavailable",
            _("签名私钥不可用，请联系系统管理员"),
            status=503,
        ) from exc
    cert = Certificate(
        identifier=identifier,
        certificate_type=draft.certificate_type,
        issuer=draft.issuer,
        serial=draft.serial,
        version=draft.version,
        holder_kind=draft.holder.kind,
        holder_hash=draft.holder.digest,
        holder_masked=draft.holder.masked,
        holder_name=draft.holder_name,
        issued_on=draft.issued_on,
        valid_from=draft.valid_from,
        valid_until=draft.valid_until,
        status=S.VALID,
        data=draft.data,
        data_sha256=data_sha256,
        file_sha256=file_sha256,
        signing_key=key,
        statement=statement.decode("utf-8"),
        signature=signature,
        source=source[:200],
    )
    cert.file.save(
        "certificate.pdf",
        ContentFile(signing.attach_signature(body, statement, signature)),
        save=False,
    )
    stored.append(cert.file.name)
    cert.save()
    return cert


def delete_stored(names: list[str]) -> None:
    """Remove the files of certificates whose transaction did not commit.

    Django has no on-rollback callback: the issuing service deletes what it
    stored when its own block fails. (A caller's outer transaction that
    rolls back later leaves an orphan file with no row: unreachable, harmless.)
    """
    storage = Certificate._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def certificate_issue(
    *,
    certificate_type: CertificateType,
    issuer: Department,
    holder_number: str,
    holder_name: str,
    data: dict,
    actor,
    issued_on: dt.date | None = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    serial: str | None = None,
    source: str = "",
    application_number: str = "",
) -> Certificate:
    """Issue one signed certificate into its holder's wallet.

    ``holder_number`` is the ID number or credit code (validated, kept only as
    its keyed hash and masked form). Raises ``certificate_invalid`` with every
    problem listed, ``signing_key_missing`` / ``signing_key_unavailable`` (503).
    """
    draft, errors = check_draft(
        certificate_type=certificate_type,
        issuer=issuer,
        holder_number=holder_number,
        holder_name=holder_name,
        data=data,
        issued_on=issued_on,
        valid_from=valid_from,
        valid_until=valid_until,
        serial=serial,
    )
    if errors:
        raise ServiceError(
            "certificate_invalid",
            _("证照信息有误，共%(n)s处") % {"n": len(errors)},
            errors=errors,
        )
    stored: list[str] = []
    try:
        with transaction.atomic():
            Department.objects.select_for_update().get(pk=issuer.pk)
            if Certificate.objects.filter(identifier=draft.identifier).exists():
                raise ServiceError(
                    "certificate_duplicate",
                    _("该电子证照标识已存在"),
                    field="serial",
                    status=409,
                )
            cert = write_certificate(draft, stored=stored, source=source)
            if application_number:
                cert.application_number = application_number
                cert.save(update_fields=["application_number"])
            audit_record(
                actor=actor,
                action="evidence.issue",
                obj=cert,
                object_repr=cert.identifier,
                changes={"type": certificate_type.code, "key": cert.signing_key.key_id},
            )
    except BaseException:
        delete_stored(stored)
        raise
    return cert


def _transition(cert: Certificate, to: str, *, actor, reason: str = "") -> None:
    if to not in c.STATUS_TRANSITIONS[cert.status]:
        raise ServiceError(
            "certificate_status_conflict",
            _("证照当前状态为“%(status)s”，不能改为“%(to)s”")
            % {"status": cert.get_status_display(), "to": S(to).label},
            status=409,
        )
    before = cert.status
    cert.status = to
    cert.status_changed_at = timezone.now()
    fields = ["status", "status_changed_at"]
    if to == S.REVOKED:
        cert.revoked_reason = reason
        fields.append("revoked_reason")
    cert.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=f"evidence.{to}",
        obj=cert,
        object_repr=cert.identifier,
        changes={"from": before, "to": to, "reason": reason},
    )


def certificate_revoke(*, identifier: str, reason: str, actor) -> Certificate:
    """Revoke (注销) a certificate, with a reason; only a head of its issuing
    department (or a superuser) may.

    Anyone else (and an unknown identifier) gets 404.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", _("注销证照须填写原因"), field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(
            "reason_length",
            _("原因最多%(max)s个字符") % {"max": REASON_MAX},
            field="reason",
        )
    with transaction.atomic():
        cert = (
            Certificate.objects.select_for_update()
            .filter(identifier=identifier)
            .first()
        )
        if cert is None or not _may_manage(actor, cert):
            raise NotFoundError("not_found", _("未找到该电子证照"))
        _transition(cert, S.REVOKED, actor=actor, reason=reason)
    return cert


def _may_manage(actor, cert: Certificate) -> bool:
    """A head of the issuing department (or a superuser) revokes its certificates."""
    if getattr(actor, "is_superuser", False):
        return True
    return issuer_staff_department_id(actor) == cert.issuer_id and user_has_role(
        actor, Role.DEPARTMENT_HEAD
    )


def issuer_staff_department_id(user) -> int | None:
    """The department of a reviewer or head (who see what it issued), or None."""
    if not user_has_role(user, Role.REVIEWER, Role.DEPARTMENT_HEAD):
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.department_id if profile is not None else None


def certificates_expire_due(*, today: dt.date | None = None, limit: int = 500) -> int:
    """Mark valid certificates past their ``valid_until`` as expired (beat task).

    One transaction per certificate with ``SKIP LOCKED``, acting as the system
    actor; a second run finds nothing to do. Returns how many expired.
    """
    today = today or timezone.localdate()
    actor = system_user()
    done = 0
    ids = list(
        Certificate.objects.filter(status=S.VALID, valid_until__lt=today)
        .order_by("valid_until")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        with transaction.atomic():
            cert = (
                Certificate.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=S.VALID, valid_until__lt=today)
                .first()
            )
            if cert is None:
                continue
            _transition(cert, S.EXPIRED, actor=actor, reason="")
            done += 1
    return done


def certificate_issue_for_decision(
    *,
    certificate_type: CertificateType,
    issuer: Department,
    holder_number: str,
    holder_name: str,
    data: dict,
    application_number: str,
    actor,
) -> Certificate:
    """Issue the certificate that an approval results in (for workflow to call).

    Workflow calls this inside its decision transaction when the approved
    item's result is a certificate: ``issuer`` is the implementing
    department, the holder the application's applicant (a person's ID number
    opened from their profile, or the enterprise's credit code), ``data``
    the certificate fields taken from the application's form. The certificate
    is signed with the department's active key and lands in the holder's
    wallet; its ``identifier`` is what the decision notice and tracking link
    (``evidence:verify``). A ServiceError (bad data, no key) propagates and
    rolls the decision back.
    """
    return certificate_issue(
        certificate_type=certificate_type,
        issuer=issuer,
        holder_number=holder_number,
        holder_name=holder_name,
        data=data,
        actor=actor,
        source=_("办件 %(number)s 审批结果") % {"number": application_number},
        application_number=application_number,
    )
