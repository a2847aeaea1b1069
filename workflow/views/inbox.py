"""The reviewer's inbox: the department's tasks, nearest deadline first.

One indexed query a page (workflow.selectors.inbox_for: department, state,
due date), with the marks computed from the stored dates, so the page keeps
a flat number of queries however many tasks there are. Claim and release
post to workflow.services and come back to the page they were sent from.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Department, ServiceItem
from portal.errors import ServiceError
from portal.responses import render_page
from portal.roles import Role, user_has_role

from .. import constants as c
from ..forms import InboxFilterForm
from ..selectors import inbox_for
from ..services.tasks import task_claim, task_release
from .common import error_text, mark_of, require_desk, task_for

PAGE_SIZE = 25


def _counts(user) -> dict:
    """Open tasks of the inbox and how many carry each mark (one query)."""
    marked = inbox_for(user, {}).order_by()
    return marked.aggregate(
        total=Count("id"),
        yellow=Count("id", filter=Q(mark=c.Mark.YELLOW)),
        red=Count("id", filter=Q(mark=c.Mark.RED)),
    )


@login_required
def inbox(request):
    department_id = require_desk(request)
    form = InboxFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(inbox_for(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [{"task": t, "mark": mark_of(t, today)} for t in page.object_list]
    item = None
    if filters.get("item"):
        item = ServiceItem.objects.filter(pk=filters["item"]).only("name").first()
    return render_page(
        request,
        "workflow/inbox.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "rows": rows,
            "department": Department.objects.filter(pk=department_id).first(),
            "item": item,
            "marks": c.Mark,
            "counts": _counts(request.user),
            "is_head": user_has_role(request.user, Role.DEPARTMENT_HEAD),
        },
    )


def _back(request, task) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("workflow:task", args=[task.pk])


@login_required
@require_POST
def claim(request, pk: int):
    task = task_for(request, pk, action="task_claim")
    try:
        task_claim(task=task, actor=request.user)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已认领，可以开始审查"))
    return redirect(_back(request, task))


@login_required
@require_POST
def release(request, pk: int):
    task = task_for(request, pk, action="task_release")
    try:
        task_release(task=task, actor=request.user)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已退回待认领"))
    return redirect(_back(request, task))
