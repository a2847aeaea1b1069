"""The hall's side of a reviewer's supplement request (补正 through the hall).

A reviewer asks for a supplement (services.supplements.task_request_supplement:
the case's clocks stop); the hall's clerks see the open requests of their
hall here (workflow.selectors.supplements_for_hall, one indexed query) and
record the supplement once the applicant has brought it
(case_supplement_received: the clocks resume). A request of another hall is
404, like every object the user may not see.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.errors import NotFoundError, ServiceError
from portal.responses import render_page
from portal.roles import Role, user_has_role

from ..selectors import supplements_for_hall
from ..services.supplements import case_supplement_received
from .common import error_text, not_found


def _require_clerk(request) -> None:
    if not user_has_role(request.user, Role.CLERK):
        raise PermissionDenied(_("只有受理大厅的窗口人员可以使用此页面"))


@login_required
def supplements(request):
    _require_clerk(request)
    return render_page(
        request,
        "workflow/hall_supplements.html",
        {"requests": list(supplements_for_hall(request.user))},
    )


@login_required
@require_POST
def supplement_received(request, pk: int):
    # No role check first: whoever may not act on it gets 404 (the selector
    # is empty for anyone but a clerk of the application's hall).
    supplement = supplements_for_hall(request.user).filter(pk=pk).first()
    if supplement is None:
        raise not_found()
    try:
        case_supplement_received(
            case=supplement.case,
            clerk=request.user,
            note=request.POST.get("note", "")[:500],
        )
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已登记补正材料，审批恢复计时"))
    return redirect("workflow:hall_supplements")
