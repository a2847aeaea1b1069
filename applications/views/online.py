"""HTML pages: public tracking, "my applications", and the online apply flow.

Thin: every page reads through applications.selectors (what the user may see)
and changes state only through applications.services. Service errors
are shown next to the field or material they name, in Chinese.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from catalog import constants as cc
from catalog.models import Implementation
from people.privacy import is_sealed
from people.selectors import enterprises_for_user
from portal.errors import NotFoundError, ServiceError

from .. import constants as c
from .. import hooks
from ..form_privacy import form_id_fields, form_shown
from ..forms import (
    CertificateForm,
    CommitmentForm,
    ToleratedForm,
    TrackForm,
    UploadForm,
    WithdrawForm,
    schema_form_class,
)
from ..models import Application
from ..selectors import (
    application_get_for_user,
    application_list_for_user,
    application_problems,
    application_track,
    material_is_satisfied,
    may_edit,
    may_withdraw,
    uploaded_file_get_for_user,
)
from ..services.drafts import application_save_draft
from ..services.materials import (
    application_provide_material,
    application_remove_file,
    uploaded_file_record_access,
)
from ..services.submission import application_start, application_submit
from ..services.time_limits import latest_promise_date
from ..services.withdrawal import application_withdraw
from ..throttling import track_lookup_retry_after
from ..uploads import (
    display_rendition,
    install_size_limit,
    request_too_large,
    too_large_error,
)

# Shown in the browser (images only; PDFs are downloaded, see file_view).
INLINE_TYPES = {"image/jpeg", "image/png"}


def _get(user, pk) -> Application:
    try:
        return application_get_for_user(user=user, pk=pk)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc


def _enterprises(user):
    return enterprises_for_user(user=user)


# --- public tracking -------------------------------------------------------------------


def track(request):
    """Anyone with the number and query code sees progress, no personal data."""
    result = None
    error = None
    status = 200
    retry_after = None
    form = TrackForm(request.GET or None)
    if request.GET and form.is_valid():
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
    response = render(
        request,
        "applications/track.html",
        {"form": form, "result": result, "error": error},
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


# --- my applications ----------------------------------------------------------------------


@login_required
def my_list(request):
    page = Paginator(application_list_for_user(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "applications/my_list.html", {"page": page})


@login_required
def my_detail(request, pk: int):
    application = _get(request.user, pk)
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
            "events": [
                {"label": h.get_to_status_display(), "at": h.at, "reason": h.reason}
                for h in application.history.all()
            ],
            "can_edit": can_edit,
            "can_withdraw": can_withdraw,
            "withdraw_form": WithdrawForm(),
        },
    )


@login_required
@require_POST
def withdraw(request, pk: int):
    application = _get(request.user, pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        application_withdraw(application=application, user=request.user, reason=reason)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("办件已撤回"))
    return redirect("applications:my_detail", pk=pk)


def form_rows(
    application: Application, *, revealed: dict | None = None
) -> list[tuple[str, object]]:
    """(label, value) of the filled-in form, in schema order; ID numbers masked
    (but those in ``revealed``, opened for this one display).

    Shared by the online pages and the counter and agent desks.
    """
    schema = application.version.form_schema or {}
    props = schema.get("properties", {}) or {}
    shown = {**form_shown(schema, application.form_data), **(revealed or {})}
    rows = []
    for name, prop in props.items():
        if name in shown:
            value = shown[name]
            if isinstance(value, bool):
                value = _("是") if value else _("否")
            label = prop.get("title", name) if isinstance(prop, dict) else name
            rows.append((label, value))
    return rows


def sealed_form_fields(application: Application) -> list[tuple[str, str]]:
    """(field, label) of the form's ID numbers stored sealed (可申请完整显示)."""
    schema = application.version.form_schema or {}
    props = schema.get("properties", {}) or {}
    return [
        (name, props[name].get("title", name))
        for name in form_id_fields(schema)
        if is_sealed((application.form_data or {}).get(name))
    ]


