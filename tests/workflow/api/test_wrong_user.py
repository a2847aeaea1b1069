"""The wrong user at every workflow API URL: 404 (401 without a login), nothing
written, and the try on another department's task audited."""

from __future__ import annotations

import pytest

from portal.models import AuditEntry
from workflow.models import Case, Extension, Opinion, SupplementRequest, Task
from workflow.services.consultations import consultation_invite

pytestmark = pytest.mark.django_db

# (method, URL, body): every task URL of the API, the extension approval, the
# timeline. {task}: task A's id; {ext}: a pending extension of task A.
TASK_URLS = [
    ("get", "/api/v1/tasks/{task}/", None),
    ("post", "/api/v1/tasks/{task}/claim/", {}),
    ("post", "/api/v1/tasks/{task}/release/", {}),
    (
        "post",
        "/api/v1/tasks/{task}/decide/",
        {"outcome": "approve", "opinion": "同意"},
    ),
    ("post", "/api/v1/tasks/{task}/request-supplement/", {"text": "补正"}),
    ("post", "/api/v1/tasks/{task}/extension/", {"days": 3, "reason": "检测"}),
    ("post", "/api/v1/tasks/{task}/extension/{ext}/approve/", {"note": "同意"}),
    ("post", "/api/v1/tasks/{task}/reassign/", {"assignee": "{assignee}"}),
]
TIMELINE = "/api/v1/applications/{app}/timeline/"
# Who may not see task A (department A's): a reviewer and a head of another
# department on the case (B), of a department not on it (C), the applicant
# and another citizen, the clerks of both halls (a clerk passes supplements
# on, it does not work tasks), a user with no role.
TASK_STRANGERS = [
    "reviewer_b",
    "head_b",
    "reviewer_c",
    "head_c",
    "reviewer_d",
    "applicant",
    "citizen_b",
    "clerk1",
    "clerk2",
    "nobody",
]
# Who may not see the application's timeline: another citizen, another
# hall's clerk, departments with no task on the case, a user with no role.
TIMELINE_STRANGERS = ["citizen_b", "clerk2", "reviewer_c", "head_c", "nobody"]


def _state(desk):
    return (
        list(
            Task.objects.order_by("pk").values_list(
                "pk", "state", "assignee_id", "due_on", "decided_at"
            )
        ),
        list(Extension.objects.order_by("pk").values_list("pk", "state")),
        Opinion.objects.count(),
        SupplementRequest.objects.count(),
    )


def _pending_extension(desk) -> Extension:
    r = desk.client("reviewer_a").post(
        f"/api/v1/tasks/{desk.task_a.pk}/extension/",
        {"days": 5, "reason": "需组织专家评审"},
        format="json",
    )
    assert r.status_code == 201
    return Extension.objects.get(pk=r.json()["id"])


def _fill(desk, ext, template: str, body):
    ids = {"task": desk.task_a.pk, "ext": ext.pk, "app": desk.app.pk}
    url = template.format(**ids)
    if body is not None:
        body = {
            k: (desk.users["reviewer_a2"].pk if v == "{assignee}" else v)
            for k, v in body.items()
        }
    return url, body


@pytest.mark.parametrize("who", TASK_STRANGERS)
def test_every_task_url_is_404_for_someone_who_may_not_see_the_task(desk, who):
    # Claimed, so a stranger's release or decision would have something to do.
    assert (
        desk.client("reviewer_a")
        .post(f"/api/v1/tasks/{desk.task_a.pk}/claim/")
        .status_code
        == 200
    )
    ext = _pending_extension(desk)
    before = _state(desk)
    client = desk.client(who)
    wrong = []
    for method, template, body in TASK_URLS:
        url, data = _fill(desk, ext, template, body)
        r = getattr(client, method)(url, data, format="json")
        if r.status_code != 404 or r.json()["code"] not in (
            "task_not_found",
            "extension_not_found",
        ):
            wrong.append((method, template, r.status_code, r.content[:200]))
    assert wrong == []
    assert _state(desk) == before
    # The tries on an existing task of another department are on record.
    refused = set(
        AuditEntry.objects.filter(
            actor=desk.users[who], action__endswith="_refused"
        ).values_list("action", flat=True)
    )
    assert {
        "workflow.task_claim_refused",
        "workflow.task_release_refused",
        "workflow.task_decide_refused",
        "workflow.task_request_supplement_refused",
        "workflow.extension_request_refused",
        "workflow.extension_decide_refused",
        "workflow.task_reassign_refused",
    } <= refused


