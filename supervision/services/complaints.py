"""投诉: a public complaint about an application number or a department.

Filing answers every complainant the same way (a complaint number and a query
code), whether the application number exists or not: the number is matched
inside, never confirmed outside (no oracle). A matched number assigns the
complaint to the application's implementing department; a chosen department
assigns it there; otherwise it waits for a supervisor to assign it. Its own
clock (settings.COMPLAINT_HANDLING_WORKING_DAYS working days) starts at once.
Tracking, like applications' tracking, answers an unknown number and a wrong
code with the same 404, in constant time, rate limited per address.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.selectors import normalise_query_code
from applications.services.numbering import new_query_code
from catalog.models import Department
from people.codes import is_mobile, normalise_mobile
from portal.audit import audit_record
from portal.clocks import clock_stop
from portal.errors import NotFoundError, ServiceError

from .. import constants as c
from ..models import Complaint
from ..scope import supervisor_scope
from .common import TEXT_MAX, clean_text, start_handling_clock
from .people import (
    head_department_id,
    heads_of,
    staff_notify,
    supervisors,
)

S = c.ComplaintState
CONTENT_MIN = 10


@dataclass(frozen=True)
class Filed:
    number: str
    query_code: str


def _complaint_number() -> str:
    return (
        "TS"
        + timezone.localdate().strftime("%Y%m%d")
        + f"{secrets.randbelow(10**8):08d}"
    )


def _department(department_id) -> Department | None:
    if department_id in (None, ""):
        return None
    try:
        pk = int(department_id)
    except (TypeError, ValueError):
        pk = 0
    department = Department.objects.filter(pk=pk, is_active=True).first()
    if department is None:
        raise ServiceError(
            "complaint_department_unknown", _("请选择有效的部门"), field="department"
        )
    return department


def _notify_new(complaint: Complaint) -> None:
    users = (
        heads_of(complaint.department_id) if complaint.department_id else supervisors()
    )
    staff_notify(
        users=users,
        about=complaint,
        key=f"complaint:{complaint.pk}:{complaint.state}:{complaint.department_id}",
        subject=_("投诉办理通知"),
        body=_("收到投诉 %(number)s，请于%(due)s前办理答复。")
        % {
            "number": complaint.number,
            "due": complaint.due_on.isoformat() if complaint.due_on else "—",
        },
    )


def complaint_file(
    *,
    application_number: str = "",
    department_id=None,
    content: str,
    contact_name: str,
    contact_phone: str,
    user=None,
) -> Filed:
    """File a complaint; the same answer whether the number exists or not.

    Refused (each with its field): neither a number nor a department, a
    number over 47 characters, an unknown department, content under 10 or
    over 2,000 characters, no name, a phone that is not a mainland mobile.
    """
    number = (
        (application_number or "").strip().upper()
        if isinstance(application_number, str)
        else ""
    )
    if len(number) > 47:
        raise ServiceError(
            "complaint_number_invalid",
            _("办件编号格式不正确"),
            field="application_number",
        )
    department = _department(department_id)
    if not number and department is None:
        raise ServiceError(
            "complaint_subject_missing",
            _("请填写所投诉的办件编号或选择部门"),
            field="application_number",
        )
    content = clean_text(
        content,
        field="content",
        code="complaint_content_invalid",
        required=True,
        maximum=TEXT_MAX,
    )
    if len(content) < CONTENT_MIN:
        raise ServiceError(
            "complaint_content_invalid",
            _("投诉内容不少于%(n)s个字") % {"n": CONTENT_MIN},
            field="content",
        )
    name = clean_text(
        contact_name,
        field="contact_name",
        code="complaint_name_invalid",
        required=True,
        maximum=40,
    )
    phone = normalise_mobile(contact_phone if isinstance(contact_phone, str) else "")
    if not is_mobile(phone):
        raise ServiceError(
            "complaint_phone_invalid", _("请填写正确的手机号码"), field="contact_phone"
        )
    application = (
        Application.objects.select_related("implementation")
        .filter(number=number)
        .first()
        if number
        else None
    )
    if application is not None:
        department = application.implementation.department
    actor = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        complaint = Complaint(
            query_code=new_query_code(),
            application_number=number,
            application=application,
            department=department,
            content=content,
            contact_name=name,
            contact_phone=phone,
            filed_by=actor,
            state=S.ASSIGNED if department else S.RECEIVED,
            assigned_at=timezone.now() if department else None,
        )
        for attempt in range(5):
            complaint.number = _complaint_number()
            try:
                with transaction.atomic():
                    complaint.save()
                break
            except IntegrityError:
                if attempt == 4:
                    raise
        start_handling_clock(
            complaint,
            subject_type=c.COMPLAINT_SUBJECT,
            kind=c.COMPLAINT_CLOCK,
            limit_days=settings.COMPLAINT_HANDLING_WORKING_DAYS,
            warn_days=settings.COMPLAINT_WARN_DAYS,
            label=_("投诉 %(number)s") % {"number": complaint.number},
            actor=actor,
        )
        complaint.save(update_fields=["clock", "due_on"])
        audit_record(
            actor=actor,
            action="supervision.complaint_filed",
            obj=complaint,
            changes={
                "department": complaint.department_id,
                "application": complaint.application_id,
                "state": complaint.state,
            },
        )
        _notify_new(complaint)
    return Filed(number=complaint.number, query_code=complaint.query_code)


def _not_found() -> NotFoundError:
    return NotFoundError("complaint_not_found", _("未找到该投诉"))


def _lock(complaint: Complaint) -> Complaint:
    locked = Complaint.objects.select_for_update().filter(pk=complaint.pk).first()
    if locked is None:
        raise _not_found()
    return locked


def complaint_assign(*, complaint: Complaint, supervisor, department_id) -> Complaint:
    """A supervisor assigns (or reassigns) an unanswered complaint to a department.

    Only to a department the supervisor oversees (supervision.scope): a
    county supervisor cannot send a complaint out of their county.
    """
    scope = supervisor_scope(supervisor)
    if scope is None:
        raise _not_found()
    department = _department(department_id)
    if department is None or not scope.covers(department.region.code):
        raise ServiceError(
            "complaint_department_unknown", _("请选择有效的部门"), field="department"
        )
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.state == S.ANSWERED:
            raise ServiceError(
                "complaint_state", _("投诉已答复，不能再分派"), status=409
            )
        before = locked.department_id
        locked.department = department
        locked.state = S.ASSIGNED
        locked.assigned_at = timezone.now()
        locked.assigned_by = supervisor
        locked.save(update_fields=["department", "state", "assigned_at", "assigned_by"])
        audit_record(
            actor=supervisor,
            action="supervision.complaint_assigned",
            obj=locked,
            changes={"department": [before, department.pk]},
        )
        _notify_new(locked)
    return locked


def complaint_answer(
    *, complaint: Complaint, user, reply: str, outcome: str
) -> Complaint:
    """The head of the assigned department answers: reply and outcome; clock stops."""
    if outcome not in c.ComplaintOutcome.values:
        raise ServiceError(
            "complaint_outcome_invalid", _("请选择调查结论"), field="outcome"
        )
    reply = clean_text(
        reply,
        field="reply",
        code="complaint_reply_invalid",
        required=True,
        maximum=TEXT_MAX,
    )
    with transaction.atomic():
        locked = _lock(complaint)
        department_id = head_department_id(user)
        if department_id is None or locked.department_id != department_id:
            raise _not_found()
        if locked.state != S.ASSIGNED:
            raise ServiceError(
                "complaint_state", _("投诉当前状态不允许答复"), status=409
            )
        locked.reply = reply
        locked.outcome = outcome
        locked.answered_at = timezone.now()
        locked.answered_by = user
        locked.state = S.ANSWERED
        locked.save(
            update_fields=["reply", "outcome", "answered_at", "answered_by", "state"]
        )
        if locked.clock_id:
            clock_stop(
                locked.clock, on=timezone.localdate(), outcome="answered", actor=user
            )
        audit_record(
            actor=user,
            action="supervision.complaint_answered",
            obj=locked,
            changes={"outcome": outcome},
        )
    return locked


@dataclass(frozen=True)
class ComplaintTrack:
    """What the number and query code show: no names, no phone, no department."""

    number: str
    state: str
    state_label: str
    filed_at: dt.datetime
    due_on: dt.date | None
    answered_at: dt.datetime | None
    reply: str
    outcome: str
    outcome_label: str


def complaint_track(*, number: str, query_code: str) -> ComplaintTrack:
    """Public tracking; an unknown number and a wrong code look the same (404)."""
    number = (number or "").strip().upper() if isinstance(number, str) else ""
    code = normalise_query_code(query_code if isinstance(query_code, str) else "")
    complaint = (
        Complaint.objects.filter(number=number).first()
        if number and len(number) <= 20
        else None
    )
    expected = complaint.query_code if complaint else "--------"
    if complaint is None or not hmac.compare_digest(expected.encode(), code.encode()):
        raise NotFoundError(
            "complaint_track_not_found", _("投诉编号或查询码不正确，请核对后重新输入")
        )
    return ComplaintTrack(
        number=complaint.number,
        state="answered" if complaint.state == S.ANSWERED else "handling",
        # Received and assigned read the same: whether a number matched an
        # application (and so was assigned at once) is not told.
        state_label=(
            str(S.ANSWERED.label) if complaint.state == S.ANSWERED else _("办理中")
        ),
        filed_at=complaint.created_at,
        due_on=complaint.due_on,
        answered_at=complaint.answered_at,
        reply=complaint.reply,
        outcome=complaint.outcome,
        outcome_label=str(complaint.get_outcome_display()) if complaint.outcome else "",
    )