# --- apply online: form, materials, review, receipt ------------------------------------------


def _implementation(code: str) -> Implementation:
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


def _editable(request, pk: int) -> Application:
    application = _get(request.user, pk)
    if not may_edit(user=request.user, application=application):
        raise Http404(_("未找到该办件，或您无权修改"))
    return application


@login_required
def apply_start(request, code: str):
    """Step 1 for a new application: the form; posting it creates the draft."""
    impl = _implementation(code)
    version = impl.item.current_version
    form_class = schema_form_class(version.form_schema)
    enterprises = list(_enterprises(request.user))
    serves_legal = cc.ServedParty.LEGAL in (version.served_parties or [])
    form = form_class(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        enterprise = None
        ent_id = request.POST.get("enterprise") or ""
        if ent_id:
            enterprise = next((e for e in enterprises if str(e.pk) == ent_id), None)
            if enterprise is None:
                form.add_error(None, _("请选择您可代表的企业"))
        if form.is_valid():
            token = request.POST.get("token") or ""
            try:
                application, replayed = application_start(
                    user=request.user,
                    implementation=impl,
                    channel=c.IntakeChannel.ONLINE,
                    enterprise=enterprise,
                    form_data=form.to_form_data(),
                    idempotency_key=token or None,
                    fingerprint=f"apply:{impl.pk}",
                )
                if replayed and application.status in c.EDITABLE:
                    application_save_draft(
                        application=application,
                        user=request.user,
                        form_data=form.to_form_data(),
                    )
            except ServiceError as exc:
                error = exc.detail
            else:
                return _after_form_step(request, application, form)
    drafts = application_list_for_user(user=request.user).filter(
        implementation=impl, status=c.ApplicationStatus.DRAFT, applicant=request.user
    )[:5]
    return render(
        request,
        "applications/apply_form.html",
        {
            "implementation": impl,
            "version": version,
            "form": form,
            "error": error,
            "token": uuid.uuid4().hex,
            "enterprises": enterprises if serves_legal else [],
            "drafts": drafts,
            "step": 1,
        },
        status=400 if error else 200,
    )


def _after_form_step(request, application: Application, form):
    """ "Save" stays on the form; "next" checks the schema first."""
    if request.POST.get("action") == "save":
        messages.success(request, _("草稿已保存，可随时回来继续填写"))
        return redirect("applications:apply_form", pk=application.pk)
    problems = [
        p
        for p in application_problems(application=application)
        if p.code == "form_invalid"
    ]
    if problems:
        messages.warning(request, _("草稿已保存。请按提示修改申请表后继续"))
        return redirect(
            reverse("applications:apply_form", kwargs={"pk": application.pk})
            + "?check=1"
        )
    return redirect("applications:apply_materials", pk=application.pk)


def draft_form_step(request, application: Application):
    """The form step for a saved draft, shared by the online flow and the desks.

    POST saves through the service and returns (form, saved application, None)
    or (form, None, error); GET shows the saved data, re-checked against the
    schema with ``?check=1``. Returns (form, None, None) then.
    """
    form_class = schema_form_class(application.version.form_schema)
    if request.method == "POST":
        form = form_class(request.POST, form_data=application.form_data)
        if not form.is_valid():
            return form, None, None
        try:
            saved = application_save_draft(
                application=application,
                user=request.user,
                form_data=form.to_form_data(),
            )
        except ServiceError as exc:
            return form, None, exc.detail
        return form, saved, None
    if not request.GET.get("check"):
        return form_class(form_data=application.form_data), None, None
    form = form_class(
        data=as_post(form_class, application.form_data),
        form_data=application.form_data,
    )
    if form.is_valid():
        form.add_schema_errors(
            [
                p
                for p in application_problems(application=application)
                if p.code == "form_invalid"
            ]
        )
    return form, None, None


@login_required
def apply_form(request, pk: int):
    """Step 1 again, for a saved draft (resume)."""
    application = _editable(request, pk)
    version = application.version
    form, saved, error = draft_form_step(request, application)
    if saved is not None:
        return _after_form_step(request, saved, form)
    return render(
        request,
        "applications/apply_form.html",
        {
            "implementation": application.implementation,
            "version": version,
            "application": application,
            "form": form,
            "error": error,
            "step": 1,
        },
        status=400 if error else 200,
    )


def as_post(form_class, form_data: dict) -> dict:
    """Saved form data as a POST-like dict, to show errors against it."""
    data = {}
    for name, value in form_class.initial_from(form_data).items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    return data


def material_cards(request, application: Application, bound: dict | None = None):
    """Per material: its row, state and the forms the user may use.

    Shared by the online apply flow and the counter/agent desks (which add
    their own URLs to each card).
    """
    bound = bound or {}
    cards = []
    for am in application.materials.all():
        m = am.material
        offers = []
        if m.certificate_type_id:
            offers = hooks.find_certificates(
                user=request.user,
                certificate_type=m.certificate_type,
                application=application,
            )
        forms_ = bound.get(m.pk, {})
        prefix = f"m{m.pk}"
        commitment_form = None
        if m.necessity == cc.MaterialNecessity.COMMITMENT:
            commitment_form = CommitmentForm(
                prefix=prefix,
                initial={
                    "promise_text": _(
                        "本人承诺已具备“%(name)s”所证明的条件，所提供信息真实有效；"
                        "如承诺不实，愿承担相应法律责任。"
                    )
                    % {"name": m.name}
                },
            )
        tolerated_form = None
        if m.necessity == cc.MaterialNecessity.TOLERATED:
            tolerated_form = ToleratedForm(
                prefix=prefix, latest=latest_promise_date(application.version)
            )
        certificate_form = (
            CertificateForm(prefix=prefix, offers=offers) if offers else None
        )
        cards.append(
            {
                "row": am,
                "material": m,
                "satisfied": material_is_satisfied(am),
                "needed": m.necessity != cc.MaterialNecessity.OPTIONAL,
                "upload_form": forms_.get("upload") or UploadForm(prefix=prefix),
                "tolerated_form": forms_.get("tolerated") or tolerated_form,
                "commitment_form": forms_.get("commitment") or commitment_form,
                "certificate_form": forms_.get("certificate") or certificate_form,
                "errors": forms_.get("errors", []),
            }
        )
    return cards


@login_required
def apply_materials(request, pk: int):
    """Step 2: every material, uploaded or provided another allowed way."""
    application = _editable(request, pk)
    return _render_materials(request, application)


def _render_materials(request, application, bound=None, status=200):
    cards = material_cards(request, application, bound)
    return render(
        request,
        "applications/apply_materials.html",
        {
            "application": application,
            "cards": cards,
            "missing": sum(
                1 for card in cards if card["needed"] and not card["satisfied"]
            ),
            "step": 2,
        },
        status=status,
    )


@csrf_exempt
@login_required
def provide_material(request, pk: int, material_id: int):
    """POST one material. The size limit goes in before the body is parsed.

    CSRF is checked by the inner view, after the upload handler is in place
    (the check itself parses the body); a body declared too large is refused
    before anything is read, which changes nothing and needs no CSRF check.
    """
    if request.method != "POST":
        return redirect("applications:apply_materials", pk=pk)
    if request_too_large(request):
        application = _editable(request, pk)
        errors = {"errors": [too_large_error().detail]}
        return _render_materials(
            request, application, {material_id: errors}, status=413
        )
    install_size_limit(request)
    return _provide_material(request, pk, material_id)


@csrf_protect
def _provide_material(request, pk: int, material_id: int):
    application = _editable(request, pk)
    post = request.POST  # parsed here at the latest, through the size limit
    if getattr(request, "upload_too_large", False):
        errors = {"errors": [too_large_error().detail]}
        return _render_materials(
            request, application, {material_id: errors}, status=413
        )
    provision = post.get("provision", c.Provision.UPLOAD)
    prefix = f"m{material_id}"
    bound: dict = {}
    kwargs = {}
    form = None
    if provision == c.Provision.UPLOAD:
        form = UploadForm(request.POST, request.FILES, prefix=prefix)
        bound["upload"] = form
        if form.is_valid():
            kwargs = {"file": form.cleaned_data["file"]}
    elif provision == c.Provision.TOLERATED:
        form = ToleratedForm(request.POST, prefix=prefix)
        bound["tolerated"] = form
        if form.is_valid():
            kwargs = dict(form.cleaned_data)
    elif provision == c.Provision.COMMITMENT:
        form = CommitmentForm(request.POST, prefix=prefix)
        bound["commitment"] = form
        if form.is_valid():
            kwargs = {"promise_text": form.cleaned_data["promise_text"]}
    elif provision == c.Provision.CERTIFICATE:
        # Choices are checked by the service against what the library offers.
        kwargs = {"certificate_ref": request.POST.get(f"{prefix}-certificate_ref", "")}
    else:
        bound["errors"] = [_("材料提供方式无效")]
    if form is not None and not form.is_valid():
        return _render_materials(request, application, {material_id: bound}, status=400)
    if not bound.get("errors"):
        try:
            application_provide_material(
                application=application,
                user=request.user,
                material=material_id,
                provision=provision,
                **kwargs,
            )
        except ServiceError as exc:
            if form is not None and exc.field in form.fields:
                form.add_error(exc.field, exc.detail)
            else:
                bound["errors"] = [exc.detail] + [
                    e.detail for e in exc.errors if e.detail != exc.detail
                ]
            return _render_materials(
                request, application, {material_id: bound}, status=exc.status
            )
        messages.success(request, _("材料已保存"))
        return redirect(
            reverse("applications:apply_materials", kwargs={"pk": pk})
            + f"#m-{material_id}"
        )
    return _render_materials(request, application, {material_id: bound}, status=400)


@login_required
@require_POST
def remove_file(request, pk: int, file_id: int):
    application = _editable(request, pk)
    try:
        upload = uploaded_file_get_for_user(user=request.user, pk=file_id)
        application_remove_file(
            application=application, user=request.user, uploaded_file=upload
        )
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("文件已删除"))
    return redirect("applications:apply_materials", pk=pk)


