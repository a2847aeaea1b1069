"""Certificates on applications' pages: consent withdrawal, "who read my data", staff reads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evidence.codes import normalise_identifier
from evidence.selectors import data_rows_of
from evidence.selectors import verify as evidence_verify
from portal.errors import ServiceError
from portal.roles import STAFF_ROLES, user_has_role

from ..certificates import access_log_for_user, staff_certificate_read
from ..services.materials import application_withdraw_certificate_consent
from .common import get_visible


@login_required
@require_POST
def certificate_consent_withdraw(request, pk: int, material_id: int):
    application = get_visible(request.user, pk)
    try:
        application_withdraw_certificate_consent(
            application=application, user=request.user, material=material_id
        )
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request, _("已撤回调取同意。请重新同意引用该证照，或改为上传材料。")
        )
    return redirect("applications:apply_materials", pk=pk)


@login_required
def access_log(request):
    """谁查看了我的数据: staff reads of my certificates and of the files I uploaded."""
    page = Paginator(access_log_for_user(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "evidence/access_log.html", {"page": page})


@login_required
def staff_certificate(request, identifier: str):
    """A staff member opens a certificate (from an application, or by a sharing rule).

    Refused or unknown: 404, and the refusal is in the holder's access log.
    """
    if not user_has_role(request.user, *STAFF_ROLES):
        raise Http404
    cert = staff_certificate_read(
        user=request.user,
        identifier=normalise_identifier(identifier),
        application_pk=request.GET.get("application"),
    )
    if cert is None:
        raise Http404
    return render(
        request,
        "evidence/staff_certificate.html",
        {
            "cert": cert,
            "rows": data_rows_of(cert),
            "verification": evidence_verify(cert.identifier),
        },
    )
