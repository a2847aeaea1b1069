"""The join: a stage closes when every task approved, the next opens once."""

from __future__ import annotations

import itertools

import pytest
from django.db import transaction

from applications import constants as ac
from applications.models import Application
from portal.models import AuditEntry, Clock, ClockState
from workflow import constants as c
from workflow.services import task_claim, task_decide

from .factories import accepted, case_of

pytestmark = pytest.mark.django_db


def _approve(task, user, text="符合要求"):
    return task_decide(task=task, actor=user, outcome="approve", opinion=text)


def test_every_order_of_five_departments_opens_the_next_stage_once(
    five_then_one, deps, reviewers
):
    app = accepted(five_then_one)
    case = case_of(app)
    first, second = case.stages.order_by("order")
    tasks = {t.department_id: t for t in first.tasks.all()}
    by_dep = {r.staff_profile.department_id: r for r in reviewers}
    for dep_id, task in tasks.items():
        task_claim(task=task, actor=by_dep[dep_id])
    waiting_task = second.tasks.get()
    orders = list(itertools.permutations(deps))
    assert len(orders) == 120
    for order in orders:
        sid = transaction.savepoint()
        for i, dep in enumerate(order):
            _approve(tasks[dep.pk], by_dep[dep.pk])
            second.refresh_from_db()
            waiting_task.refresh_from_db()
            if i < len(order) - 1:
                assert second.state == c.StageState.WAITING, order
                assert waiting_task.clock_id is None
        first.refresh_from_db()
        assert first.state == c.StageState.DONE
        assert second.state == c.StageState.OPEN
        assert (
            Clock.objects.filter(
                subject_type=c.SUBJECT_TASK, subject_id=waiting_task.pk
            ).count()
            == 1
        )
        assert (
            AuditEntry.objects.filter(
                action="workflow.stage_closed", object_id=str(case.pk)
            ).count()
            == 1
        )
        transaction.savepoint_rollback(sid)


def test_the_last_stage_decides_the_application_approved(five_then_one, reviewers):
    app = accepted(five_then_one)
    case = case_of(app)
    by_dep = {r.staff_profile.department_id: r for r in reviewers}
    for task in case.tasks.filter(stage__order=1):
        task_claim(task=task, actor=by_dep[task.department_id])
        _approve(task, by_dep[task.department_id], f"{task.department.name}同意")
    last = case.tasks.get(stage__order=2)
    task_claim(task=last, actor=by_dep[last.department_id])
    _approve(last, by_dep[last.department_id], "核发")
    app = Application.objects.get(pk=app.pk)
    case.refresh_from_db()
    assert app.status == ac.ApplicationStatus.APPROVED
    assert case.state == c.CaseState.APPROVED and case.closed_at is not None
    assert "市场监管局：市场监管局同意" in app.decision_basis
    assert "公安局：公安局同意" in app.decision_basis
    delivery = Clock.objects.get(
        subject_type=c.SUBJECT_CASE, subject_id=case.pk, kind=c.CLOCK_DELIVERY
    )
    assert delivery.due_on == app.delivery_due
    assert delivery.state == ClockState.RUNNING
    statutory = Clock.objects.get(
        subject_type=c.SUBJECT_CASE, subject_id=case.pk, kind=c.CLOCK_CASE_STATUTORY
    )
    assert statutory.state == ClockState.STOPPED
    assert statutory.outcome == c.CaseState.APPROVED
    # Delivery (Art. 44) stops the delivery clock.
    from applications.services.decision import application_deliver

    application_deliver(
        application=app, actor=by_dep[last.department_id], method="window"
    )
    delivery.refresh_from_db()
    assert delivery.state == ClockState.STOPPED and delivery.outcome == "delivered"


def test_a_direct_decision_around_an_open_case_is_refused(five_then_one, deps):
    from applications.services.decision import application_decide
    from portal.errors import ServiceError

    from .factories import reviewer

    app = accepted(five_then_one)
    with pytest.raises(ServiceError) as exc:
        application_decide(
            application=app,
            actor=reviewer(deps[0], "lead-reviewer"),
            outcome=ac.DecisionOutcome.APPROVED,
            basis="直接决定",
        )
    assert (exc.value.code, exc.value.status) == ("case_in_progress", 409)
    app = Application.objects.get(pk=app.pk)
    assert app.status == ac.ApplicationStatus.IN_REVIEW and not app.decision


def test_one_rejection_ends_the_case_rejected(five_then_one, reviewers):
    app = accepted(five_then_one)
    case = case_of(app)
    by_dep = {r.staff_profile.department_id: r for r in reviewers}
    tasks = list(case.tasks.filter(stage__order=1).order_by("pk"))
    task_claim(task=tasks[0], actor=by_dep[tasks[0].department_id])
    _approve(tasks[0], by_dep[tasks[0].department_id])
    bad = tasks[1]
    task_claim(task=bad, actor=by_dep[bad.department_id])
    task_decide(
        task=bad,
        actor=by_dep[bad.department_id],
        outcome="reject",
        opinion="经营场所不符合消防安全要求",
        basis="《中华人民共和国消防法》第十五条",
    )
    app = Application.objects.get(pk=app.pk)
    case.refresh_from_db()
    assert app.status == ac.ApplicationStatus.REJECTED
    assert "经营场所不符合消防安全要求" in app.decision_basis
    assert "消防法" in app.decision_basis
    assert bad.department.name in app.decision_basis
    assert case.state == c.CaseState.REJECTED
    states = dict(case.tasks.values_list("pk", "state"))
    assert states[tasks[0].pk] == c.TaskState.APPROVED
    assert states[bad.pk] == c.TaskState.REJECTED
    assert {states[t.pk] for t in tasks[2:]} == {c.TaskState.CANCELLED}
    assert case.stages.get(order=2).state == c.StageState.WAITING
    assert case.tasks.get(stage__order=2).state == c.TaskState.CANCELLED
    assert (
        not Clock.objects.exclude(state=ClockState.STOPPED)
        .filter(subject_type__startswith="workflow.")
        .exists()
    )
