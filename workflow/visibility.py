"""Workflow's visibility rule (registered with applications.hooks).

A reviewer or head sees an application while their department has or had a
task on it; an invited consultant sees the application of their case. Both
are correlated EXISTS subqueries over indexed columns (the task's
(department, ...) index and the guardian table's (user, ...) index), so an
OR-ed list stays one query and repeats no row.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from applications.visibility import staff_department_id
from portal.roles import Role, user_is_staff, user_roles

from .models import CaseUserObjectPermission, Task


def workflow_visibility_rule(user) -> Q | None:
    roles = user_roles(user)  # cached on the user; user_is_staff then reads it
    if not roles or not user_is_staff(user):
        return None
    q = Q(
        Exists(
            CaseUserObjectPermission.objects.filter(
                user_id=user.pk,
                permission__codename="consult_case",
                content_object__application_id=OuterRef("pk"),
            )
        )
    )
    if {Role.REVIEWER, Role.DEPARTMENT_HEAD} & roles:
        department_id = staff_department_id(user)
        if department_id is not None:
            q |= Q(
                Exists(
                    Task.objects.filter(
                        department_id=department_id,
                        case__application_id=OuterRef("pk"),
                    )
                )
            )
    return q
