"""What every workflow page shares: who works the desks, the 404 rule, marks.

An object a user may not see answers 404 (never 403), whoever asks: a
reviewer or head of another department, a citizen, a clerk of another hall
all get the same answer as for an id that does not exist. Only the two list
pages (the inbox and the head's desk), which name no object, answer 403 to a
user without the desk's role.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.visibility import staff_department_id
from portal.errors import NotFoundError, ServiceError
from portal.roles import Role, user_has_role

from .. import constants as c
from ..models import Task
from ..selectors import task_visible_to
from ..services.common import task_access_or_audit

DESK_ROLES = (Role.REVIEWER, Role.DEPARTMENT_HEAD)


def require_desk(request, *roles) -> int:
    """The user's department id; 403 without the desk's role or a department."""
    roles = roles or DESK_ROLES
    department_id = staff_department_id(request.user)
    if not user_has_role(request.user, *roles) or department_id is None:
        raise PermissionDenied(_("只有部门审核人员和科室负责人可以使用此工作台"))
    return department_id


def not_found(exc: NotFoundError | None = None) -> Http404:
    return Http404(exc.detail if exc else _("未找到，或您无权查看"))


def task_for(request, pk: int, *, action: str = "") -> Task:
    """A task the user may see (workflow.selectors.task_visible_to), else 404.

    With ``action`` (a form posted to change the task), a refusal is audited
    first through the services' own check (services.common.task_access_or_audit:
    a try on another department's task is a security matter).
    """
    task = (
        task_visible_to(request.user)
        .select_related(
            "case__application__version__item",
            "case__application__implementation__department",
            "case__application__hall",
            "case__application__applicant__applicant",
            "case__application__enterprise",
            "case__current_stage",
            "stage",
            "department",
            "assignee",
        )
        .filter(pk=pk)
        .first()
    )
    if task is None:
        if action:
            try:
                task_access_or_audit(pk, request.user, action=action)
            except NotFoundError as exc:
                raise not_found(exc) from exc
        raise not_found()
    return task


def mark_of(task: Task, today: dt.date | None = None) -> str:
    """The task's mark: the selectors' annotation (with_marks) when the task
    came through one, else the same rule over its stored dates."""
    annotated = getattr(task, "mark", None)
    if annotated is not None:
        return annotated
    if task.state != c.TaskState.OPEN or task.due_on is None:
        return c.Mark.NONE
    today = today or timezone.localdate()
    if task.due_on < today:
        return c.Mark.RED
    if task.warn_on is not None and task.warn_on <= today:
        return c.Mark.YELLOW
    return c.Mark.NONE


def department_colleagues(department_id: int):
    """The active reviewers and heads of a department: the reassign form's choices.

    (The service checks the choice again: services.tasks.task_reassign.)
    """
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_profile__department_id=department_id,
            groups__name__in=[Role.REVIEWER, Role.DEPARTMENT_HEAD],
        )
        .distinct()
        .order_by("display_name", "username")
    )


def error_text(exc: ServiceError) -> str:
    return " ".join(
        [exc.detail] + [e.detail for e in exc.errors if e.detail != exc.detail]
    )
