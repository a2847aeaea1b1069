"""Every workflow page answers the right user and 404s the wrong one.

The wrong users of issue 9's matrix: a reviewer of another department, a head
of another department, a citizen who is not the applicant, a clerk of another
hall. Each gets 404 at every object URL (GET and POST alike), nothing
changes, and a POST on another department's task is audited.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from portal.models import AuditEntry, Clock
from workflow import constants as c
from workflow.models import (
    Card,
    Consultation,
    Extension,
    Inspection,
    Opinion,
    Task,
)
from workflow.services.extensions import extension_request
from workflow.services.inspections import inspection_schedule
from workflow.services.supplements import task_request_supplement
from workflow.services.tasks import task_claim

pytestmark = pytest.mark.django_db

WRONG = ["other_reviewer", "other_head", "other_citizen", "other_clerk"]


@pytest.fixture
def ids(world):
    task = world.task(world.market)
    fire_task = world.task(world.fire)
    task_claim(task=task, actor=world.users["reviewer"])
    extension = extension_request(
        task=task, actor=world.users["reviewer"], days=5, reason="需要补充调查"
    )
    inspection = inspection_schedule(
        case=world.case,
        actor=world.users["head"],
        on=world.case.opened_on,
        place="康定市炉城镇光明路2号",
        tasks=[task, fire_task],
    )
    supplement = task_request_supplement(
        task=task, actor=world.users["reviewer"], text="营业执照副本"
    )
    task_clock = Clock.objects.get(pk=task.clock_id)
    case_clock = Clock.objects.filter(
        subject_type=c.SUBJECT_CASE, subject_id=world.case.pk
    ).first()
    card = Card.objects.create(
        case=world.case,
        task=task,
        department=task.department,
        colour=c.CardColour.RED,
        clock_kind="task",
        clock_id=task.clock_id,
        raised_at=timezone.now(),
    )
    return {
        "card": card.pk,
        "task": task.pk,
        "app": world.application.pk,
        "ext": extension.pk,
        "insp": inspection.pk,
        "supp": supplement.pk,
        "task_clock": task_clock.pk,
        "case_clock": case_clock.pk,
    }


GET = [
    "/desk/tasks/{task}/",
    "/desk/applications/{app}/timeline/",
    "/my/applications/{app}/timeline/",
    "/deadlines/{task_clock}/",
    "/deadlines/{case_clock}/",
]
POST = [
    "/desk/tasks/{task}/claim/",
    "/desk/tasks/{task}/release/",
    "/desk/tasks/{task}/decide/",
    "/desk/tasks/{task}/supplement/",
    "/desk/tasks/{task}/extension/",
    "/desk/tasks/{task}/comment/",
    "/desk/tasks/{task}/procedure/",
    "/desk/tasks/{task}/procedure/end/",
    "/desk/tasks/{task}/inspections/{insp}/finding/",
    "/desk/tasks/{task}/reassign/",
    "/desk/tasks/{task}/consult/",
    "/desk/tasks/{task}/inspection/",
    "/desk/extensions/{ext}/approve/",
    "/desk/extensions/{ext}/refuse/",
    "/desk/supplements/{supp}/received/",
    "/desk/cards/{card}/answer/",
]
FORM = {
    "decision-outcome": "approve",
    "decision-opinion": "同意",
    "supplement-items": "营业执照副本",
    "extension-days": "3",
    "extension-reason": "理由",
    "comment-text": "意见",
    "procedure-reason": "testing",
    "procedure-note": "检测",
    "finding-text": "符合要求",
    "consult-username": "wf-other",
    "inspection-on": "2026-12-20",
    "inspection-place": "现场",
    "ext-note": "不同意",
    "answer-note": "已督促办结",
}


def _state():
    tasks = list(
        Task.objects.order_by("pk").values_list("pk", "state", "assignee_id", "due_on")
    )
    return (
        tasks,
        list(Extension.objects.values_list("pk", "state")),
        Inspection.objects.count(),
        Opinion.objects.count(),
        Consultation.objects.count(),
        list(Card.objects.values_list("pk", "answered_at")),
    )


@pytest.mark.parametrize("who", WRONG)
def test_every_workflow_url_is_404_for_the_wrong_user(world, ids, as_user, who):
    client = as_user(who)
    before = _state()
    wrong = []
    for url in GET:
        r = client.get(url.format(**ids))
        if r.status_code != 404:
            wrong.append(("GET", url, r.status_code))
    for url in POST:
        r = client.post(url.format(**ids), FORM)
        if r.status_code != 404:
            wrong.append(("POST", url, r.status_code))
    r = client.get(f"/applications/{ids['app']}/decision.pdf")
    if r.status_code != 404:
        wrong.append(("GET", "decision.pdf", r.status_code))
    assert wrong == []
    assert _state() == before


def test_the_applicant_gets_404_at_the_staff_pages(world, ids, as_user):
    client = as_user("applicant")
    for url in ["/desk/tasks/{task}/", "/desk/applications/{app}/timeline/"]:
        assert client.get(url.format(**ids)).status_code == 404
    # ... and may explain the case's deadlines, not a department's task clock.
    assert client.get("/deadlines/{case_clock}/".format(**ids)).status_code == 200
    assert client.get("/deadlines/{task_clock}/".format(**ids)).status_code == 404


def test_another_departments_reviewer_trying_to_decide_is_audited(world, ids, as_user):
    client = as_user("other_reviewer")
    r = client.post("/desk/tasks/{task}/decide/".format(**ids), FORM)
    assert r.status_code == 404
    assert AuditEntry.objects.filter(
        action="workflow.task_decide_refused",
        actor=world.users["other_reviewer"],
        object_id=str(ids["task"]),
    ).exists()


def test_a_reviewer_of_a_department_on_the_case_sees_only_its_own_task(
    world, ids, as_user
):
    client = as_user("fire_reviewer")
    assert client.get("/desk/tasks/{task}/".format(**ids)).status_code == 404
    fire_task = world.task(world.fire)
    assert client.get(f"/desk/tasks/{fire_task.pk}/").status_code == 200
    # The case's timeline is theirs to see (they have a task on it).
    assert (
        client.get("/desk/applications/{app}/timeline/".format(**ids)).status_code
        == 200
    )


def test_list_pages_refuse_users_without_the_desk_role(as_user):
    for who in ("applicant", "other_clerk"):
        client = as_user(who)
        assert client.get("/desk/tasks/").status_code == 403
        assert client.get("/desk/head/").status_code == 403
    assert as_user("reviewer").get("/desk/head/").status_code == 403
    assert as_user("reviewer").get("/desk/tasks/").status_code == 200
    assert as_user("head").get("/desk/head/").status_code == 200


def test_anonymous_users_are_sent_to_log_in(client, ids):
    for url in [*GET, "/desk/tasks/", "/desk/head/"]:
        r = client.get(url.format(**ids))
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_every_workflow_page_url_is_in_this_matrix():
    """A new workflow page with an object id fails here until it is matched."""
    from django.urls import get_resolver

    from tests.qa.test_access import MATRIX_ELSEWHERE, _as_template, _routes

    names = {
        "/desk/tasks/{pk}/": "/desk/tasks/{task}/",
        "/deadlines/{pk}/": "/deadlines/{task_clock}/",
        "/desk/extensions/{pk}/": "/desk/extensions/{ext}/",
        "/desk/supplements/{pk}/": "/desk/supplements/{supp}/",
        "/desk/cards/{pk}/": "/desk/cards/{card}/",
    }

    def ours(template: str) -> str:
        template = template.replace("{inspection_id}", "{insp}")
        for route, mine in names.items():
            if template.startswith(route):
                return mine + template[len(route) :]
        return template

    covered = {*GET, *POST}
    missing = sorted(
        template
        for template in map(_as_template, _routes(get_resolver().url_patterns))
        if template.startswith(MATRIX_ELSEWHERE)
        and "{" in template
        and ours(template) not in covered
    )
    assert missing == []
