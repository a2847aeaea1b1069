"""Pages: the card board, the order form, list, detail, the head's inbox and answer."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from supervision.models import SupervisionOrder
from supervision.services.orders import order_answer, order_issue
from workflow.models import Card

from .conftest import at

pytestmark = pytest.mark.django_db

BOARD = reverse("supervision:card_board")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def issue(world, **kw):
    kw.setdefault("department_id", world["dep_kd"].pk)
    with time_machine.travel(at("2026-03-12"), tick=False):
        return order_issue(
            supervisor=world["sup"], note="请限期办结", working_days=3, **kw
        )


def test_the_board_shows_red_cards_with_department_person_and_days(carded):
    with time_machine.travel(at("2026-03-12", 11), tick=False):
        page = logged_in(carded["sup"]).get(BOARD)
    html = page.content.decode()
    assert page.status_code == 200
    assert carded["app_kd"].number in html and carded["app_ld"].number in html
    assert reverse("workflow:timeline", args=[carded["app_kd"].pk]) in html
    assert "康定市市场监管局" in html and "泸定县市场监管局" in html
    # Due 03-09; 10, 11, 12 are working days past it.
    assert "超期3个工作日" in html
    # Nobody claimed the task: the department's head is responsible.
    assert carded["head_kd"].display_name in html and "（科室负责人）" in html
    # The yellow card of a clock that went red is not listed twice.
    assert html.count("card-yellow") == 0 and html.count("card-red") == 2


def test_the_assignee_is_the_responsible_person(carded):
    from workflow.services import task_claim

    task = carded["case_kd"].tasks.get()
    with time_machine.travel(at("2026-03-12", 9), tick=False):
        task_claim(task=task, actor=carded["reviewer_kd"])
        html = logged_in(carded["sup"]).get(BOARD).content.decode()
    assert carded["reviewer_kd"].display_name in html


def test_a_county_supervisor_sees_only_the_county(carded):
    client = logged_in(carded["sup_kd"])
    html = client.get(BOARD).content.decode()
    assert carded["app_kd"].number in html
    assert carded["app_ld"].number not in html
    # Filtering by a department of another county reads as unknown.
    bad = client.get(BOARD, {"department": carded["dep_ld"].pk}).content.decode()
    assert "未找到该部门" in bad and carded["app_ld"].number not in bad
    # The timeline of their county's application opens, the other's does not.
    timeline = reverse("workflow:timeline", args=[carded["app_kd"].pk])
    assert client.get(timeline).status_code == 200
    other = reverse("workflow:timeline", args=[carded["app_ld"].pk])
    assert client.get(other).status_code == 404


def test_filters(carded):
    client = logged_in(carded["sup"])
    html = client.get(BOARD, {"department": carded["dep_ld"].pk}).content.decode()
    assert carded["app_ld"].number in html and carded["app_kd"].number not in html
    assert "暂无预警牌" in client.get(BOARD, {"colour": "yellow"}).content.decode()
    assert "颜色只能是" in client.get(BOARD, {"colour": "green"}).content.decode()


def test_the_board_and_lists_are_supervisor_only(carded):
    for user in ("head_kd", "reviewer_kd"):
        client = logged_in(carded[user])
        assert client.get(BOARD).status_code == 404
        assert client.get(reverse("supervision:order_list")).status_code == 404
        assert client.get(reverse("supervision:order_new")).status_code == 404
    assert Client().get(BOARD).status_code == 302  # to the login page


def test_board_queries_stay_flat(carded, django_assert_max_num_queries):
    client = logged_in(carded["sup"])
    client.get(BOARD)  # warm the calendar snapshot and the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        client.get(BOARD)
    with time_machine.travel(at("2026-03-02"), tick=False):
        from tests.workflow.factories import accepted, routed_item

        for _ in range(3):
            accepted(routed_item([[carded["dep_kd"]]], lead=carded["dep_kd"]))
    from portal import clocks

    with time_machine.travel(at("2026-03-12", 0, 5), tick=False):
        clocks.deadlines_sweep()
    assert Card.objects.filter(colour="red").count() == 5
    with CaptureQueriesContext(connection) as five:
        client.get(BOARD)
    assert len(five) == len(two)


def test_issue_from_the_board(carded):
    card = Card.objects.get(task__department=carded["dep_kd"], colour="red")
    client = logged_in(carded["sup_kd"])
    url = reverse("supervision:order_new") + f"?card={card.pk}"
    form = client.get(url)
    assert form.status_code == 200
    assert carded["app_kd"].number in form.content.decode()
    with time_machine.travel(at("2026-03-12", 11), tick=False):
        done = client.post(
            url,
            {
                "department": carded["dep_kd"].pk,
                "card": card.pk,
                "note": "请说明超期原因，三日内办结",
                "working_days": "3",
            },
        )
    order = SupervisionOrder.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("supervision:order_detail", args=[order.pk])
    assert order.card == card and order.application == carded["app_kd"]
    html = client.get(BOARD).content.decode()
    assert "已督办" in html
    # Another county's card: 404.
    other = Card.objects.get(task__department=carded["dep_ld"], colour="red")
    response = client.get(reverse("supervision:order_new") + f"?card={other.pk}")
    assert response.status_code == 404


def test_issue_form_shows_clear_errors(world):
    client = logged_in(world["sup_kd"])
    url = reverse("supervision:order_new")
    with time_machine.travel(at("2026-03-12", 11), tick=False):
        past = client.post(
            url,
            {"department": world["dep_kd"].pk, "note": "x", "due_date": "2026-03-12"},
        )
        outside = client.post(
            url, {"department": world["dep_ld"].pk, "note": "x", "working_days": "2"}
        )
        empty = client.post(
            url, {"department": world["dep_kd"].pk, "note": "", "working_days": "2"}
        )
    assert past.status_code == 400 and "截止日期必须晚于今天" in past.content.decode()
    assert outside.status_code == 400
    assert empty.status_code == 400
    assert not SupervisionOrder.objects.exists()


def test_issue_from_an_application_timeline(world):
    client = logged_in(world["sup"])
    timeline = client.get(reverse("workflow:timeline", args=[world["app_kd"].pk]))
    link = reverse("supervision:order_new") + f"?application={world['app_kd'].pk}"
    assert link in timeline.content.decode()
    page = client.get(link)
    assert page.status_code == 200 and world["app_kd"].number in page.content.decode()
    # A head sees the timeline without the link.
    head = logged_in(world["head_kd"]).get(
        reverse("workflow:timeline", args=[world["app_kd"].pk])
    )
    assert head.status_code == 200 and link not in head.content.decode()


def test_the_head_answers_from_the_inbox_and_the_supervisor_closes(world):
    order = issue(world)
    head = logged_in(world["head_kd"])
    desk = head.get(reverse("workflow:head")).content.decode()
    assert reverse("supervision:order_inbox") in desk
    inbox = head.get(reverse("supervision:order_inbox")).content.decode()
    assert order.number in inbox
    detail = reverse("supervision:order_detail", args=[order.pk])
    assert "答复督办" in head.get(detail).content.decode()
    act = reverse("supervision:order_act", args=[order.pk, "answer"])
    assert head.post(act, {"answer": ""}).status_code == 400
    assert head.post(act, {"answer": "已办结并整改"}).status_code == 302
    order.refresh_from_db()
    assert order.state == "answered"
    sup = logged_in(world["sup"])
    close = reverse("supervision:order_act", args=[order.pk, "close"])
    assert sup.post(close, {"note": "同意"}).status_code == 302
    order.refresh_from_db()
    assert order.state == "closed"
    assert "审核通过，办结" in sup.get(detail).content.decode()


def test_order_pages_refuse_the_wrong_user(world):
    order = issue(world)
    detail = reverse("supervision:order_detail", args=[order.pk])
    answer = reverse("supervision:order_act", args=[order.pk, "answer"])
    for user in ("head_ld", "sup_ld", "reviewer_kd"):
        client = logged_in(world[user])
        assert client.get(detail).status_code == 404
        assert client.post(answer, {"answer": "x"}).status_code == 404
    assert logged_in(world["sup_kd"]).get(detail).status_code == 200
    assert (
        logged_in(world["head_ld"]).get(reverse("supervision:order_inbox")).status_code
        == 200
    )
    assert (
        logged_in(world["sup"]).get(reverse("supervision:order_inbox")).status_code
        == 404
    )
    # A supervisor cannot answer, a head cannot close.
    order.refresh_from_db()
    assert logged_in(world["sup"]).post(answer, {"answer": "x"}).status_code == 404
    order_answer(order=order, user=world["head_kd"], answer="已办理")
    close = reverse("supervision:order_act", args=[order.pk, "close"])
    assert logged_in(world["head_kd"]).post(close, {}).status_code == 404


def test_order_list_and_inbox_queries_stay_flat(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sup, head = logged_in(world["sup"]), logged_in(world["head_kd"])
    lists = (
        (sup, reverse("supervision:order_list")),
        (head, reverse("supervision:order_inbox")),
    )
    issue(world)
    before = []
    for client, url in lists:
        client.get(url)
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        before.append(len(one))
    for _ in range(4):
        issue(world, application_id=world["app_kd"].pk)
    for (client, url), n in zip(lists, before, strict=True):
        with CaptureQueriesContext(connection) as five:
            html = client.get(url).content.decode()
        assert html.count("DB20260312-") == 5
        assert len(five) == n
