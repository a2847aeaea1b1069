"""A department head answers a red card (答复督办), once, from the head's desk."""

from __future__ import annotations

import pytest
from django.utils import timezone

from portal.errors import NotFoundError, PermissionDeniedError, ServiceError
from portal.models import AuditEntry
from workflow import constants as c
from workflow.models import Card, Task
from workflow.services.escalations import card_answer

pytestmark = pytest.mark.django_db


def red_card(world, department=None) -> Card:
    task = world.task(department or world.market)
    return Card.objects.create(
        case=world.case,
        task=task,
        department=task.department,
        colour=c.CardColour.RED,
        clock_kind="task",
        clock_id=task.clock_id,
        raised_at=timezone.now(),
    )


def test_the_head_answers_a_red_card_and_it_leaves_the_desk(world, as_user):
    card = red_card(world)
    client = as_user("head")
    html = client.get("/desk/head/").content.decode()
    assert f"/desk/cards/{card.pk}/answer/" in html

    r = client.post(
        f"/desk/cards/{card.pk}/answer/", {"answer-note": "已督促，明日办结"}
    )
    assert r.status_code == 302
    assert r["Location"] == "/desk/head/#escalations"
    card.refresh_from_db()
    assert card.answer == "已督促，明日办结"
    assert card.answered_by == world.users["head"]
    assert card.answered_at is not None
    assert AuditEntry.objects.filter(action="workflow.card_answered").count() == 1
    html = client.get("/desk/head/").content.decode()
    assert f"/desk/cards/{card.pk}/answer/" not in html
    assert "暂无红牌" in html


def test_a_head_of_another_department_gets_404_and_is_audited(world):
    card = red_card(world)
    with pytest.raises(NotFoundError) as exc:
        card_answer(card=card, actor=world.users["other_head"], note="答复")
    assert exc.value.code == "card_not_found"
    with pytest.raises(NotFoundError):  # heads a department on the case, not this one
        card_answer(card=card, actor=world.users["fire_head"], note="答复")
    assert AuditEntry.objects.filter(action="workflow.card_answer_refused").count() == 2
    card.refresh_from_db()
    assert card.answered_at is None


def test_the_fire_head_answers_the_fire_card_only(world, as_user):
    market_card = red_card(world)
    fire_card = red_card(world, world.fire)
    client = as_user("fire_head")
    r = client.post(f"/desk/cards/{market_card.pk}/answer/", {"answer-note": "答复"})
    assert r.status_code == 404
    r = client.post(f"/desk/cards/{fire_card.pk}/answer/", {"answer-note": "答复"})
    assert r.status_code == 302
    fire_card.refresh_from_db()
    market_card.refresh_from_db()
    assert fire_card.answered_at is not None
    assert market_card.answered_at is None


def test_a_reviewer_of_the_department_gets_403(world, as_user):
    card = red_card(world)
    with pytest.raises(PermissionDeniedError) as exc:
        card_answer(card=card, actor=world.users["reviewer"], note="答复")
    assert exc.value.code == "not_department_head"
    assert exc.value.status == 403
    card.refresh_from_db()
    assert card.answered_at is None


def test_a_second_answer_is_refused(world, as_user):
    card = red_card(world)
    card_answer(card=card, actor=world.users["head"], note="第一次")
    with pytest.raises(ServiceError) as exc:
        card_answer(card=card, actor=world.users["head"], note="第二次")
    assert exc.value.code == "card_answered"
    assert exc.value.status == 409
    card.refresh_from_db()
    assert card.answer == "第一次"
    r = as_user("head").post(
        f"/desk/cards/{card.pk}/answer/", {"answer-note": "第三次"}, follow=True
    )
    assert "该督办事项已答复" in r.content.decode()


@pytest.mark.parametrize("note", ["", "   ", None])
def test_an_empty_note_is_refused(world, note):
    card = red_card(world)
    with pytest.raises(ServiceError) as exc:
        card_answer(card=card, actor=world.users["head"], note=note)
    assert exc.value.code == "answer_required"
    assert exc.value.field == "note"
    card.refresh_from_db()
    assert card.answered_at is None


def test_a_yellow_card_or_a_missing_one_is_404(world):
    card = red_card(world)
    card.colour = c.CardColour.YELLOW
    card.save(update_fields=["colour"])
    with pytest.raises(NotFoundError):
        card_answer(card=card, actor=world.users["head"], note="答复")
    with pytest.raises(NotFoundError):
        card_answer(card=Card(pk=999999), actor=world.users["head"], note="答复")


def test_the_heads_desk_keeps_a_flat_query_count_with_red_cards(
    world, as_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.workflow.pages.test_pages import _more_cases

    red_card(world)
    client = as_user("head")
    client.get("/desk/head/")  # warm caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/desk/head/").status_code == 200
    _more_cases(world, 3)
    for task in Task.objects.filter(department=world.market).exclude(case=world.case)[
        :3
    ]:
        Card.objects.create(
            case=task.case,
            task=task,
            department=task.department,
            colour=c.CardColour.RED,
            clock_kind="task",
            clock_id=task.clock_id,
            raised_at=timezone.now(),
        )
    assert Card.objects.filter(answered_at__isnull=True).count() == 4
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/desk/head/").content.decode()
    assert html.count("/answer/") == 4
