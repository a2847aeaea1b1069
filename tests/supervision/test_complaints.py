"""Complaints: filing without an oracle, assignment, answer, tracking, deadlines."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from people.models import OutboxMessage
from portal.clocks import deadlines_sweep
from portal.errors import ServiceError
from portal.models import Clock
from supervision import constants as sc
from supervision.models import Complaint
from supervision.services.complaints import (
    complaint_answer,
    complaint_assign,
    complaint_file,
    complaint_track,
)
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Shanghai")
GOOD = {
    "content": "窗口人员要求重复提交已经提供过的材料",
    "contact_name": "卓玛",
    "contact_phone": "13800138000",
}


def file(**kwargs):
    return complaint_file(**{**GOOD, **kwargs})


def test_a_known_number_is_assigned_to_its_department(delivered, head):
    filed = file(application_number=delivered.number.lower())
    complaint = Complaint.objects.get(number=filed.number)
    assert complaint.application_id == delivered.pk
    assert complaint.department_id == delivered.implementation.department_id
    assert complaint.state == sc.ComplaintState.ASSIGNED
    assert OutboxMessage.objects.filter(recipient="head@example.cn").exists()


def test_an_unknown_number_answers_the_same_and_waits_for_a_supervisor(
    delivered, supervisor
):
    known = file(application_number=delivered.number)
    unknown = file(application_number=delivered.number[:-4] + "9999")
    # Same shape, same kinds of values: nothing tells the two apart.
    assert type(known) is type(unknown)
    assert len(known.number) == len(unknown.number) == 18
    assert len(known.query_code) == len(unknown.query_code) == 8
    complaint = Complaint.objects.get(number=unknown.number)
    assert complaint.application is None
    assert complaint.state == sc.ComplaintState.RECEIVED
    assert OutboxMessage.objects.filter(recipient="sup@example.cn").exists()
    # And tracking reads the same for both while they are handled.
    a = complaint_track(number=known.number, query_code=known.query_code)
    b = complaint_track(number=unknown.number, query_code=unknown.query_code)
    assert (
        (a.state, a.state_label) == (b.state, b.state_label) == ("handling", "办理中")
    )


def test_a_department_alone_assigns_it_and_starts_the_handling_clock(settings):
    settings.COMPLAINT_HANDLING_WORKING_DAYS = 5
    department = DepartmentFactory()
    with time_machine.travel(dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC), tick=False):
        filed = file(department_id=department.pk)
    complaint = Complaint.objects.get(number=filed.number)
    assert complaint.department == department
    clock = Clock.objects.get(pk=complaint.clock_id)
    assert (clock.kind, clock.limit_days) == (sc.COMPLAINT_CLOCK, 5)
    assert complaint.due_on == dt.date(2026, 10, 13)  # domain.md's worked example


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({}, "complaint_subject_missing", "application_number"),
        (
            {"application_number": "X" * 48},
            "complaint_number_invalid",
            "application_number",
        ),
        ({"department_id": 999999}, "complaint_department_unknown", "department"),
        ({"department_id": "abc"}, "complaint_department_unknown", "department"),
        (
            {"application_number": "A1", "content": "太慢"},
            "complaint_content_invalid",
            "content",
        ),
        (
            {"application_number": "A1", "content": "x" * 2001},
            "complaint_content_invalid",
            "content",
        ),
        (
            {"application_number": "A1", "contact_name": " "},
            "complaint_name_invalid",
            "contact_name",
        ),
        (
            {"application_number": "A1", "contact_phone": "12345"},
            "complaint_phone_invalid",
            "contact_phone",
        ),
        (
            {"application_number": "A1", "contact_phone": None},
            "complaint_phone_invalid",
            "contact_phone",
        ),
    ],
)
def test_bad_input_is_refused_with_code_and_field(kwargs, code, field):
    with pytest.raises(ServiceError) as exc:
        file(**kwargs)
    assert (exc.value.code, exc.value.field, exc.value.status) == (code, field, 400)
    assert not Complaint.objects.exists()


def test_an_inactive_department_is_unknown():
    department = DepartmentFactory(is_active=False)
    with pytest.raises(ServiceError) as exc:
        file(department_id=department.pk)
    assert exc.value.code == "complaint_department_unknown"


def test_a_supervisor_assigns_the_head_answers_and_the_complainant_sees_it(
    supervisor, head, department, other_head
):
    filed = file(application_number="NO-SUCH-NUMBER")
    complaint = Complaint.objects.get(number=filed.number)
    with pytest.raises(ServiceError) as exc:
        complaint_assign(
            complaint=complaint, supervisor=head, department_id=department.pk
        )
    assert exc.value.status == 404
    complaint_assign(
        complaint=complaint, supervisor=supervisor, department_id=department.pk
    )
    with pytest.raises(ServiceError) as exc:
        complaint_answer(
            complaint=complaint, user=other_head, reply="答复", outcome="partly"
        )
    assert exc.value.status == 404
    with pytest.raises(ServiceError) as exc:
        complaint_answer(complaint=complaint, user=head, reply="答复", outcome="sorry")
    assert exc.value.code == "complaint_outcome_invalid"
    complaint_answer(
        complaint=complaint, user=head, reply="已核实并改正", outcome="partly"
    )
    complaint.refresh_from_db()
    assert complaint.state == sc.ComplaintState.ANSWERED
    assert Clock.objects.get(pk=complaint.clock_id).state == "stopped"
    seen = complaint_track(number=filed.number, query_code=filed.query_code.lower())
    assert (seen.state, seen.reply, seen.outcome) == (
        "answered",
        "已核实并改正",
        "partly",
    )
    with pytest.raises(ServiceError) as exc:
        complaint_answer(complaint=complaint, user=head, reply="再答", outcome="partly")
    assert exc.value.code == "complaint_state"
    with pytest.raises(ServiceError) as exc:
        complaint_assign(
            complaint=complaint, supervisor=supervisor, department_id=department.pk
        )
    assert exc.value.code == "complaint_state"


def test_tracking_an_unknown_number_and_a_wrong_code_look_the_same():
    filed = file(application_number="A1")
    answers = []
    for number, code in [
        (filed.number, "WRONGCOD"),
        ("TS2026010100000000", filed.query_code),
        ("", ""),
        ("x" * 500, filed.query_code),
    ]:
        with pytest.raises(ServiceError) as exc:
            complaint_track(number=number, query_code=code)
        answers.append((exc.value.code, str(exc.value.detail), exc.value.status))
    assert len(set(answers)) == 1
    assert answers[0][2] == 404


def test_the_handling_deadline_marks_it_overdue_and_tells_supervisors(
    supervisor, head, department
):
    with time_machine.travel(dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC), tick=False):
        filed = file(department_id=department.pk)
    complaint = Complaint.objects.get(number=filed.number)
    deadlines_sweep(now=dt.datetime(2027, 1, 1, tzinfo=LOCAL))
    complaint.refresh_from_db()
    assert complaint.overdue
    assert OutboxMessage.objects.filter(
        recipient="sup@example.cn", subject="投诉办理已超期"
    ).exists()
    assert OutboxMessage.objects.filter(
        recipient="head@example.cn", subject="投诉办理即将到期"
    ).exists()
