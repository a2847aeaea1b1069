"""Task services and every refusal of the issue's bad-input list that is workflow's."""

from __future__ import annotations

import pytest

from portal.errors import ServiceError
from portal.models import AuditEntry
from portal.roles import Role
from tests.factories import staff
from workflow import constants as c
from workflow.models import Opinion
from workflow.services import (
    task_claim,
    task_comment,
    task_decide,
    task_reassign,
    task_release,
    task_request_supplement,
)

from .factories import accepted, case_of, department, head, reviewer, routed_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(region):
    a, b = department("甲局", region=region), department("乙局", region=region)
    impl = routed_item([[a, b]], lead=a)
    case = case_of(accepted(impl))
    task_a = case.tasks.get(department=a)
    task_b = case.tasks.get(department=b)
    return {
        "case": case,
        "a": a,
        "b": b,
        "task_a": task_a,
        "task_b": task_b,
        "rev_a": reviewer(a),
        "rev_a2": reviewer(a, "rev-a2"),
        "head_a": head(a),
        "rev_b": reviewer(b),
    }


def _code(exc_info) -> tuple[str, int]:
    return exc_info.value.code, exc_info.value.status


def test_claim_release_and_reassign(two):
    task = task_claim(task=two["task_a"], actor=two["rev_a"])
    assert task.assignee_id == two["rev_a"].pk
    with pytest.raises(ServiceError) as exc:
        task_claim(task=task, actor=two["rev_a2"])
    assert _code(exc) == ("task_claimed_by_other", 409)
    with pytest.raises(ServiceError) as exc:
        task_release(task=task, actor=two["rev_a2"])
    assert _code(exc) == ("task_not_claimed_by_you", 403)
    task_release(task=task, actor=two["head_a"])  # a head may take it back
    task.refresh_from_db()
    assert task.assignee_id is None
    with pytest.raises(ServiceError) as exc:
        task_reassign(task=task, actor=two["rev_a"], assignee=two["rev_a2"])
    assert _code(exc) == ("not_department_head", 403)
    with pytest.raises(ServiceError) as exc:
        task_reassign(task=task, actor=two["head_a"], assignee=two["rev_b"])
    assert _code(exc) == ("assignee_not_in_department", 400)
    task = task_reassign(task=task, actor=two["head_a"], assignee=two["rev_a2"])
    assert task.assignee_id == two["rev_a2"].pk


def test_a_decision_on_a_task_not_claimed_by_the_user(two):
    task_claim(task=two["task_a"], actor=two["rev_a"])
    with pytest.raises(ServiceError) as exc:
        task_decide(
            task=two["task_a"], actor=two["rev_a2"], outcome="approve", opinion="同意"
        )
    assert _code(exc) == ("task_not_claimed_by_you", 403)
    assert not Opinion.objects.exists()


def test_a_decision_on_another_departments_task_is_404_and_audited(two):
    task_claim(task=two["task_a"], actor=two["rev_a"])
    with pytest.raises(ServiceError) as exc:
        task_decide(
            task=two["task_a"], actor=two["rev_b"], outcome="approve", opinion="同意"
        )
    assert _code(exc) == ("task_not_found", 404)
    entry = AuditEntry.objects.get(action="workflow.task_decide_refused")
    assert entry.object_id == str(two["task_a"].pk)
    assert entry.actor_id == two["rev_b"].pk
    two["task_a"].refresh_from_db()
    assert two["task_a"].state == c.TaskState.OPEN


def test_a_second_decision(two):
    task_claim(task=two["task_a"], actor=two["rev_a"])
    task_decide(
        task=two["task_a"], actor=two["rev_a"], outcome="approve", opinion="同意"
    )
    with pytest.raises(ServiceError) as exc:
        task_decide(
            task=two["task_a"],
            actor=two["rev_a"],
            outcome="reject",
            opinion="不同意",
            basis="某法",
        )
    assert _code(exc) == ("task_already_decided", 409)
    assert Opinion.objects.filter(task=two["task_a"]).count() == 1


def test_a_decision_while_the_case_is_suspended(two):
    task_claim(task=two["task_a"], actor=two["rev_a"])
    task_claim(task=two["task_b"], actor=two["rev_b"])
    task_request_supplement(task=two["task_b"], actor=two["rev_b"], text="补充平面图")
    with pytest.raises(ServiceError) as exc:
        task_decide(
            task=two["task_a"], actor=two["rev_a"], outcome="approve", opinion="同意"
        )
    assert _code(exc) == ("case_suspended", 409)
    two["task_a"].refresh_from_db()
    assert two["task_a"].state == c.TaskState.OPEN


@pytest.mark.parametrize(
    ("outcome", "opinion", "basis", "code"),
    [
        ("maybe", "同意", "", "outcome_invalid"),
        ("approve", "  ", "", "opinion_required"),
        ("reject", "不符合条件", "", "basis_required"),
        ("approve", "很" * 2001, "", "opinion_too_long"),
    ],
)
def test_bad_decision_input(two, outcome, opinion, basis, code):
    task_claim(task=two["task_a"], actor=two["rev_a"])
    with pytest.raises(ServiceError) as exc:
        task_decide(
            task=two["task_a"],
            actor=two["rev_a"],
            outcome=outcome,
            opinion=opinion,
            basis=basis,
        )
    assert exc.value.code == code
    assert not Opinion.objects.exists()


def test_a_consultant_may_comment_but_not_decide(two):
    from workflow.services import consultation_invite

    outsider = staff("expert", Role.REVIEWER, department=department("州专家库"))
    consultation_invite(case=two["case"], actor=two["head_a"], user=outsider, note="")
    task_comment(task=two["task_a"], actor=outsider, text="建议核实消防验收")
    with pytest.raises(ServiceError) as exc:
        task_claim(task=two["task_a"], actor=outsider)
    assert _code(exc) == ("not_task_department", 403)
    assert Opinion.objects.get().outcome == c.OpinionOutcome.COMMENT
