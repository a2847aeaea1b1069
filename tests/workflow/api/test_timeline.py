"""GET /api/v1/applications/{id}/timeline/: what the applicant and staff each see."""

from __future__ import annotations

import pytest

from tests.applications.factories import ApplicationFactory
from workflow.services.tasks import task_comment

pytestmark = pytest.mark.django_db


def timeline(desk, who, app=None):
    r = desk.client(who).get(f"/api/v1/applications/{(app or desk.app).pk}/timeline/")
    assert r.status_code == 200, r.json()
    return r.json()


def _decide_a(desk):
    client = desk.client("reviewer_a")
    assert client.post(f"/api/v1/tasks/{desk.task_a.pk}/claim/").status_code == 200
    r = client.post(
        f"/api/v1/tasks/{desk.task_a.pk}/decide/",
        {"outcome": "approve", "opinion": "经营场所符合要求"},
        format="json",
    )
    assert r.status_code == 200


def test_staff_see_every_stage_task_opinion_and_who_acted(desk):
    task_comment(
        task=desk.task_a, actor=desk.users["reviewer_a"], text="内部：已电话核实"
    )
    _decide_a(desk)
    body = timeline(desk, "reviewer_a")
    assert body["staff_view"] is True
    assert body["case_state"] == "open"
    assert [s["order"] for s in body["stages"]] == [1, 2]
    first = body["stages"][0]
    assert first["state"] == "open"
    tasks = {t["id"]: t for t in first["tasks"]}
    assert set(tasks) == {desk.task_a.pk, desk.task_b.pk}
    mine = tasks[desk.task_a.pk]
    assert mine["state"] == "approved"
    assert mine["decided_by"] == desk.users["reviewer_a"].display_name
    assert mine["explain_url"].startswith("/api/v1/deadlines/")
    texts = [o["text"] for o in mine["opinions"]]
    assert texts == ["内部：已电话核实", "经营场所符合要求"]
    assert all(o["author"] for o in mine["opinions"])
    kinds = {k["kind"] for k in body["clocks"]}
    assert {"task", "case_statutory"} <= kinds
    task_clock = next(k for k in body["clocks"] if k["task_id"] == desk.task_a.pk)
    assert task_clock["explain_url"] == f"/api/v1/deadlines/{task_clock['id']}/explain/"
    # The hall that accepted it sees the same.
    assert timeline(desk, "clerk1")["staff_view"] is True


def test_the_applicant_sees_decisions_without_names_or_internal_comments(desk):
    task_comment(
        task=desk.task_a, actor=desk.users["reviewer_a"], text="内部：已电话核实"
    )
    _decide_a(desk)
    body = timeline(desk, "applicant")
    assert body["staff_view"] is False
    tasks = {t["id"]: t for t in body["stages"][0]["tasks"]}
    mine = tasks[desk.task_a.pk]
    assert mine["decided_by"] == ""
    assert [o["text"] for o in mine["opinions"]] == ["经营场所符合要求"]
    assert [o["author"] for o in mine["opinions"]] == [""]
    raw = str(body)
    assert desk.users["reviewer_a"].display_name not in raw
    assert desk.users["reviewer_a"].username not in raw


def test_suspension_and_extension_on_the_timeline(desk):
    client = desk.client("reviewer_a")
    assert client.post(f"/api/v1/tasks/{desk.task_a.pk}/claim/").status_code == 200
    ext = client.post(
        f"/api/v1/tasks/{desk.task_a.pk}/extension/",
        {"days": 5, "reason": "需组织专家评审"},
        format="json",
    )
    assert ext.status_code == 201
    r = client.post(
        f"/api/v1/tasks/{desk.task_a.pk}/request-supplement/",
        {"text": "请补充经营场所照片"},
        format="json",
    )
    assert r.status_code == 200
    body = timeline(desk, "applicant")
    assert body["case_state"] == "suspended"
    assert [e["reason"] for e in body["extensions"]] == ["需组织专家评审"]
    assert [s["text"] for s in body["supplements"]] == ["请补充经营场所照片"]
    assert body["suspensions"] and {s["reason"] for s in body["suspensions"]} == {
        "supplement"
    }
    assert all(s["last"] is None for s in body["suspensions"])


def test_an_application_without_a_case_has_an_empty_timeline(desk):
    submitted = ApplicationFactory(
        submitted=True, implementation=desk.impl, applicant=desk.users["applicant"]
    )
    body = timeline(desk, "applicant", submitted)
    assert body["case_state"] is None
    assert body["stages"] == [] and body["clocks"] == []


def test_timeline_query_count_does_not_grow_with_tasks(
    desk, django_assert_max_num_queries
):
    client = desk.client("reviewer_a")
    url = f"/api/v1/applications/{desk.app.pk}/timeline/"
    with django_assert_max_num_queries(30) as before:
        assert client.get(url).status_code == 200
    # Counted now: the next request resets the connection's query log.
    first = len(before.captured_queries)
    assert first >= 5
    _decide_a(desk)
    task_comment(task=desk.task_a, actor=desk.users["reviewer_a"], text="再核实")
    client = desk.client("reviewer_a")
    with django_assert_max_num_queries(first):
        assert client.get(url).status_code == 200
