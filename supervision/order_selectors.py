"""Reads of supervision orders, narrowed to what the user may see.

A supervisor sees the orders to departments in their scope (a county
supervisor: their county's); a department head their department's; anyone
else none (404 on a detail page).
"""

from __future__ import annotations

from django.db.models import QuerySet

from . import constants as c
from .models import SupervisionOrder
from .scope import supervisor_scope
from .services.people import head_department_id

LIST_RELATED = ("department", "application", "issued_by", "answered_by")


def orders_for(user, *, state: str = "") -> QuerySet[SupervisionOrder]:
    qs = SupervisionOrder.objects.select_related(*LIST_RELATED).order_by(
        "state", "due_on", "-pk"
    )
    if state:
        qs = qs.filter(state=state)
    scope = supervisor_scope(user)
    if scope is not None:
        return qs.filter(scope.region_q("department__region"))
    department_id = head_department_id(user)
    if department_id is None:
        return qs.none()
    return qs.filter(department_id=department_id)


def order_inbox_for(user) -> QuerySet[SupervisionOrder]:
    """A head's orders: open ones first (nearest deadline), then the rest."""
    department_id = head_department_id(user)
    if department_id is None:
        return SupervisionOrder.objects.none()
    return (
        SupervisionOrder.objects.filter(department_id=department_id)
        .select_related(*LIST_RELATED)
        .order_by("state", "due_on", "-pk")
    )


def open_order_count_for_head(user) -> int:
    department_id = head_department_id(user)
    if department_id is None:
        return 0
    return SupervisionOrder.objects.filter(
        department_id=department_id, state=c.OrderState.OPEN
    ).count()
