"""API: the card board, issuing, listing, reading and answering 督办."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supervision.models import SupervisionOrder
from tests.applications.factories import api_client
from workflow.models import Card

from .conftest import at

pytestmark = pytest.mark.django_db

CARDS = "/api/v1/supervision/cards/"
ORDERS = "/api/v1/supervision/orders/"


def post(user, url, data):
    with time_machine.travel(at("2026-03-12", 11), tick=False):
        return api_client(user).post(url, data, format="json")


def test_the_card_board(carded):
    with time_machine.travel(at("2026-03-12", 11), tick=False):
        body = api_client(carded["sup"]).get(CARDS).json()
    assert body["count"] == 2
    row = next(
        r
        for r in body["results"]
        if r["application"]["number"] == carded["app_kd"].number
    )
    assert row["colour"] == "red"
    assert row["department"] == {"id": carded["dep_kd"].pk, "name": "康定市市场监管局"}
    assert row["responsible"] == [carded["head_kd"].display_name]
    assert row["responsible_is_head"] is True
    assert row["due_on"] == "2026-03-09"
    assert row["overdue_working_days"] == 3
    assert row["application"]["timeline_url"].endswith(
        f"/desk/applications/{carded['app_kd'].pk}/timeline/"
    )
    assert row["ordered"] is False


def test_the_card_board_is_scoped_filtered_and_supervisor_only(carded):
    body = api_client(carded["sup_ld"]).get(CARDS).json()
    assert [r["application"]["number"] for r in body["results"]] == [
        carded["app_ld"].number
    ]
    kd = api_client(carded["sup_kd"])
    bad = kd.get(CARDS, {"department": carded["dep_ld"].pk})
    assert bad.status_code == 400
    assert bad.json() == {
        "code": "department_unknown",
        "detail": "未找到该部门",
        "field": "department",
    }
    assert kd.get(CARDS, {"colour": "green"}).json()["code"] == "card_colour_invalid"
    assert kd.get(CARDS, {"colour": "yellow"}).json()["count"] == 0
    assert kd.get(CARDS, {"page": "x"}).json()["code"] == "invalid_page"
    for user in ("head_kd", "reviewer_kd"):
        response = api_client(carded[user]).get(CARDS)
        assert response.status_code == 403
        assert response.json()["code"] == "not_supervisor"
    from rest_framework.test import APIClient

    assert APIClient().get(CARDS).status_code in (401, 403)


def test_card_board_queries_stay_flat(carded):
    from portal import clocks
    from tests.workflow.factories import accepted, routed_item

    client = api_client(carded["sup"])
    client.get(CARDS)
    with CaptureQueriesContext(connection) as two:
        client.get(CARDS)
    with time_machine.travel(at("2026-03-02"), tick=False):
        for _ in range(3):
            accepted(routed_item([[carded["dep_kd"]]], lead=carded["dep_kd"]))
    with time_machine.travel(at("2026-03-12", 0, 5), tick=False):
        clocks.deadlines_sweep()
    with CaptureQueriesContext(connection) as five:
        assert client.get(CARDS).json()["count"] == 5
    assert len(five) == len(two)


def test_issue_about_a_card_then_list_detail_and_answer(carded):
    card = Card.objects.get(task__department=carded["dep_kd"], colour="red")
    response = post(
        carded["sup_kd"],
        ORDERS,
        {"card": card.pk, "note": "请说明超期原因", "due_date": "2026-03-17"},
    )
    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["department"] == carded["dep_kd"].pk
    assert order["application_number"] == carded["app_kd"].number
    assert (order["due_on"], order["limit_days"], order["state"]) == (
        "2026-03-17",
        3,
        "open",
    )
    assert [e["kind"] for e in order["events"]] == ["issued"]
    board = api_client(carded["sup"]).get(CARDS).json()["results"]
    ordered = {r["application"]["number"]: r["ordered"] for r in board}
    assert ordered == {carded["app_kd"].number: True, carded["app_ld"].number: False}
    listed = api_client(carded["head_kd"]).get(ORDERS).json()
    assert [o["id"] for o in listed["results"]] == [order["id"]]
    assert api_client(carded["head_ld"]).get(ORDERS).json()["count"] == 0
    assert api_client(carded["sup_ld"]).get(ORDERS).json()["count"] == 0
    detail = f"{ORDERS}{order['id']}/"
    assert api_client(carded["sup"]).get(detail).status_code == 200
    for user in ("sup_ld", "head_ld", "reviewer_kd"):
        response = api_client(carded[user]).get(detail)
        assert response.status_code == 404
        assert response.json()["code"] == "order_not_found"
    answer = f"{detail}answer/"
    for user in ("head_ld", "sup", "reviewer_kd"):
        assert post(carded[user], answer, {"answer": "已办理"}).status_code == 404
    empty = post(carded["head_kd"], answer, {"answer": ""})
    assert (empty.status_code, empty.json()["code"]) == (400, "order_answer_invalid")
    done = post(carded["head_kd"], answer, {"answer": "已办结"})
    assert done.status_code == 200
    assert done.json()["state"] == "answered"
    again = post(carded["head_kd"], answer, {"answer": "再答"})
    assert (again.status_code, again.json()["code"]) == (409, "order_state")
    states = api_client(carded["sup"]).get(ORDERS, {"state": "answered"}).json()
    assert states["count"] == 1
    assert api_client(carded["sup"]).get(ORDERS, {"state": "bad"}).status_code == 400


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"due_date": "2026-03-12"}, "order_deadline_past", "due_date"),
        ({"due_date": "2026-03-01"}, "order_deadline_past", "due_date"),
        ({}, "order_deadline_missing", "working_days"),
        ({"working_days": 0}, "order_deadline_invalid", "working_days"),
        (
            {"department": 987654, "working_days": 2},
            "order_department_unknown",
            "department",
        ),
        ({"note": "", "working_days": 2}, "order_note_invalid", "note"),
        ({"note": "   ", "working_days": 2}, "order_note_invalid", "note"),
    ],
)
def test_bad_input(world, data, code, field):
    body = {"department": world["dep_kd"].pk, "note": "请办理", **data}
    response = post(world["sup"], ORDERS, body)
    assert response.status_code == 400
    assert (response.json()["code"], response.json().get("field")) == (code, field)
    assert not SupervisionOrder.objects.exists()


def test_a_department_outside_the_county_reads_as_unknown(world):
    response = post(
        world["sup_kd"],
        ORDERS,
        {"department": world["dep_ld"].pk, "note": "请办理", "working_days": 2},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "order_department_unknown"


def test_only_supervisors_issue(world):
    for user in ("head_kd", "reviewer_kd"):
        response = post(
            world[user],
            ORDERS,
            {"department": world["dep_kd"].pk, "note": "请办理", "working_days": 2},
        )
        assert response.status_code == 404
    assert not SupervisionOrder.objects.exists()


def test_order_list_queries_stay_flat(world):
    client = api_client(world["sup"])
    body = {"department": world["dep_kd"].pk, "note": "请办理", "working_days": 2}
    post(world["sup"], ORDERS, body)
    client.get(ORDERS)
    with CaptureQueriesContext(connection) as one:
        client.get(ORDERS)
    for _ in range(4):
        post(world["sup"], ORDERS, {**body, "application": world["app_kd"].pk})
    with CaptureQueriesContext(connection) as five:
        assert client.get(ORDERS).json()["count"] == 5
    assert len(five) == len(one)
