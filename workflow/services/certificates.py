"""Issuing the item's result certificate when a case is approved.

evidence sits below workflow (docs/architecture.md), so workflow calls its
issuing service directly. Which items issue: a version whose
``result_certificate_type`` is set (catalog); others issue nothing.

- **Issuer**: the implementing department of the application.
- **Holder**: the enterprise for a legal-person application (its credit
  code), else the applicant (the ID number opened from their real-name
  profile). The number goes to evidence only, which keeps its keyed hash and
  masked form; it is never logged or audited here.
- **Data**: the form's values for the type's data fields (same names), plus
  two fallbacks: a missing ``entity_name`` / ``name`` takes the holder's
  name, and a missing licence/certificate number (``license_no``,
  ``certificate_no``) takes the application number, since the number is
  assigned at the decision and the application number is unique and printed
  on it. A field the type requires that is still missing is not invented:
  the approval fails with ``certificate_data_missing`` (409) naming the
  fields, and the decision rolls back, so the catalog's form and the type's
  fields must be brought in line first.

Runs in the decision's transaction: any ServiceError (no signing key for the
department: ``signing_key_missing`` 503; bad data) rolls the decision back.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from applications import constants as ac
from evidence.models import CertificateSpec
from evidence.services.issuing import certificate_issue_for_decision
from people.models import ApplicantProfile
from people.privacy import decrypt_id_number
from portal.errors import ErrorItem, ServiceError

logger = logging.getLogger(__name__)

NAME_FIELDS = ("entity_name", "name")
NUMBER_FIELDS = ("license_no", "certificate_no")


def _holder(application) -> tuple[str, str]:
    """(number, name) of whoever holds the result; raises if unknown."""
    enterprise = application.enterprise
    if application.applicant_kind == ac.ApplicantKind.LEGAL and enterprise:
        return enterprise.credit_code, enterprise.name
    profile = ApplicantProfile.objects.filter(user_id=application.applicant_id).first()
    if profile is None or not profile.id_number_encrypted:
        raise ServiceError(
            "certificate_holder_unknown",
            _("申请人未完成实名认证，无法签发电子证照"),
            status=409,
        )
    return decrypt_id_number(profile.id_number_encrypted), profile.full_name


def certificate_data(*, schema: dict, form_data: dict, holder_name: str, number: str):
    """The certificate's data from the form (see the module docstring)."""
    props = (schema or {}).get("properties") or {}
    data = {
        key: form_data[key]
        for key in props
        if key in form_data and form_data[key] not in (None, "", [])
    }
    for key in NAME_FIELDS:
        if key in props and key not in data:
            data[key] = holder_name
    for key in NUMBER_FIELDS:
        if key in props and key not in data:
            data[key] = number
    missing = [k for k in (schema or {}).get("required") or [] if k not in data]
    if missing:
        raise ServiceError(
            "certificate_data_missing",
            _("申请表缺少电子证照所需信息，无法签发：%(fields)s")
            % {
                "fields": "、".join(
                    (props.get(k) or {}).get("title") or k for k in missing
                )
            },
            status=409,
            errors=[
                ErrorItem("certificate_data_missing", _("缺少该项信息"), f"data.{k}")
                for k in missing
            ],
        )
    return data


def certificate_issue_on_approval(*, case, actor):
    """Issue the item's result certificate for an approved case, or None.

    Runs in the decision's transaction, with the case and application locked,
    after ``application_decide``; an exception rolls the decision back.
    """
    application = case.application
    certificate_type = application.version.result_certificate_type
    if certificate_type is None:
        logger.info("workflow.certificate_seam case_id=%s issued=0", case.pk)
        return None
    number, holder_name = _holder(application)
    spec = CertificateSpec.objects.filter(certificate_type=certificate_type).first()
    data = certificate_data(
        schema=spec.data_schema if spec else {},
        form_data=application.form_data or {},
        holder_name=holder_name,
        number=application.number or "",
    )
    cert = certificate_issue_for_decision(
        certificate_type=certificate_type,
        issuer=application.implementation.department,
        holder_number=number,
        holder_name=holder_name,
        data=data,
        application_number=application.number or "",
        actor=actor,
    )
    logger.info("workflow.certificate_seam case_id=%s issued=1", case.pk)
    return cert