@pytest.mark.parametrize("who", TASK_STRANGERS)
def test_a_missing_task_answers_the_same_404(desk, who):
    client = desk.client(who)
    there = client.get(f"/api/v1/tasks/{desk.task_a.pk}/")
    missing = client.get("/api/v1/tasks/987654/")
    assert there.status_code == missing.status_code == 404
    assert there.json() == missing.json()


def test_every_url_needs_a_login(desk):
    ext = _pending_extension(desk)
    before = _state(desk)
    client = desk.client("anon")
    for method, template, body in [*TASK_URLS, ("get", TIMELINE, None)]:
        url, data = _fill(desk, ext, template, body)
        r = getattr(client, method)(url, data, format="json")
        assert r.status_code == 401, (method, template)
        assert r.json()["code"] == "not_authenticated"
    assert _state(desk) == before


@pytest.mark.parametrize("who", TIMELINE_STRANGERS)
def test_timeline_is_404_for_someone_who_may_not_see_the_application(desk, who):
    r = desk.client(who).get(TIMELINE.format(app=desk.app.pk))
    assert r.status_code == 404
    assert r.json()["code"] == "application_not_found"
    missing = desk.client(who).get(TIMELINE.format(app=987654))
    assert missing.json() == r.json()


def test_the_right_people_get_the_task(desk):
    for who in ("reviewer_a", "reviewer_a2", "head_a"):
        r = desk.client(who).get(f"/api/v1/tasks/{desk.task_a.pk}/")
        assert r.status_code == 200, who


def test_an_invited_consultant_reads_the_task_but_may_not_work_it(desk):
    consultant = desk.users["reviewer_c"]
    consultation_invite(
        case=Case.objects.get(application=desk.app),
        actor=desk.users["head_a"],
        user=consultant,
        note="请民政局协助核实",
    )
    client = desk.client("reviewer_c")
    assert client.get(f"/api/v1/tasks/{desk.task_a.pk}/").status_code == 200
    # A consultation is not an inbox.
    assert client.get("/api/v1/tasks/").json()["count"] == 0
    before = _state(desk)
    for action, body in (
        ("claim", {}),
        ("decide", {"outcome": "approve", "opinion": "同意"}),
        ("extension", {"days": 2, "reason": "检测"}),
    ):
        r = client.post(
            f"/api/v1/tasks/{desk.task_a.pk}/{action}/", body, format="json"
        )
        assert r.status_code == 403, action
        assert r.json()["code"] == "not_task_department", action
    assert _state(desk) == before
    # The timeline of a case one consults on shows the staff view.
    r = client.get(TIMELINE.format(app=desk.app.pk))
    assert r.status_code == 200 and r.json()["staff_view"] is True


EXPLAIN_STRANGERS = ["citizen_b", "clerk2", "reviewer_c", "head_c", "nobody"]


def _explain_urls(desk) -> list[str]:
    body = desk.client("reviewer_a").get(TIMELINE.format(app=desk.app.pk)).json()
    urls = [f"/api/v1/deadlines/{k['id']}/explain/" for k in body["clocks"]]
    assert len(urls) >= 3  # the two open tasks and the case's statutory clock
    return urls


def test_every_explain_link_of_the_timeline_opens_for_who_sees_the_timeline(desk):
    assert _explain_urls(desk)
    for who, kinds in (
        # The applicant and the hall: the case's clocks; a department: its
        # own task's too (a task's deadline explains to who sees the task).
        ("applicant", {"case_statutory"}),
        ("clerk1", {"case_statutory"}),
        ("reviewer_a", {"case_statutory", "task"}),
    ):
        shown = desk.client(who).get(TIMELINE.format(app=desk.app.pk)).json()
        linked = [k for k in shown["clocks"] if k["explain_url"]]
        assert kinds <= {k["kind"] for k in linked}, who
        for k in linked:
            r = desk.client(who).get(k["explain_url"])
            assert r.status_code == 200, (who, k["kind"], r.json())
        for k in shown["clocks"]:
            if k["explain_url"] is None:
                assert k["kind"] == "task", (who, k)
        for stage in shown["stages"]:
            for task in stage["tasks"]:
                if task["explain_url"]:
                    assert desk.client(who).get(task["explain_url"]).status_code == 200
    reviewer = desk.client("reviewer_a").get(TIMELINE.format(app=desk.app.pk)).json()
    linked = {
        t["id"] for t in reviewer["stages"][0]["tasks"] if t["explain_url"] is not None
    }
    assert linked == {desk.task_a.pk}


@pytest.mark.parametrize("who", EXPLAIN_STRANGERS)
def test_explain_of_someone_elses_deadline_is_404(desk, who):
    for url in _explain_urls(desk):
        r = desk.client(who).get(url)
        assert r.status_code == 404, (who, url)