@login_required
def review(request, pk: int):
    """Step 3: everything at a glance, then submit (a double click is one submit)."""
    application = _get(request.user, pk)
    if application.status not in c.EDITABLE or not may_edit(
        user=request.user, application=application
    ):
        if request.method == "POST" and application.number:
            # The second click of a double click: show the same receipt.
            return redirect("applications:receipt", pk=pk)
        return redirect("applications:my_detail", pk=pk)
    error = None
    errors = []
    status = 200
    if request.method == "POST":
        try:
            application_submit(
                application=application,
                user=request.user,
                idempotency_key=request.POST.get("token") or None,
            )
        except ServiceError as exc:
            error = exc.detail
            errors = [e.detail for e in exc.errors if e.detail != exc.detail]
            status = exc.status
            if exc.code == "already_submitted":
                return redirect("applications:receipt", pk=pk)
        else:
            return redirect("applications:receipt", pk=pk)
    problems = application_problems(application=application)
    return render(
        request,
        "applications/apply_review.html",
        {
            "application": application,
            "form_rows": form_rows(application),
            "problems": problems,
            "error": error,
            "errors": errors,
            "token": uuid.uuid4().hex,
            "step": 3,
        },
        status=status,
    )


@login_required
def receipt(request, pk: int):
    application = _get(request.user, pk)
    if not application.number:
        return redirect("applications:review", pk=pk)
    return render(request, "applications/receipt.html", {"application": application})


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
