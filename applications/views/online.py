"""HTML pages: public tracking, "my applications", and the online apply flow.

Thin: every page reads through applications.selectors (what the user may see)
and changes state only through applications.services. The apply steps are
the intake desk's (views.desk.Desk), as the online desk: the signed-in user
applies for themself or an enterprise they represent. Service errors are
shown next to the field or material they name, in Chinese.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from catalog import constants as cc
from catalog.models import Implementation
from people.selectors import enterprises_for_user
from portal.errors import NotFoundError, ServiceError
from portal.responses import render_page

from .. import constants as c
from ..documents import in_person
from ..forms import TrackForm, WithdrawForm
from ..selectors import (
    application_list_for_user,
    application_track,
    deemed_acceptance,
    issued_certificates,
    may_edit,
    may_withdraw,
    uploaded_file_get_for_user,
)
from ..services.materials import uploaded_file_record_access
from ..services.withdrawal import application_withdraw
from ..throttling import track_lookup_retry_after
from ..uploads import display_rendition
from .common import form_rows, get_visible, timeline
from .desk import Desk

# Shown in the browser (images only; PDFs are downloaded, see file_view).
INLINE_TYPES = {"image/jpeg", "image/png"}


def _enterprises(user):
    return enterprises_for_user(user=user)


# --- public tracking -------------------------------------------------------------------


def track(request):
    """Anyone with the number and query code sees progress, no personal data.

    The form POSTs, so the code stays out of URLs (access logs, history,
    Referer); a GET with both (the receipt's QR code) still works, and its
    code is redacted from every log line (portal/logging.py).
    """
    result = None
    error = None
    status = 200
    retry_after = None
    data = request.POST if request.method == "POST" else request.GET
    form = TrackForm(data or None)
    if data and form.is_valid():
        retry_after = track_lookup_retry_after(request)
        if retry_after is not None:
            error = _("查询过于频繁，请稍后再试")
            status = 429
        else:
            try:
                result = application_track(
                    number=form.cleaned_data["number"],
                    query_code=form.cleaned_data["query_code"],
                )
            except ServiceError as exc:
                error = exc.detail
                status = exc.status
    return render_page(
        request,
        "applications/track.html",
        {"form": form, "result": result, "error": error},
        status=status,
        retry_after=retry_after,
    )


# --- my applications ----------------------------------------------------------------------


@login_required
def my_list(request):
    page = Paginator(application_list_for_user(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "applications/my_list.html", {"page": page})


@login_required
def my_detail(request, pk: int):
    application = get_visible(request.user, pk)
    can_edit = application.status in c.EDITABLE and may_edit(
        user=request.user, application=application
    )
    can_withdraw = application.status in c.WITHDRAWABLE and may_withdraw(
        user=request.user, application=application
    )
    return render(
        request,
        "applications/my_detail.html",
        {
            "application": application,
            "form_rows": form_rows(application),
            "events": timeline(application),
            "certificates": issued_certificates(application),
            "deemed": deemed_acceptance(application),
            "in_person": in_person(application),
            "can_edit": can_edit,
            "can_withdraw": can_withdraw,
            "withdraw_form": WithdrawForm(),
        },
    )


@login_required
@require_POST
def withdraw(request, pk: int):
    application = get_visible(request.user, pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        application_withdraw(application=application, user=request.user, reason=reason)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("办件已撤回"))
    return redirect("applications:my_detail", pk=pk)


# --- apply online: the desk's steps, then the receipt ------------------------------------------


class OnlineDesk(Desk):
    """The signed-in citizen applies for themself or an enterprise they represent."""

    key = "online"
    channel = c.IntakeChannel.ONLINE
    title = gettext_lazy("在线申请")
    home_label = gettext_lazy("我的办件")
    home_url_name = "applications:my_list"
    on_behalf = False
    saved_message = gettext_lazy("草稿已保存，可随时回来继续填写")
    url_names = {
        "start": "apply",
        "form": "apply_form",
        "materials": "apply_materials",
        "provide": "provide_material",
        "remove_file": "remove_file",
        "review": "review",
    }

    def require(self, request):
        """Any signed-in user (the views are login_required); what they may
        see and change is decided per application (visibility, may_edit)."""
        return None

    def applicant(self, request):
        return request.user

    def implementation(self, request, place, code):
        """Any active implementation of a published item."""
        impl = (
            Implementation.objects.select_related(
                "item__current_version", "department", "region", "hall"
            )
            .filter(code=code.strip().upper(), is_active=True)
            .first()
        )
        version = impl.item.current_version if impl else None
        if version is None or version.status != cc.VersionStatus.PUBLISHED:
            raise Http404(_("该事项当前不可在线申请"))
        return impl

    def owns(self, request, application):
        return True  # whoever may see it; may_edit decides the rest

    def editable(self, request, pk):
        """Not the user's to edit is not found, whatever its status."""
        application = self.application(request, pk)
        if not may_edit(user=request.user, application=application):
            raise Http404(_("未找到该办件，或您无权修改"))
        return application, None

    def start_arguments(self, request, form, applicant):
        """The applicant applies as themself, or for an enterprise they represent."""
        ent_id = request.POST.get("enterprise") or ""
        if not ent_id:
            return {}
        enterprise = next(
            (e for e in _enterprises(request.user) if str(e.pk) == ent_id), None
        )
        if enterprise is None:
            form.add_error(None, _("请选择您可代表的企业"))
        return {"enterprise": enterprise}

    def fingerprint(self, implementation, applicant):
        return f"apply:{implementation.pk}"

    def new_form_context(self, request, implementation):
        version = implementation.item.current_version
        serves_legal = cc.ServedParty.LEGAL in (version.served_parties or [])
        drafts = application_list_for_user(user=request.user).filter(
            implementation=implementation,
            status=c.ApplicationStatus.DRAFT,
            applicant=request.user,
        )[:5]
        return {
            "enterprises": list(_enterprises(request.user)) if serves_legal else [],
            "drafts": drafts,
        }

    def after_submit_url(self, application):
        return reverse("applications:receipt", args=[application.pk])

    def detail_url(self, application):
        return reverse("applications:my_detail", args=[application.pk])

    def submit_refused(self, request, application):
        if request.method == "POST" and application.number:
            # The second click of a double click: show the same receipt.
            return redirect(self.after_submit_url(application))
        return redirect(self.detail_url(application))


ONLINE = OnlineDesk()


@login_required
def apply_start(request, code: str):
    """Step 1 for a new application: the form; posting it creates the draft."""
    return ONLINE.step_start(request, code)


@login_required
def apply_form(request, pk: int):
    """Step 1 again, for a saved draft (resume)."""
    return ONLINE.step_form(request, pk)


@login_required
def apply_materials(request, pk: int):
    """Step 2: every material, uploaded or provided another allowed way."""
    return ONLINE.step_materials(request, pk)


@csrf_exempt  # checked inside, once the upload size limit is in place
@login_required
def provide_material(request, pk: int, material_id: int):
    return ONLINE.step_provide(request, pk, material_id)


@login_required
@require_POST
def remove_file(request, pk: int, file_id: int):
    return ONLINE.step_remove_file(request, pk, file_id)


@login_required
def review(request, pk: int):
    """Step 3: everything at a glance, then submit (a double click is one submit)."""
    return ONLINE.step_review(request, pk)


@login_required
def receipt(request, pk: int):
    application = get_visible(request.user, pk)
    if not application.number:
        return redirect("applications:review", pk=pk)
    return render(
        request,
        "applications/receipt.html",
        {"application": application, "in_person": in_person(application)},
    )


# --- files ----------------------------------------------------------------------------------


@login_required
def file_view(request, pk: int):
    """Uploads only through here: visible application, safe headers, logged.

    Images larger than UPLOAD_DISPLAY_MAX_SIDE are shown as a bounded copy
    (applications.uploads.display_rendition); ``?original=1`` downloads the
    file as uploaded. PDFs are always downloaded, never shown inline: the
    browser's viewer would run them in the portal's origin, and Chrome's
    viewer does not run in a sandboxed document. Every response carries
    ``Content-Security-Policy: sandbox``, so nothing served here runs script.
    """
    try:
        upload = uploaded_file_get_for_user(user=request.user, pk=pk)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc
    try:
        handle = upload.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("文件已不存在")) from exc
    uploaded_file_record_access(user=request.user, uploaded_file=upload)
    original = request.GET.get("original") == "1"
    rendition = None
    if not original and upload.content_type in INLINE_TYPES:
        try:
            rendition = display_rendition(handle, upload.content_type)
        finally:
            handle.seek(0)
    if rendition is not None:
        handle.close()
        response = HttpResponse(rendition, content_type=upload.content_type)
        response["Content-Disposition"] = content_disposition_header(
            False, upload.original_name
        )
    else:
        response = FileResponse(
            handle,
            content_type=upload.content_type,
            as_attachment=original or upload.content_type not in INLINE_TYPES,
            filename=upload.original_name,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response
