"""Answering an escalation (答复督办): a department head answers a red card.

A red card is raised by the deadline handlers (workflow.services.deadlines)
when a task or a case runs past its limit; it lands on the desk of the heads
of its department. A head of THAT department answers it once, with a note
(what was done, when it will be finished). A second answer is refused
(``card_answered``, 409). Staff of the department who are not heads get 403
(``not_department_head``); anyone else 404.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.visibility import is_department_staff
from portal.audit import audit_record
from portal.errors import NotFoundError, PermissionDeniedError, ServiceError

from .. import constants as c
from ..models import Card
from .common import clean_text, is_head_of, lock_case


def card_not_found() -> NotFoundError:
    return NotFoundError("card_not_found", _("督办事项不存在或您无权查看"))


def _card_department(row: dict) -> int | None:
    return row["task__department_id"] or row["department_id"]


def card_answer(*, card: Card, actor, note: str) -> Card:
    """A head of the card's department records the answer to a red card."""
    row = (
        Card.objects.filter(pk=getattr(card, "pk", None), colour=c.CardColour.RED)
        .values("case_id", "department_id", "task__department_id")
        .first()
    )
    if row is None:
        raise card_not_found()
    department_id = _card_department(row)
    if not is_head_of(actor, department_id):
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="workflow.card_answer_refused",
                obj=card,
                changes={"department": department_id},
            )
        if is_department_staff(actor, department_id):
            raise PermissionDeniedError(
                "not_department_head", _("只有该部门的科室负责人可以答复督办")
            )
        raise card_not_found()
    note = clean_text(
        note, field="note", code="answer_required", label=_("答复意见"), required=True
    )
    with transaction.atomic():
        case = lock_case(row["case_id"])
        locked = Card.objects.select_for_update().get(pk=card.pk)
        if locked.answered_at is not None:
            raise ServiceError(
                "card_answered", _("该督办事项已答复，不能重复答复"), status=409
            )
        locked.answered_at = timezone.now()
        locked.answered_by = actor
        locked.answer = note
        locked.save(update_fields=["answered_at", "answered_by", "answer"])
        audit_record(
            actor=actor,
            action="workflow.card_answered",
            obj=case,
            changes={"card": locked.pk, "task": locked.task_id},
        )
    return locked
