"""Materials of an application: upload, certificate, tolerated gap, commitment.

One material row per material of the pinned version exists from the start;
:func:`application_provide_material` satisfies it one of the four ways the
material allows, :func:`application_remove_file` takes an upload back, and
:func:`uploaded_file_record_access` audits every view of an upload.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from catalog import constants as cc
from catalog.models import Material
from evidence.constants import AccessOutcome, AccessPurpose
from evidence.services.access import certificate_access_record
from portal.audit import audit_record
from portal.errors import ErrorCollector, NotFoundError, ServiceError

from .. import certificates
from .. import constants as c
from ..models import Application, ApplicationMaterial, UploadedFile
from ..uploads import check_upload
from .drafts import require_editable
from .status import lock_for_update
from .time_limits import latest_promise_date

MAX_FILES_PER_MATERIAL = 10


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
            "material_unknown", _("该办件没有这项材料"), field="material", status=400
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
    certificate_consent: bool = False,
) -> ApplicationMaterial:
    """Satisfy one material: upload, certificate, tolerated gap or commitment.

    An upload is checked (type by content, size, name) before any lock is
    taken; its stored file is removed again if the transaction fails. A
    certificate must be one the library offers for the application's holder
    (applications.certificates) and needs the applicant's consent
    (``certificate_consent``, recorded with its time); the form fields it
    carries are written into the form and remembered as prefilled. Each way
    records its trust level (A certificate, B counter upload, C online
    upload, D commitment).
    """
    try:
        provision = c.Provision(provision)
    except ValueError:
        raise ServiceError(
            "provision_invalid", _("材料提供方式无效"), field="provision"
        ) from None
    promise_text = (promise_text or "").strip()
    certificate_ref = (certificate_ref or "").strip()
    checked = None
    if provision == c.Provision.UPLOAD:
        checked = check_upload(file)
    stored: UploadedFile | None = None
    try:
        with transaction.atomic():
            locked = lock_for_update(application)
            require_editable(locked, user)
            row = _material_row(locked, material)
            m = row.material
            now = timezone.now()
            old_files = list(row.files.all())
            if provision == c.Provision.UPLOAD:
                kept = old_files if row.provision == c.Provision.UPLOAD else []
                if len(kept) >= MAX_FILES_PER_MATERIAL:
                    raise ServiceError(
                        "too_many_files",
                        _("每项材料最多上传%(max)s个文件")
                        % {"max": MAX_FILES_PER_MATERIAL},
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
                cert = _check_certificate(
                    row,
                    user=user,
                    application=locked,
                    ref=certificate_ref,
                    consent=certificate_consent,
                )
                row.certificate_ref = cert.identifier
                row.certificate_consent_at = now
                row.certificate_prefill = _prefill(locked, cert)
                row.promise_text, row.promised_by, row.signed_at = "", None, None
                _delete_files_on_commit(old_files)
                _record_read(locked, cert, user=user)
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
                        _("材料“%(name)s”不适用告知承诺，请上传材料")
                        % {"name": m.name},
                        field="provision",
                    )
                if not promise_text:
                    raise ServiceError(
                        "promise_text_required",
                        _("请填写并签署承诺内容"),
                        field="promise_text",
                    )
                row.promise_text, row.promised_by = promise_text, None
                row.signed_at = now
                row.certificate_ref = ""
                _delete_files_on_commit(old_files)
            if provision != c.Provision.CERTIFICATE:
                row.certificate_consent_at = None
                row.certificate_prefill = {}
            row.provision = provision
            row.trust_level = certificates.trust_level_for(
                provision, channel=locked.channel
            )
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
    row: ApplicationMaterial, *, user, application, ref: str, consent: bool
):
    """The offered certificate ``ref`` (applications.certificates), with consent."""
    m = row.material
    if m.certificate_type_id is None:
        raise ServiceError(
            "certificate_not_applicable",
            _("材料“%(name)s”不能用电子证照替代") % {"name": m.name},
            field="provision",
        )
    offers = certificates.held_certificates(application=application, material=m)
    if not offers:
        raise ServiceError(
            "certificate_unavailable",
            _("电子证照库中暂未找到可用的证照，请上传材料"),
            field="certificate_ref",
        )
    cert = next((o for o in offers if o.identifier == ref), None)
    if cert is None:
        # Someone else's, revoked, expired, or simply not one of these.
        raise ServiceError(
            "certificate_not_offered",
            _("所选电子证照不可用于本材料，请重新选择"),
            field="certificate_ref",
        )
    if not consent:
        raise ServiceError(
            "certificate_consent_required",
            _("使用电子证照须申请人同意本次调取"),
            field="certificate_consent",
        )
    return cert


def _prefill(locked: Application, cert) -> dict:
    """Write the form fields the certificate carries; returns them (to re-check)."""
    values = certificates.prefill_values(locked.version.form_schema, cert)
    if values:
        locked.form_data = {**(locked.form_data or {}), **values}
        locked.save(update_fields=["form_data", "updated_at"])
    return values


def _record_read(locked: Application, cert, *, user) -> None:
    """A clerk or agent attaching a citizen's certificate has read it: logged."""
    if user.pk == locked.applicant_id:
        return
    profile = getattr(user, "staff_profile", None)
    certificate_access_record(
        certificate=cert,
        reader=user,
        department=profile.department if profile else None,
        application_id=locked.pk,
        application_number=locked.number or "",
        item_name=locked.version.name,
        purpose=AccessPurpose.APPLICATION,
        outcome=AccessOutcome.GRANTED,
    )


