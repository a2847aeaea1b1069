"""ID numbers typed into an application form: opened for one display, audited."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from people.privacy import is_sealed, open_id_number, reveal_reason
from portal.audit import audit_record
from portal.errors import NotFoundError, PermissionDeniedError, ServiceError

from ..form_privacy import form_id_fields
from ..models import Application
from ..selectors import is_hall_clerk


def application_reveal_form_id_number(
    *, viewer, application: Application, field: str, reason: str
) -> str:
    """Open one sealed ID number of the form for one display, recording who and why.

    For a clerk at the application's hall (reason required; the caller has
    checked they may see the application). The audit entry carries the field
    and the reason, never the number.
    """
    if not is_hall_clerk(viewer, application.hall_id):
        raise PermissionDeniedError("reveal_forbidden", _("无权查看完整身份证号码"))
    sealed = (application.form_data or {}).get(field)
    if field not in form_id_fields(application.version.form_schema) or not is_sealed(
        sealed
    ):
        raise NotFoundError("form_field_not_found", _("申请表中没有该身份证号码栏目"))
    reason = reveal_reason(reason)
    number = open_id_number(sealed)
    if number is None:
        raise ServiceError(
            "form_id_number_unreadable", _("该号码无法解密，请联系管理员")
        )
    with transaction.atomic():
        audit_record(
            actor=viewer,
            action="privacy.reveal_form_id_number",
            obj=application,
            changes={"field": field, "reason": reason},
        )
    return number
