"""The task endpoints: inbox, detail, claim, release, decide, supplement, extension,
reassignment; happy paths and refusals with their codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from portal.models import AuditEntry
from workflow import constants as c
from workflow.models import Case, Extension, Opinion, Task

from .conftest import more_applications

pytestmark = pytest.mark.django_db

LIST = "/api/v1/tasks/"


def url(task, action: str = "") -> str:
    return f"/api/v1/tasks/{task.pk}/" + (f"{action}/" if action else "")


def claim(desk, who="reviewer_a", task=None):
    r = desk.client(who).post(url(task or desk.task_a, "claim"), format="json")
    assert r.status_code == 200, r.json()
    return r


def decide(desk, who="reviewer_a", task=None, **body):
    body = {"outcome": "approve", "opinion": "材料齐全，符合条件", **body}
    return desk.client(who).post(
        url(task or desk.task_a, "decide"), body, format="json"
    )


# --- inbox -----------------------------------------------------------------------


def test_inbox_lists_the_departments_open_tasks_with_marks(desk):
    r = desk.client("reviewer_a").get(LIST)
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == desk.task_a.pk
    assert row["state"] == "open" and row["mark"] == ""
    assert row["department"]["id"] == desk.departments["a"].pk
    assert row["application"]["number"] == desk.app.number
    assert row["stage_order"] == 1 and row["assignee"] is None
    assert row["url"].endswith(url(desk.task_a))
    assert row["due_on"]
    # The head of the department has the same inbox; B sees its own task.
    assert [t["id"] for t in desk.client("head_a").get(LIST).json()["results"]] == [
        desk.task_a.pk
    ]
    assert [t["id"] for t in desk.client("reviewer_b").get(LIST).json()["results"]] == [
        desk.task_b.pk
    ]


@pytest.mark.parametrize(
    "who", ["reviewer_c", "head_c", "applicant", "clerk1", "clerk2", "nobody"]
)
def test_inbox_of_someone_without_a_task_is_empty(desk, who):
    r = desk.client(who).get(LIST)
    assert r.status_code == 200
    assert r.json()["count"] == 0


def test_inbox_needs_a_login(desk):
    r = desk.client("anon").get(LIST)
    assert r.status_code == 401
    assert r.json()["code"] == "not_authenticated"


def test_inbox_marks_and_filters(desk):
    today = timezone.localdate()
    late, soon, *_ = more_applications(desk, 3)
    Task.objects.filter(
        case__application=late, department=desk.departments["a"]
    ).update(due_on=today - dt.timedelta(days=1), warn_on=today - dt.timedelta(days=2))
    Task.objects.filter(
        case__application=soon, department=desk.departments["a"]
    ).update(due_on=today + dt.timedelta(days=1), warn_on=today)
    client = desk.client("reviewer_a")
    rows = client.get(LIST).json()["results"]
    assert len(rows) == 4
    # Nearest deadline first: the overdue one, then the one at its warning day.
    assert [r["application"]["id"] for r in rows[:2]] == [late.pk, soon.pk]
    assert [r["mark"] for r in rows[:2]] == ["red", "yellow"]
    red = client.get(LIST, {"mark": "red"}).json()["results"]
    assert [r["application"]["id"] for r in red] == [late.pk]
    yellow = client.get(LIST, {"mark": "yellow"}).json()["results"]
    assert {r["application"]["id"] for r in yellow} == {late.pk, soon.pk}
    by_number = client.get(LIST, {"q": late.number[-6:]}).json()["results"]
    assert [r["application"]["id"] for r in by_number] == [late.pk]
    item = desk.app.version.item_id
    assert client.get(LIST, {"item": item}).json()["count"] == 4
    assert client.get(LIST, {"item": item + 999}).json()["count"] == 0
    claim(desk)
    mine = client.get(LIST, {"mine": "true"}).json()["results"]
    assert [r["id"] for r in mine] == [desk.task_a.pk]
    decide(desk)
    assert client.get(LIST).json()["count"] == 3
    assert client.get(LIST, {"state": "approved"}).json()["count"] == 1
    assert client.get(LIST, {"state": "all"}).json()["count"] == 4


@pytest.mark.parametrize(
    "params, field",
    [
        ({"state": "done"}, "state"),
        ({"mark": "green"}, "mark"),
        ({"item": "abc"}, "item"),
        ({"item": "0"}, "item"),
        ({"q": "x" * 48}, "q"),
        ({"mine": "perhaps"}, "mine"),
        ({"page_size": "1000"}, "page_size"),
        ({"page": "0"}, "page"),
    ],
)
def test_inbox_refuses_bad_filters(desk, params, field):
    r = desk.client("reviewer_a").get(LIST, params)
    assert r.status_code == 400, r.json()
    assert r.json()["field"] == field


def test_inbox_page_out_of_range(desk):
    r = desk.client("reviewer_a").get(LIST, {"page": "5"})
    assert r.status_code == 404
    assert r.json()["code"] == "page_out_of_range"


def test_inbox_query_count_is_flat(desk, django_assert_max_num_queries):
    client = desk.client("reviewer_a")
    with django_assert_max_num_queries(6) as one:
        assert client.get(LIST).json()["count"] == 1
    first = len(one.captured_queries)  # now: a request resets the query log
    assert first >= 2  # the page and its COUNT
    more_applications(desk, 19)
    for task in Task.objects.filter(department=desk.departments["a"])[:10]:
        Task.objects.filter(pk=task.pk).update(assignee=desk.users["reviewer_a2"])
    client = desk.client("reviewer_a")
    with django_assert_max_num_queries(first):
        assert client.get(LIST).json()["count"] == 20


# --- detail ------------------------------------------------------------------------


def test_detail_shows_the_application_and_the_cases_records(desk):
    claim(desk, "reviewer_b", desk.task_b)
    assert decide(desk, "reviewer_b", desk.task_b).status_code == 200
    r = desk.client("reviewer_a").get(url(desk.task_a))
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == desk.task_a.pk
    assert body["case"]["state"] == "open" and body["case"]["joint"] is True
    assert body["application"]["id"] == desk.app.pk
    assert body["application"]["form_data"]["purpose"] == "新办"
    assert body["application"]["materials"]
    # The other department's opinion on the same case is there.
    assert [(o["department_name"], o["outcome"]) for o in body["opinions"]] == [
        (desk.departments["b"].name, "approve")
    ]
    assert body["opinions"][0]["author"]["id"] == desk.users["reviewer_b"].pk
    assert body["clock_id"]
    assert body["explain_url"] == f"/api/v1/deadlines/{body['clock_id']}/explain/"
    assert body["extensions"] == [] and body["supplements"] == []


def test_detail_of_a_missing_task_is_404(desk):
    r = desk.client("reviewer_a").get("/api/v1/tasks/987654/")
    assert r.status_code == 404
    assert r.json()["code"] == "task_not_found"


# --- claim and release ---------------------------------------------------------------


def test_claim_then_release(desk):
    r = claim(desk)
    assert r.json()["assignee"]["id"] == desk.users["reviewer_a"].pk
    assert r.json()["claimed_at"]
    # Claiming one's own task again changes nothing.
    assert claim(desk).json()["assignee"]["id"] == desk.users["reviewer_a"].pk
    other = desk.client("reviewer_a2").post(url(desk.task_a, "claim"))
    assert other.status_code == 409
    assert other.json()["code"] == "task_claimed_by_other"
    not_mine = desk.client("reviewer_a2").post(url(desk.task_a, "release"))
    assert not_mine.status_code == 403
    assert not_mine.json()["code"] == "task_not_claimed_by_you"
    r = desk.client("reviewer_a").post(url(desk.task_a, "release"))
    assert r.status_code == 200
    assert r.json()["assignee"] is None
    again = desk.client("reviewer_a").post(url(desk.task_a, "release"))
    assert again.status_code == 409
    assert again.json()["code"] == "task_not_claimed"


def test_head_may_release_someone_elses_claim(desk):
    claim(desk)
    r = desk.client("head_a").post(url(desk.task_a, "release"))
    assert r.status_code == 200
    assert r.json()["assignee"] is None


# --- decide ---------------------------------------------------------------------------


def test_decide_approve_closes_the_task_and_the_join_waits(desk):
    claim(desk)
    r = decide(desk)
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "approved"
    assert r.json()["opinions"][0]["text"] == "材料齐全，符合条件"
    desk.task_a.refresh_from_db()
    assert desk.task_a.decided_by == desk.users["reviewer_a"]
    # Stage 1 still waits for B.
    case = Case.objects.select_related("current_stage").get(application=desk.app)
    assert case.current_stage.order == 1
    claim(desk, "reviewer_b", desk.task_b)
    assert decide(desk, "reviewer_b", desk.task_b).status_code == 200
    stage2 = desk.client("reviewer_d").get(LIST).json()["results"]
    assert [t["stage_order"] for t in stage2] == [2]
    assert stage2[0]["due_on"]


def test_decide_reject_needs_a_basis_and_ends_the_case(desk):
    claim(desk)
    r = decide(desk, outcome="reject", opinion="经营场所不符合要求")
    assert r.status_code == 400
    assert (r.json()["code"], r.json()["field"]) == ("basis_required", "basis")
    r = decide(
        desk,
        outcome="reject",
        opinion="经营场所不符合要求",
        basis="《食品经营许可管理办法》第十一条",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "rejected"
    case = Case.objects.get(application=desk.app)
    assert case.state == c.CaseState.REJECTED


def test_decide_on_a_task_not_claimed_by_the_user(desk):
    r = decide(desk)
    assert r.status_code == 403
    assert r.json()["code"] == "task_not_claimed_by_you"
    claim(desk, "reviewer_a2")
    r = decide(desk, "reviewer_a")
    assert r.status_code == 403
    assert r.json()["code"] == "task_not_claimed_by_you"
    assert not Opinion.objects.filter(task=desk.task_a).exists()


def test_second_decision_is_refused(desk):
    claim(desk)
    assert decide(desk).status_code == 200
    r = decide(desk, outcome="reject", basis="第十一条")
    assert r.status_code == 409
    assert r.json()["code"] == "task_already_decided"
    desk.task_a.refresh_from_db()
    assert desk.task_a.state == c.TaskState.APPROVED
    assert Opinion.objects.filter(task=desk.task_a).count() == 1


def test_decision_while_the_case_is_suspended_is_refused(desk):
    claim(desk)
    claim(desk, "reviewer_b", desk.task_b)
    r = desk.client("reviewer_b").post(
        url(desk.task_b, "request-supplement"),
        {"text": "请补充户籍证明"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    r = decide(desk)
    assert r.status_code == 409
    assert r.json()["code"] == "case_suspended"
    desk.task_a.refresh_from_db()
    assert desk.task_a.state == c.TaskState.OPEN


@pytest.mark.parametrize(
    "body, code, field",
    [
        ({"outcome": "maybe"}, "invalid_choice", "outcome"),
        ({"outcome": None}, "null", "outcome"),
        ({"opinion": ""}, "opinion_required", "opinion"),
        ({"opinion": "   "}, "opinion_required", "opinion"),
        ({"opinion": "x" * 2001}, "max_length", "opinion"),
        ({"opinion": ["列表"]}, "invalid", "opinion"),
    ],
)
def test_decide_refuses_bad_input(desk, body, code, field):
    claim(desk)
    r = decide(desk, **body)
    assert r.status_code == 400, r.json()
    assert (r.json()["code"], r.json()["field"]) == (code, field)
    desk.task_a.refresh_from_db()
    assert desk.task_a.state == c.TaskState.OPEN


def test_decide_refuses_a_body_that_is_not_json(desk):
    claim(desk)
    r = desk.client("reviewer_a").post(
        url(desk.task_a, "decide"), "outcome=approve", content_type="text/plain"
    )
    assert r.status_code == 415
    assert r.json()["code"] == "unsupported_media_type"


# --- supplement ------------------------------------------------------------------------


def test_request_supplement_suspends_the_case(desk):
    claim(desk)
    r = desk.client("reviewer_a").post(
        url(desk.task_a, "request-supplement"),
        {"text": "请补充经营场所照片"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["case"]["state"] == "suspended"
    assert [s["text"] for s in body["supplements"]] == ["请补充经营场所照片"]
    again = desk.client("reviewer_a").post(
        url(desk.task_a, "request-supplement"), {"text": "再补"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "case_suspended"


def test_request_supplement_refusals(desk):
    r = desk.client("reviewer_a").post(
        url(desk.task_a, "request-supplement"), {"text": "补"}, format="json"
    )
    assert r.status_code == 403
    assert r.json()["code"] == "task_not_claimed_by_you"
    claim(desk)
    for body, code in (({"text": ""}, "supplement_text_required"), ({}, "required")):
        r = desk.client("reviewer_a").post(
            url(desk.task_a, "request-supplement"), body, format="json"
        )
        assert r.status_code == 400
        assert (r.json()["code"], r.json()["field"]) == (code, "text")
    assert Case.objects.get(application=desk.app).state == c.CaseState.OPEN


# --- extension -------------------------------------------------------------------------


def request_extension(desk, who="reviewer_a", days=5, reason="需组织专家评审"):
    return desk.client(who).post(
        url(desk.task_a, "extension"), {"days": days, "reason": reason}, format="json"
    )


def approve_url(desk, extension_id) -> str:
    return url(desk.task_a, f"extension/{extension_id}/approve")


def test_extension_requested_and_approved_by_the_head(desk):
    r = request_extension(desk)
    assert r.status_code == 201, r.json()
    ext = r.json()
    assert ext["state"] == "requested" and ext["days"] == 5
    assert ext["requested_by"]["id"] == desk.users["reviewer_a"].pk
    second = request_extension(desk, days=3)
    assert second.status_code == 409
    assert second.json()["code"] == "extension_exists"

    by_reviewer = desk.client("reviewer_a2").post(approve_url(desk, ext["id"]))
    assert by_reviewer.status_code == 403
    assert by_reviewer.json()["code"] == "not_department_head"
    assert AuditEntry.objects.filter(
        action="workflow.extension_decide_refused",
        actor=desk.users["reviewer_a2"],
    ).exists()

    r = desk.client("head_a").post(
        approve_url(desk, ext["id"]), {"note": "同意延期"}, format="json"
    )
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "approved"
    assert r.json()["decided_by"]["id"] == desk.users["head_a"].pk
    again = desk.client("head_a").post(approve_url(desk, ext["id"]), {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "extension_decided"
    after = request_extension(desk, days=3)
    assert after.status_code == 409
    assert after.json()["code"] == "extension_exists"
    detail = desk.client("reviewer_a").get(url(desk.task_a)).json()
    assert [e["state"] for e in detail["extensions"]] == ["approved"]


def test_extension_refused_with_a_note_then_asked_again(desk):
    ext = request_extension(desk).json()
    no_note = desk.client("head_a").post(
        approve_url(desk, ext["id"]), {"approve": False}, format="json"
    )
    assert no_note.status_code == 400
    assert no_note.json()["code"] == "extension_note_required"
    r = desk.client("head_a").post(
        approve_url(desk, ext["id"]),
        {"approve": False, "note": "理由不充分"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "refused"
    assert r.json()["decision_note"] == "理由不充分"
    assert request_extension(desk).status_code == 201


@pytest.mark.parametrize(
    "days, code",
    [(16, "extension_days_invalid"), (0, "min_value"), ("ten", "invalid")],
)
def test_extension_beyond_the_cap_or_bad_days(desk, days, code):
    # The case is joint (two departments): the cap is 15 working days.
    r = request_extension(desk, days=days)
    assert r.status_code == 400, r.json()
    assert (r.json()["code"], r.json()["field"]) == (code, "days")
    assert not Extension.objects.exists()


def test_extension_needs_a_reason(desk):
    r = request_extension(desk, reason=" ")
    assert r.status_code == 400
    assert r.json()["code"] == "extension_reason_required"


def test_extension_of_another_task_is_404_on_this_url(desk):
    ext = desk.client("reviewer_b").post(
        url(desk.task_b, "extension"), {"days": 2, "reason": "检测"}, format="json"
    )
    assert ext.status_code == 201
    r = desk.client("head_a").post(approve_url(desk, ext.json()["id"]))
    assert r.status_code == 404
    assert r.json()["code"] == "extension_not_found"
    r = desk.client("head_a").post(approve_url(desk, 987654))
    assert r.status_code == 404
    assert Extension.objects.get().state == c.ExtensionState.REQUESTED


def test_extension_approval_by_another_departments_head_is_404(desk):
    ext = request_extension(desk).json()
    r = desk.client("head_b").post(approve_url(desk, ext["id"]))
    assert r.status_code == 404
    assert r.json()["code"] == "task_not_found"
    assert Extension.objects.get().state == c.ExtensionState.REQUESTED


# --- reassign ---------------------------------------------------------------------------


def test_head_reassigns_to_a_reviewer_of_the_department(desk):
    target = desk.users["reviewer_a2"]
    r = desk.client("head_a").post(
        url(desk.task_a, "reassign"), {"assignee": target.pk}, format="json"
    )
    assert r.status_code == 200, r.json()
    assert r.json()["assignee"]["id"] == target.pk
    assert AuditEntry.objects.filter(action="workflow.task_reassigned").exists()


def test_reassign_refusals(desk):
    target = desk.users["reviewer_a2"]
    r = desk.client("reviewer_a").post(
        url(desk.task_a, "reassign"), {"assignee": target.pk}, format="json"
    )
    assert r.status_code == 403
    assert r.json()["code"] == "not_department_head"
    for assignee in (desk.users["reviewer_b"].pk, desk.users["applicant"].pk, 987654):
        r = desk.client("head_a").post(
            url(desk.task_a, "reassign"), {"assignee": assignee}, format="json"
        )
        assert r.status_code == 400, assignee
        assert (r.json()["code"], r.json()["field"]) == (
            "assignee_not_in_department",
            "assignee",
        )
    r = desk.client("head_a").post(url(desk.task_a, "reassign"), {}, format="json")
    assert r.status_code == 400
    assert (r.json()["code"], r.json()["field"]) == ("required", "assignee")
    desk.task_a.refresh_from_db()
    assert desk.task_a.assignee_id is None


def test_a_stage_not_yet_open_is_not_in_the_inbox_and_cannot_be_worked(desk):
    waiting = Task.objects.get(case__application=desk.app, stage__order=2)
    client = desk.client("reviewer_d")
    assert client.get(LIST).json()["count"] == 0
    listed = client.get(LIST, {"state": "waiting"}).json()["results"]
    assert [(t["id"], t["state"], t["due_on"]) for t in listed] == [
        (waiting.pk, "waiting", None)
    ]
    for action, body in (
        ("claim", {}),
        ("extension", {"days": 2, "reason": "检测"}),
    ):
        r = client.post(url(waiting, action), body, format="json")
        assert r.status_code == 409, action
        assert r.json()["code"] == "task_not_open", action
    waiting.refresh_from_db()
    assert waiting.assignee_id is None and waiting.state == c.TaskState.WAITING
