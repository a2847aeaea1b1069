"""Reads, already narrowed to what the user may see.

Supervisors see the rectifications, complaints and appeals of every department
they oversee (supervision.scope: a county supervisor their county's; one not
yet assigned to a department only the prefecture office); a department head
sees their own department's; anyone else nothing (404 on a detail page).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import Appeal, Complaint, Rating, Rectification
from .scope import supervisor_scope
from .services.people import head_department_id


def _narrow(qs: QuerySet, user, department: str = "department") -> QuerySet:
    scope = supervisor_scope(user)
    if scope is not None:
        return qs.filter(scope.region_q(f"{department}__region"))
    department_id = head_department_id(user)
    if department_id is None:
        return qs.none()
    return qs.filter(**{f"{department}_id": department_id})


def rectifications_for(user) -> QuerySet[Rectification]:
    return _narrow(
        Rectification.objects.select_related(
            "department", "rating", "rating__application", "rating__visit__hall"
        ).order_by("state", "due_on", "pk"),
        user,
    )


def complaints_for(user) -> QuerySet[Complaint]:
    return _narrow(
        Complaint.objects.select_related("department").order_by(
            "state", "due_on", "pk"
        ),
        user,
    )


def appeals_for(user) -> QuerySet[Appeal]:
    qs = Appeal.objects.select_related(
        "rating", "rating__department", "rating__application", "filed_by"
    ).order_by("decided_at", "filed_at", "pk")
    return _narrow(qs, user, department="rating__department")


def get_or_404(qs: QuerySet, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def rating_of_application(application_id: int) -> Rating | None:
    return Rating.objects.filter(application_id=application_id).first()
