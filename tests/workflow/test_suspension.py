"""Supplement during review, extensions, withdrawal, deemed acceptance."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from applications import constants as ac
from applications.models import Application
from applications.services.timers import application_deem_accepted
from applications.services.withdrawal import application_withdraw
from people.models import OutboxMessage
from portal.errors import ServiceError
from portal.models import AuditEntry, Clock, ClockSegment, ClockState
from tests.applications.factories import ApplicationFactory, citizen, clerk_at
from tests.factories import ServiceHallFactory
from workflow import constants as c
from workflow.models import Case, Extension
from workflow.selectors import supplements_for_hall
from workflow.services import (
    case_supplement_received,
    extension_approve,
    extension_refuse,
    extension_request,
    task_claim,
    task_request_supplement,
)

from .factories import accepted, case_of, department, head, reviewer, routed_item

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TZ)


@pytest.fixture
def pair(region):
    a, b = department("甲局", region=region), department("乙局", region=region)
    impl = routed_item([[a, b]], lead=a)
    return {
        "impl": impl,
        "a": a,
        "b": b,
        "rev_a": reviewer(a),
        "head_a": head(a),
        "rev_b": reviewer(b),
        "head_b": head(b),
    }


def _clock(pk):
    return Clock.objects.get(pk=pk)


def test_a_supplement_suspends_and_resumes_the_clocks(pair):
    # Monday 2 March 2026: limit 5 working days -> Monday 9 March.
    with time_machine.travel(at("2026-03-02"), tick=False):
        app = accepted(pair["impl"])
        case = case_of(app)
        task = case.tasks.get(department=pair["a"])
        assert task.due_on == dt.date(2026, 3, 9)
        statutory = Clock.objects.get(
            subject_type=c.SUBJECT_CASE, subject_id=case.pk, kind=c.CLOCK_CASE_STATUTORY
        )
        task_claim(task=task, actor=pair["rev_a"])
    with time_machine.travel(at("2026-03-03"), tick=False):
        request = task_request_supplement(
            task=task, actor=pair["rev_a"], text="请补充经营场所平面图"
        )
        case.refresh_from_db()
        task.refresh_from_db()
        assert case.state == c.CaseState.SUSPENDED
        assert task.due_on is None and task.warn_on is None
        assert _clock(task.clock_id).state == ClockState.SUSPENDED
        assert _clock(statutory.pk).state == ClockState.SUSPENDED
        seg = ClockSegment.objects.get(clock_id=task.clock_id, state="suspended")
        assert seg.reason == "supplement"
        # The applicant is told through the outbox; the hall sees the request.
        assert OutboxMessage.objects.filter(
            dedupe_key__startswith="wf:supplement:"
        ).exists()
        clerk = clerk_at(app.hall, f"clerk-{app.hall_id}")
        assert list(supplements_for_hall(clerk)) == [request]
        other_clerk = clerk_at(
            ServiceHallFactory(region=app.hall.region), "clerk-elsewhere"
        )
        assert list(supplements_for_hall(other_clerk)) == []
        with pytest.raises(ServiceError) as exc:
            case_supplement_received(case=case, clerk=other_clerk)
        assert exc.value.status == 404
    with time_machine.travel(at("2026-03-05"), tick=False):
        case_supplement_received(case=case, clerk=clerk, note="已收到平面图")
        case.refresh_from_db()
        task.refresh_from_db()
        assert case.state == c.CaseState.OPEN
        # 4 and 5 March were not counted: two working days later.
        assert task.due_on == dt.date(2026, 3, 11)
        assert _clock(task.clock_id).state == ClockState.RUNNING
        assert _clock(statutory.pk).due_on > statutory.due_on
        with pytest.raises(ServiceError) as exc:
            case_supplement_received(case=case, clerk=clerk)
        assert exc.value.code == "no_supplement_pending"


def test_a_second_supplement_request_while_one_is_open(pair):
    app = accepted(pair["impl"])
    case = case_of(app)
    ta, tb = case.tasks.get(department=pair["a"]), case.tasks.get(department=pair["b"])
    task_claim(task=ta, actor=pair["rev_a"])
    task_claim(task=tb, actor=pair["rev_b"])
    task_request_supplement(task=ta, actor=pair["rev_a"], text="补充材料")
    with pytest.raises(ServiceError) as exc:
        task_request_supplement(task=tb, actor=pair["rev_b"], text="再补充")
    assert exc.value.code == "case_suspended"


def _claimed(pair):
    case = case_of(accepted(pair["impl"]))
    task = case.tasks.get(department=pair["a"])
    task_claim(task=task, actor=pair["rev_a"])
    return case, task


def test_an_extension_approved_extends_the_statutory_clock_and_tells_the_applicant(
    pair,
):
    case, task = _claimed(pair)
    statutory = Clock.objects.get(
        subject_type=c.SUBJECT_CASE, subject_id=case.pk, kind=c.CLOCK_CASE_STATUTORY
    )
    before_task = task.due_on
    ext = extension_request(
        task=task, actor=pair["rev_a"], days=10, reason="需专家论证"
    )
    with pytest.raises(ServiceError) as exc:
        extension_request(task=task, actor=pair["rev_a"], days=5, reason="再延")
    assert exc.value.code == "extension_exists"
    extension_approve(extension=ext, actor=pair["head_a"], note="同意")
    after = Clock.objects.get(pk=statutory.pk)
    assert after.extension_days == 10 and after.due_on > statutory.due_on
    task.refresh_from_db()
    assert task.due_on > before_task
    assert OutboxMessage.objects.filter(
        dedupe_key__startswith=f"wf:extension:{ext.pk}:"
    ).exists()
    assert (
        "需专家论证"
        in OutboxMessage.objects.filter(dedupe_key__startswith="wf:extension:")
        .first()
        .body
    )
    # One per case: a second request after an approval is refused too.
    with pytest.raises(ServiceError) as exc:
        extension_request(task=task, actor=pair["rev_a"], days=3, reason="还要延")
    assert exc.value.code == "extension_exists"
    with pytest.raises(ServiceError) as exc:
        extension_approve(extension=ext, actor=pair["head_a"])
    assert exc.value.code == "extension_decided"


def test_an_extension_refused_and_bad_extensions(pair):
    case, task = _claimed(pair)
    with pytest.raises(ServiceError) as exc:
        extension_request(task=task, actor=pair["rev_a"], days=16, reason="太多")
    assert exc.value.code == "extension_days_invalid"  # a joint case: cap 15
    ext = extension_request(task=task, actor=pair["rev_a"], days=15, reason="联合审查")
    # Not the head of THAT department: another department's head.
    with pytest.raises(ServiceError) as exc:
        extension_approve(extension=ext, actor=pair["head_b"])
    assert exc.value.status == 404
    assert AuditEntry.objects.filter(
        action="workflow.extension_decide_refused"
    ).exists()
    # A reviewer of the department (not a head).
    with pytest.raises(ServiceError) as exc:
        extension_approve(extension=ext, actor=pair["rev_a"])
    assert (exc.value.code, exc.value.status) == ("not_department_head", 403)
    with pytest.raises(ServiceError) as exc:
        extension_refuse(extension=ext, actor=pair["head_a"], note="")
    assert exc.value.code == "extension_note_required"
    extension_refuse(extension=ext, actor=pair["head_a"], note="理由不充分")
    ext.refresh_from_db()
    assert ext.state == c.ExtensionState.REFUSED
    statutory = Clock.objects.get(
        subject_type=c.SUBJECT_CASE, subject_id=case.pk, kind=c.CLOCK_CASE_STATUTORY
    )
    assert statutory.extension_days == 0


def test_the_extension_cap_of_an_ordinary_case(region):
    a = department("甲局", region=region)
    case = case_of(accepted(routed_item([[a]], lead=a)))
    task = case.tasks.get()
    rev = reviewer(a)
    task_claim(task=task, actor=rev)
    with pytest.raises(ServiceError) as exc:
        extension_request(task=task, actor=rev, days=11, reason="需要时间")
    assert exc.value.code == "extension_days_invalid"
    with pytest.raises(ServiceError) as exc:
        extension_request(task=task, actor=rev, days=0, reason="需要时间")
    assert exc.value.code == "extension_days_invalid"
    with pytest.raises(ServiceError) as exc:
        extension_request(task=task, actor=rev, days=5, reason=" ")
    assert exc.value.code == "extension_reason_required"
    assert (
        extension_request(task=task, actor=rev, days=10, reason="需要时间").days == 10
    )
    assert Extension.objects.count() == 1


def test_withdrawal_stops_tasks_and_clocks(pair):
    app = accepted(pair["impl"])
    case = case_of(app)
    assert (
        Clock.objects.filter(state=ClockState.RUNNING).count() == 4
    )  # 2 tasks + 2 case
    application_withdraw(application=app, user=app.applicant, reason="不再需要")
    case.refresh_from_db()
    assert case.state == c.CaseState.WITHDRAWN
    assert set(case.tasks.values_list("state", flat=True)) == {c.TaskState.CANCELLED}
    assert not Clock.objects.exclude(state=ClockState.STOPPED).exists()
    assert set(Clock.objects.values_list("outcome", flat=True)) == {"withdrawn"}


def test_deemed_acceptance_routes_a_case(pair):
    with time_machine.travel(at("2026-03-02"), tick=False):
        app = ApplicationFactory(
            submitted=True, implementation=pair["impl"], applicant=citizen("deemed")
        )
    with time_machine.travel(at("2026-03-20"), tick=False):
        application_deem_accepted(application=app)
    app = Application.objects.get(pk=app.pk)
    assert app.status == ac.ApplicationStatus.IN_REVIEW
    case = Case.objects.get(application=app)
    assert case.opened_on == dt.date(2026, 3, 2)
    task = case.tasks.get(department=pair["a"])
    assert task.due_on == dt.date(2026, 3, 9)  # counted from the day materials arrived


def test_a_special_procedure_is_not_counted(pair):
    from workflow.services import (
        task_decide,
        task_special_procedure_end,
        task_special_procedure_start,
    )

    with time_machine.travel(at("2026-03-02"), tick=False):
        case = case_of(accepted(pair["impl"]))
        ta = case.tasks.get(department=pair["a"])
        tb = case.tasks.get(department=pair["b"])
        task_claim(task=ta, actor=pair["rev_a"])
        task_claim(task=tb, actor=pair["rev_b"])
        statutory = Clock.objects.get(
            subject_type=c.SUBJECT_CASE, subject_id=case.pk, kind=c.CLOCK_CASE_STATUTORY
        )
        with pytest.raises(ServiceError) as exc:
            task_special_procedure_start(
                task=ta, actor=pair["rev_a"], reason="supplement", note="x"
            )
        assert exc.value.code == "special_reason_invalid"
    with time_machine.travel(at("2026-03-03"), tick=False):
        task_special_procedure_start(
            task=ta, actor=pair["rev_a"], reason="expert_review", note="专家评审"
        )
        task_special_procedure_start(
            task=tb, actor=pair["rev_b"], reason="testing", note="水质检测"
        )
        assert _clock(statutory.pk).state == ClockState.SUSPENDED
        with pytest.raises(ServiceError) as exc:
            task_decide(task=ta, actor=pair["rev_a"], outcome="approve", opinion="同意")
        assert exc.value.code == "special_procedure_open"
    with time_machine.travel(at("2026-03-05"), tick=False):
        task_special_procedure_end(task=ta, actor=pair["rev_a"])
        ta.refresh_from_db()
        assert ta.due_on == dt.date(2026, 3, 11)  # 4 and 5 March not counted
        # B's testing still runs: the case's clock stays suspended.
        assert _clock(statutory.pk).state == ClockState.SUSPENDED
        with pytest.raises(ServiceError) as exc:
            task_special_procedure_end(task=ta, actor=pair["rev_a"])
        assert exc.value.code == "no_special_procedure"
    with time_machine.travel(at("2026-03-06"), tick=False):
        task_special_procedure_end(task=tb, actor=pair["rev_b"])
        after = _clock(statutory.pk)
        assert after.state == ClockState.RUNNING
        assert after.due_on > statutory.due_on
        reasons = set(
            ClockSegment.objects.filter(clock=after, state="suspended").values_list(
                "reason", flat=True
            )
        )
        assert reasons == {"expert_review"}  # one segment, the first procedure's
