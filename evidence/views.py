"""Pages of the e-certificate library: public verification and the citizen's wallet.

Thin: they call selectors and services. A certificate the user does not
hold (theirs or their enterprise's) answers 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from people.codes import CodeError
from portal.responses import render_page

from . import selectors
from .codes import normalise_identifier
from .documents import verification_url
from .throttling import verify_retry_after


@require_GET
def verify(request, identifier: str = ""):
    """Anyone checks an identifier (typed, or from a certificate's QR code)."""
    identifier = normalise_identifier(identifier or request.GET.get("identifier", ""))
    if not identifier:
        return render(request, "evidence/verify.html", {"result": None})
    if not request.resolver_match.kwargs.get("identifier"):
        # A typed identifier goes to its own address (what the QR code holds).
        return redirect("evidence:verify", identifier=identifier)
    retry_after = verify_retry_after(request)
    if retry_after is not None:
        return render_page(
            request,
            "evidence/verify.html",
            {"identifier": identifier, "error": _("核验过于频繁，请稍后再试")},
            retry_after=retry_after,
        )
    try:
        result = selectors.verify(identifier)
    except CodeError as exc:
        return render_page(
            request,
            "evidence/verify.html",
            {"identifier": identifier, "error": exc.message},
            status=400,
        )
    return render_page(
        request,
        "evidence/verify.html",
        {"identifier": identifier, "result": result},
        status=200 if result.exists else 404,
    )


@login_required
def wallet(request):
    """My certificates and my enterprises' (电子证照夹)."""
    certificates = list(selectors.certificates_for_user(user=request.user))
    return render(request, "evidence/wallet.html", {"certificates": certificates})


def _mine(request, identifier: str):
    cert = selectors.certificate_for_user(user=request.user, identifier=identifier)
    if cert is None:
        raise Http404
    return cert


@login_required
def wallet_detail(request, identifier: str):
    cert = _mine(request, identifier)
    return render(
        request,
        "evidence/wallet_detail.html",
        {
            "cert": cert,
            "rows": selectors.data_rows_of(cert),
            "verify_url": verification_url(cert.identifier),
            "verify_path": reverse("evidence:verify", args=[cert.identifier]),
        },
    )


@login_required
def wallet_download(request, identifier: str):
    """The signed PDF, as stored (body and signature trailer)."""
    cert = _mine(request, identifier)
    return FileResponse(
        cert.file.open("rb"),
        as_attachment=True,
        filename=f"{cert.certificate_type.name}-{cert.serial}.pdf",
        content_type="application/pdf",
    )