def application_withdraw_certificate_consent(
    *, application: Application, user, material: Material | int
) -> ApplicationMaterial:
    """The applicant withdraws consent to fetch a certificate before submission.

    The reference stays visible but no longer counts: submission refuses it
    (``certificate_consent_missing``) until consent is given again or the
    material is provided another way.
    """
    with transaction.atomic():
        locked = lock_for_update(application)
        require_editable(locked, user)
        row = _material_row(locked, material)
        if (
            row.provision != c.Provision.CERTIFICATE
            or row.certificate_consent_at is None
        ):
            raise ServiceError(
                "certificate_consent_not_given",
                _("该材料没有待撤回的电子证照调取同意"),
                status=409,
            )
        row.certificate_consent_at = None
        row.save(update_fields=["certificate_consent_at", "updated_at"])
        audit_record(
            actor=user,
            action="applications.certificate_consent_withdraw",
            obj=locked,
            changes={"material": row.material_id},
        )
    return row


def _check_tolerated(m: Material, *, promise_text: str, promised_by) -> None:
    if m.necessity != cc.MaterialNecessity.TOLERATED:
        raise ServiceError(
            "tolerance_not_allowed",
            _("材料“%(name)s”不支持容缺后补，请上传材料") % {"name": m.name},
            field="provision",
        )
    errors = ErrorCollector()
    if not promise_text:
        errors.add("promise_text_required", _("请填写补交承诺"), "promise_text")
    if promised_by is None:
        errors.add("promised_by_required", _("请填写承诺补交日期"), "promised_by")
    elif not isinstance(promised_by, dt.date):
        errors.add("promised_by_invalid", _("承诺补交日期格式不正确"), "promised_by")
    elif promised_by <= timezone.localdate():
        errors.add("promised_by_in_past", _("承诺补交日期应晚于今天"), "promised_by")
    elif promised_by > (latest := latest_promise_date(m.version)):
        errors.add(
            "promised_by_too_late",
            _("承诺补交日期不能晚于%(latest)s（事项法定办结时限内）")
            % {"latest": date_format(latest)},
            "promised_by",
        )
    errors.raise_if_any("tolerated_incomplete", _("容缺后补信息不完整"))


def application_remove_file(
    *, application: Application, user, uploaded_file: UploadedFile
) -> None:
    with transaction.atomic():
        locked = lock_for_update(application)
        require_editable(locked, user)
        upload = (
            UploadedFile.objects.select_related("application_material")
            .filter(pk=uploaded_file.pk, application_material__application=locked)
            .first()
        )
        if upload is None:
            raise NotFoundError("file_not_found", _("未找到该文件"))
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
