"""Inviting a named staff user outside the department to consult on one case.

The grant is a django-guardian object permission (``workflow.consult_case``)
in the direct-foreign-key table ``CaseUserObjectPermission``, so the
visibility rule and the task list join it by index (no generic table). A
consultant sees the case's application and tasks and may comment; deciding
stays with the departments.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from applications.visibility import staff_department_id
from portal.audit import audit_record
from portal.errors import PermissionDeniedError, ServiceError
from portal.roles import user_is_staff

from ..models import Case, Consultation
from .common import case_not_found, clean_text, is_head_of, lock_case, require_open_case

PERMISSION = "workflow.consult_case"


def consultation_invite(*, case: Case, actor, user, note: str = "") -> Consultation:
    """A head of a department with a task on the case invites ``user``.

    Refused: the actor heads no department on the case (404 unless they may
    see it: 403 ``not_department_head``), the invitee is not an active staff
    user or works in the actor's department (``consultant_invalid``), or is
    invited already (``consultation_exists``).
    """
    note = clean_text(
        note, field="note", code="note_required", label=_("说明"), required=False
    )[:500]
    with transaction.atomic():
        locked = lock_case(case)
        department_id = staff_department_id(actor)
        on_case = (
            department_id is not None
            and locked.tasks.filter(department_id=department_id).exists()
        )
        if not on_case:
            raise case_not_found()
        if not is_head_of(actor, department_id):
            raise PermissionDeniedError(
                "not_department_head", _("只有科室负责人可以邀请会商")
            )
        require_open_case(locked, not_suspended=False)
        if (
            user is None
            or not getattr(user, "is_active", False)
            or not user_is_staff(user)
            or staff_department_id(user) == department_id
        ):
            raise ServiceError(
                "consultant_invalid",
                _("只能邀请本部门以外的在职工作人员参加会商"),
                field="user",
            )
        try:
            with transaction.atomic():
                consultation = Consultation.objects.create(
                    case=locked,
                    user=user,
                    invited_by=actor,
                    note=note,
                    at=timezone.now(),
                )
        except IntegrityError as exc:
            raise ServiceError(
                "consultation_exists", _("已邀请该人员参加会商"), status=409
            ) from exc
        assign_perm(PERMISSION, user, locked)
        audit_record(
            actor=actor,
            action="workflow.consultation_invited",
            obj=locked,
            changes={"user": user.pk, "consultation": consultation.pk},
        )
    return consultation
