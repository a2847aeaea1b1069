"""Supervision's visibility rule (registered with applications.hooks).

A supervisor sees the submitted applications of the part of the prefecture
they oversee (supervision.scope): those implemented there, or with a task of
one of its departments (a county department's step in a prefecture item).
Drafts stay their applicant's. So a card board's or an order's application
number opens its timeline (workflow's staff timeline gives a supervisor the
staff view). One correlated EXISTS over the task's department index.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from applications.constants import ApplicationStatus
from workflow.models import Task

from .scope import SupervisorScope, supervisor_scope


def supervisor_application_q(scope: SupervisorScope) -> Q:
    """Applications ``scope`` oversees (drafts excluded)."""
    submitted = ~Q(status=ApplicationStatus.DRAFT)
    if scope.whole_prefecture:
        return submitted
    return submitted & (
        scope.region_q("implementation__region")
        | Q(
            Exists(
                Task.objects.filter(
                    case__application_id=OuterRef("pk"),
                    department__region__code__startswith=scope.prefix,
                )
            )
        )
    )


def supervisor_visibility_rule(user) -> Q | None:
    scope = supervisor_scope(user)
    if scope is None:
        return None
    return supervisor_application_q(scope)
