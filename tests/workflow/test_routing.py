"""Routing at acceptance: cases, stages, one task per department, clocks."""

from __future__ import annotations

import pytest

from applications import constants as ac
from portal.errors import ServiceError
from portal.models import Clock, ClockState
from workflow import constants as c
from workflow.models import Case, Task

from .factories import accepted, case_of, department, routed_item

pytestmark = pytest.mark.django_db


def test_acceptance_opens_the_first_stage_for_every_department(five_then_one, deps):
    app = accepted(five_then_one)
    app.refresh_from_db()
    assert app.status == ac.ApplicationStatus.IN_REVIEW
    case = case_of(app)
    assert case.joint is True
    assert case.statutory_days == c.STATUTORY_DAYS_JOINT
    stages = list(case.stages.order_by("order"))
    assert [s.state for s in stages] == [c.StageState.OPEN, c.StageState.WAITING]
    assert case.current_stage_id == stages[0].pk
    first = Task.objects.filter(stage=stages[0])
    assert sorted(first.values_list("department_id", flat=True)) == sorted(
        d.pk for d in deps
    )
    for task in first:
        clock = Clock.objects.get(pk=task.clock_id)
        assert clock.subject_type == c.SUBJECT_TASK and clock.subject_id == task.pk
        assert clock.state == ClockState.RUNNING
        assert task.due_on == clock.due_on is not None
        assert task.warn_on is not None and task.warn_on <= task.due_on
    assert set(first.values_list("state", flat=True)) == {c.TaskState.OPEN}
    # The second stage's task waits without a clock, in nobody's inbox.
    waiting = Task.objects.get(stage=stages[1])
    assert waiting.state == c.TaskState.WAITING
    assert waiting.clock_id is None and waiting.due_on is None
    kinds = set(
        Clock.objects.filter(
            subject_type=c.SUBJECT_CASE, subject_id=case.pk
        ).values_list("kind", flat=True)
    )
    assert kinds == {c.CLOCK_CASE_STATUTORY}  # no promised limit on this item


def test_steps_of_one_department_in_a_stage_are_one_task(region):
    a, b = department("甲局", region=region), department("乙局", region=region)
    impl = routed_item(
        [[{"department": a, "limit_days": 3}, {"department": a, "limit_days": 7}, b]],
        lead=a,
        promised_limit_value=15,
        statutory_limit_value=20,
    )
    case = case_of(accepted(impl))
    tasks = {t.department_id: t for t in case.tasks.all()}
    assert len(tasks) == 2
    assert tasks[a.pk].limit_days == 7
    assert len(tasks[a.pk].step_ids) == 2
    assert case.promised_days == 15
    assert Clock.objects.filter(
        subject_type=c.SUBJECT_CASE, subject_id=case.pk, kind=c.CLOCK_CASE_PROMISED
    ).exists()


def test_one_department_uses_the_ordinary_statutory_limit(region):
    a = department("甲局", region=region)
    case = case_of(accepted(routed_item([[a]], lead=a, law_limits=True)))
    assert case.joint is False
    assert case.statutory_days == c.STATUTORY_DAYS


def test_the_items_own_statutory_limit_wins(region):
    a, b = department("甲局", region=region), department("乙局", region=region)
    case = case_of(accepted(routed_item([[a, b]], lead=a, statutory_limit_value=30)))
    assert case.statutory_days == 30


def test_department_kind_resolves_up_the_region_tree():
    from tests.factories import ganzi_regions

    regions = ganzi_regions()
    county = regions["513301"]
    prefecture = county.parent
    tax = department("州税务局", region=prefecture, kind="税务")
    lead = department("康定市局", region=county)
    impl = routed_item([[{"department_kind": "税务"}, lead]], lead=lead)
    case = case_of(accepted(impl))
    assert set(case.tasks.values_list("department_id", flat=True)) == {tax.pk, lead.pk}


def test_a_missing_department_kind_refuses_the_acceptance(region):
    lead = department("甲局", region=region)
    impl = routed_item([[{"department_kind": "不存在的类别"}]], lead=lead)
    with pytest.raises(ServiceError) as exc:
        accepted(impl)
    assert exc.value.code == "routing_department_missing"
    assert "不存在的类别" in str(exc.value.detail)
    assert not Case.objects.exists()
    # Nothing half-written: the application is still awaiting acceptance.
    from applications.models import Application

    assert Application.objects.get().status == ac.ApplicationStatus.SUBMITTED


def test_a_task_of_a_stage_not_open_yet_is_in_no_inbox_and_cannot_be_acted_on(
    five_then_one, deps, reviewers
):
    from workflow.selectors import inbox_for
    from workflow.services import extension_request, task_claim

    case = case_of(accepted(five_then_one))
    rev = reviewers[0]
    waiting = case.tasks.get(stage__order=2)
    assert [t.stage.order for t in inbox_for(rev)] == [1]
    with pytest.raises(ServiceError) as exc:
        task_claim(task=waiting, actor=rev)
    assert (exc.value.code, exc.value.status) == ("task_not_open", 409)
    with pytest.raises(ServiceError) as exc:
        extension_request(task=waiting, actor=rev, days=5, reason="提前申请")
    assert exc.value.code == "task_not_open"
