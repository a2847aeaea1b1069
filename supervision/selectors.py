"""Reads, already narrowed to what the user may see.

Supervisors see every department's rectifications, complaints and appeals; a
department head sees their own department's; anyone else nothing (404 on a
detail page).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import Appeal, Complaint, Rating, Rectification
from .services.people import head_department_id, is_supervisor


def _narrow(qs: QuerySet, user) -> QuerySet:
    if is_supervisor(user):
        return qs
    department_id = head_department_id(user)
    if department_id is None:
        return qs.none()
    return qs.filter(department_id=department_id)


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
    if is_supervisor(user):
        return qs
    department_id = head_department_id(user)
    if department_id is None:
        return qs.none()
    return qs.filter(rating__department_id=department_id)


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
