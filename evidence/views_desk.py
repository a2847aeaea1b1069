"""The issuing department's desk: what it issued, revocation, its signing keys.

Reviewers and heads of a department see their own department's certificates
(metadata only: type, serial, masked holder, dates, status; the face data is
read through the audited once-only path, not here). A head revokes one with
a reason and renews the department's signing key. A certificate of another
department answers 404 (no oracle); staff without a department or role 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from catalog.models import Department
from portal.errors import NotFoundError, ServiceError
from portal.responses import render_page
from portal.roles import Role, user_has_role

from . import constants as c
from . import selectors
from .codes import normalise_identifier
from .services.issuing import certificate_revoke, issuer_staff_department_id
from .services.keys import department_key_rotate

PAGE_SIZE = 25


def _department_id(request) -> int:
    department_id = issuer_staff_department_id(request.user)
    if department_id is None:
        raise PermissionDenied(_("只有部门审核人员和科室负责人可以使用此工作台"))
    return department_id


def _is_head(request) -> bool:
    return user_has_role(request.user, Role.DEPARTMENT_HEAD)


def _context(request, department_id: int, **extra) -> dict:
    return {
        "department": Department.objects.filter(pk=department_id).first(),
        "is_head": _is_head(request),
        **extra,
    }


@login_required
def desk(request):
    department_id = _department_id(request)
    status = request.GET.get("status", "")
    query = request.GET.get("q", "")
    page = Paginator(
        selectors.issued_by(department_id=department_id, status=status, query=query),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render_page(
        request,
        "evidence/desk.html",
        _context(
            request,
            department_id,
            page=page,
            status=status,
            query=query,
            statuses=c.CertificateStatus.choices,
        ),
    )


def _issued(department_id: int, identifier: str):
    cert = (
        selectors.issued_by(department_id=department_id)
        .select_related("signing_key")
        .filter(identifier=normalise_identifier(identifier))
        .first()
    )
    if cert is None:
        raise Http404(_("未找到该电子证照"))
    return cert


@login_required
def desk_detail(request, identifier: str):
    department_id = _department_id(request)
    cert = _issued(department_id, identifier)
    return render_page(
        request,
        "evidence/desk_detail.html",
        _context(request, department_id, cert=cert),
    )


@login_required
@require_POST
def desk_revoke(request, identifier: str):
    department_id = _department_id(request)
    cert = _issued(department_id, identifier)
    try:
        certificate_revoke(
            identifier=cert.identifier,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except NotFoundError as exc:
        # Not theirs to revoke (a reviewer): the same page, saying who may.
        if not _is_head(request):
            messages.error(request, _("只有科室负责人可以注销证照"))
            return redirect("evidence:desk-detail", identifier=cert.identifier)
        raise Http404(exc.detail) from exc
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("证照已注销，核验时将显示为已注销"))
    return redirect("evidence:desk-detail", identifier=cert.identifier)


@login_required
@require_http_methods(["GET", "POST"])
def desk_keys(request):
    department_id = _department_id(request)
    if request.method == "POST":
        try:
            key = department_key_rotate(actor=request.user)
        except ServiceError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(
                request, _("已启用新的签名密钥 %(key)s") % {"key": key.key_id}
            )
        return redirect("evidence:desk-keys")
    return render_page(
        request,
        "evidence/desk_keys.html",
        _context(
            request, department_id, keys=list(selectors.department_keys(department_id))
        ),
    )
