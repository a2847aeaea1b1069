"""The hall clerk's desk: acceptance queue and review, counter intake, documents.

Thin like every view here: reads go through applications.selectors (and
selectors_intake, which narrows those further), every change through
applications.services. A user who is not a clerk gets 403 on the desk pages;
an application outside the clerk's own hall answers 404, as does a document
the application does not have in its current status.

The assisted intake steps (choose an item, fill in the form, provide the
materials, submit) are shared with the agent's desk (views_agent) through
:class:`Desk`; each desk says who may use it, which items it offers, which
channel it applies through and where a submitted application goes next.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from catalog.models import Implementation
from people.privacy import mask_name, mask_phone
from people.services.applicants import (
    applicant_find_by_id_number,
    applicant_register_at_counter,
)
from portal.errors import NotFoundError, ServiceError
from portal.models import User
from portal.workdays import add_working_days

from .. import constants as c
from .. import documents
from ..forms import (
    CommitmentForm,
    ToleratedForm,
    UploadForm,
    schema_form_class,
)
from ..forms_counter import (
    ApplicantLookupForm,
    ItemSearchForm,
    RefuseForm,
    SupplementNoticeForm,
    WalkInForm,
)
from ..forms_people import apply_service_error
from ..models import Application
from ..selectors import (
    application_get_for_user,
    application_problems,
    is_hall_clerk,
    material_is_satisfied,
    may_edit,
    uploaded_file_get_for_user,
)
from ..selectors_intake import (
    SEARCH_LIMIT,
    acceptance_queue_for_clerk,
    clerk_hall,
    counter_drafts_for_clerk,
    implementations_for_hall,
)
from ..selectors_people import authorization_in_force
from ..services.acceptance import (
    application_accept,
    application_refuse,
    application_request_supplement,
)
from ..services.drafts import application_save_draft
from ..services.form_ids import application_reveal_form_id_number
from ..services.materials import application_provide_material, application_remove_file
from ..services.submission import application_start, application_submit
from ..uploads import install_size_limit, request_too_large, too_large_error
from .online import draft_form_step, form_rows, material_cards, sealed_form_fields

S = c.ApplicationStatus


# --- small shared helpers ----------------------------------------------------------------


def due_state(due, today=None) -> str:
    """'overdue' past the acceptance due date, 'soon' on it or the working day
    before, '' otherwise (and when there is no date)."""
    if due is None:
        return ""
    today = today or timezone.localdate()
    if due < today:
        return "overdue"
    next_working_day, _provisional = add_working_days(today, 1)
    if due <= next_working_day:
        return "soon"
    return ""


def person_name(user) -> str:
    profile = getattr(user, "applicant", None)
    return profile.full_name if profile else (user.display_name or user.username)


def _get_visible(user, pk) -> Application:
    try:
        return application_get_for_user(user=user, pk=pk)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc


def _service_errors(exc: ServiceError) -> list[str]:
    return [exc.detail] + [e.detail for e in exc.errors if e.detail != exc.detail]


# --- the desks --------------------------------------------------------------------------


class Desk:
    """One assisted intake desk; subclasses fill in the differences."""

    key = ""
    channel = ""
    title = ""
    home_url_name = ""
    submitted_message = ""

    def require(self, request):
        """Raise PermissionDenied unless the user works this desk; return context."""
        raise NotImplementedError

    def implementations(self, request, place, query: str):
        raise NotImplementedError

    def owns(self, request, application: Application) -> bool:
        """Whether this desk's user handles this application (else 404)."""
        raise NotImplementedError

    def after_submit_url(self, application: Application) -> str:
        raise NotImplementedError

    def detail_url(self, application: Application) -> str:
        return self.after_submit_url(application)

    def start_context(self, request, applicant, implementation) -> dict | None:
        """Extra start arguments, or None when the start is refused."""
        return {}

    def refused_response(self, request, applicant, implementation):
        raise Http404

    def can_continue(self, request, application: Application) -> bool:
        """Whether the desk's user may still change this application."""
        return True

    def items_context(self, request, applicant, implementations) -> dict:
        """Extra context of the item list (the agent marks authorised items)."""
        return {}

    # URLs ------------------------------------------------------------------------
    def url(self, name: str, *args) -> str:
        return reverse(f"applications:{self.key}_{name}", args=args)

    @property
    def session_key(self) -> str:
        return f"{self.key}_intake_applicant"

    def remember(self, request, user) -> None:
        request.session[self.session_key] = user.pk

    def applicant(self, request):
        pk = request.session.get(self.session_key)
        if not pk:
            return None
        return (
            User.objects.select_related("applicant")
            .filter(pk=pk, applicant__isnull=False)
            .first()
        )

    def urls(self, application: Application | None = None) -> dict[str, str]:
        urls = {"home": reverse(self.home_url_name), "items": self.url("items")}
        if application is not None and application.pk:
            pk = application.pk
            urls.update(
                form=self.url("form", pk),
                materials=self.url("materials", pk),
                review=self.url("submit", pk),
                detail=self.detail_url(application),
            )
        return urls


class CounterDesk(Desk):
    key = "counter"
    channel = c.IntakeChannel.COUNTER
    title = gettext_lazy("一窗受理")
    home_url_name = "applications:counter_queue"
    submitted_message = gettext_lazy(
        "已代申请人提交。请当场审查，作出受理、一次性告知或不予受理决定。"
    )

    def require(self, request):
        hall = clerk_hall(user=request.user)
        if hall is None:
            raise PermissionDenied(_("只有在大厅工作的综合窗口人员可以使用受理工作台"))
        return hall

    def implementations(self, request, place, query):
        return implementations_for_hall(hall=place, query=query)

    def owns(self, request, application):
        return application.channel == c.IntakeChannel.COUNTER and is_hall_clerk(
            request.user, application.hall_id
        )

    def after_submit_url(self, application):
        return reverse("applications:counter_review", args=[application.pk])

    def start_context(self, request, applicant, implementation):
        return {"hall": clerk_hall(user=request.user)}


COUNTER = CounterDesk()


def desk_application(request, desk: Desk, pk) -> Application:
    application = _get_visible(request.user, pk)
    if not desk.owns(request, application):
        raise Http404(_("未找到该办件，或您无权办理"))
    return application


def _editable(request, desk: Desk, pk):
    """(application, None) when it can be edited here, else (None, redirect)."""
    application = desk_application(request, desk, pk)
    if (
        application.status not in c.EDITABLE
        or not may_edit(user=request.user, application=application)
        or not desk.can_continue(request, application)
    ):
        return None, redirect(desk.detail_url(application))
    return application, None


# --- clerk: queue --------------------------------------------------------------------------


@login_required
def queue(request):
    """Applications awaiting acceptance at the clerk's hall, most urgent first."""
    hall = COUNTER.require(request)
    page = Paginator(acceptance_queue_for_clerk(clerk=request.user), 30).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [
        {
            "app": app,
            "due_state": due_state(app.acceptance_due, today),
            "applicant_name": mask_name(person_name(app.applicant)),
        }
        for app in page.object_list
    ]
    drafts = [
        {"app": app, "applicant_name": mask_name(person_name(app.applicant))}
        for app in counter_drafts_for_clerk(clerk=request.user)[:10]
    ]
    return render(
        request,
        "applications/counter/queue.html",
        {
            "hall": hall,
            "page": page,
            "rows": rows,
            "drafts": drafts,
            "overdue": sum(1 for r in rows if r["due_state"] == "overdue"),
        },
    )


# --- clerk: review and decisions -------------------------------------------------------------


def _hall_application(request, pk) -> Application:
    """Visible and at the clerk's own hall; anything else is a 404."""
    COUNTER.require(request)
    application = _get_visible(request.user, pk)
    if not is_hall_clerk(request.user, application.hall_id):
        raise Http404(_("未找到该办件，或您无权查看"))
    return application


def _render_review(
    request,
    application,
    *,
    notice_form=None,
    refuse_form=None,
    error: str = "",
    revealed: dict | None = None,
    status=200,
):
    materials = list(application.materials.all())
    awaiting = application.status in c.AWAITING_ACCEPTANCE
    profile = getattr(application.applicant, "applicant", None)
    return render(
        request,
        "applications/counter/review.html",
        {
            "application": application,
            "applicant_name": person_name(application.applicant),
            "applicant_id_masked": profile.id_number_masked if profile else "",
            "applicant_phone": mask_phone(profile.phone if profile else ""),
            "form_rows": form_rows(application, revealed=revealed),
            "sealed_fields": sealed_form_fields(application),
            "revealed": bool(revealed),
            "materials": [
                {"row": am, "satisfied": material_is_satisfied(am)} for am in materials
            ],
            "events": [
                {"label": h.get_to_status_display(), "at": h.at, "reason": h.reason}
                for h in application.history.all()
            ],
            "awaiting": awaiting,
            "error": error,
            "due_state": due_state(application.acceptance_due) if awaiting else "",
            "resubmitted": any(True for _n in application.supplement_notices.all()),
            "notice_form": notice_form
            or SupplementNoticeForm(materials=materials, prefix="notice"),
            "refuse_form": refuse_form or RefuseForm(prefix="refuse"),
            "can_continue_intake": application.status in c.EDITABLE
            and COUNTER.owns(request, application),
        },
        status=status,
    )


@login_required
def review(request, pk: int):
    application = _hall_application(request, pk)
    return _render_review(request, application)


@never_cache
@login_required
@require_POST
def reveal_form_id_number(request, pk: int):
    """Show one ID number of the form in full, in this response only."""
    application = _hall_application(request, pk)
    field = request.POST.get("field", "")
    try:
        number = application_reveal_form_id_number(
            viewer=request.user,
            application=application,
            field=field,
            reason=request.POST.get("reason", ""),
        )
    except ServiceError as exc:
        return _render_review(request, application, error=exc.detail, status=400)
    return _render_review(request, application, revealed={field: number})


@login_required
@require_POST
def accept(request, pk: int):
    application = _hall_application(request, pk)
    try:
        application_accept(application=application, clerk=request.user)
    except ServiceError as exc:
        if application.status == S.ACCEPTED:  # a second click
            return redirect("applications:counter_review", pk=pk)
        for detail in _service_errors(exc):
            messages.error(request, detail)
    else:
        messages.success(
            request, _("已受理。请打印受理通知书交申请人，短信和邮件通知已发送。")
        )
    return redirect(reverse("applications:counter_review", args=[pk]) + "#documents")


@login_required
@require_POST
def notify_supplement(request, pk: int):
    """一次性告知: every material to supplement at once, each with what is wrong."""
    application = _hall_application(request, pk)
    materials = list(application.materials.all())
    form = SupplementNoticeForm(request.POST, materials=materials, prefix="notice")
    if form.is_valid():
        try:
            application_request_supplement(
                application=application, clerk=request.user, items=form.items
            )
        except ServiceError as exc:
            error = _notice_errors(form, exc)
            return _render_review(
                request,
                application,
                notice_form=form,
                error=error,
                status=exc.status,
            )
        messages.success(
            request, _("已出具一次性告知书，请打印交申请人；短信和邮件通知已发送。")
        )
        return redirect(
            reverse("applications:counter_review", args=[pk]) + "#documents"
        )
    return _render_review(request, application, notice_form=form, status=400)


def _notice_errors(form: SupplementNoticeForm, exc: ServiceError) -> str:
    """Service items name ``items[i].field``; put each beside its material.

    An error about the application as a whole (say, its status changed
    meanwhile) is returned for the top of the page instead.
    """
    if exc.field is None and not exc.errors:
        return exc.detail
    for item in exc.errors or [exc]:
        target = None
        field = item.field or ""
        if field.startswith("items[") and "]" in field:
            try:
                index = int(field[6 : field.index("]")])
                material_id = form.items[index]["material_id"]
            except (ValueError, IndexError, KeyError):
                material_id = None
            if material_id is not None:
                kind = "problem" if field.endswith(".problem") else "pick"
                target = f"{kind}_{material_id}"
        form.add_error(target if target in form.fields else None, item.detail)
    return ""


@login_required
@require_POST
def refuse(request, pk: int):
    """不予受理, with reason and legal basis."""
    application = _hall_application(request, pk)
    form = RefuseForm(request.POST, prefix="refuse")
    if form.is_valid():
        try:
            application_refuse(
                application=application,
                clerk=request.user,
                reason=form.cleaned_data["reason"],
                legal_basis=form.cleaned_data["legal_basis"],
            )
        except ServiceError as exc:
            error = ""
            if exc.field is None and not exc.errors:
                error = exc.detail
            else:
                apply_service_error(form, exc)
            return _render_review(
                request,
                application,
                refuse_form=form,
                error=error,
                status=exc.status,
            )
        messages.success(request, _("已决定不予受理，请打印不予受理通知书交申请人。"))
        return redirect(
            reverse("applications:counter_review", args=[pk]) + "#documents"
        )
    return _render_review(request, application, refuse_form=form, status=400)


# --- documents (clerk of the hall, or the applicant themself) ------------------------------


def _filing_agent_authorized(user, application: Application) -> bool:
    """The township agent who filed may print for the citizen while authorised."""
    return application.submitted_by_id == user.pk and authorization_in_force(
        application.agent_authorization, agent=user
    )


def _document_response(request, pk: int, kind: str) -> HttpResponse:
    application = _get_visible(request.user, pk)
    if not (
        request.user.pk == application.applicant_id
        or is_hall_clerk(request.user, application.hall_id)
        or _filing_agent_authorized(request.user, application)
    ):
        raise Http404(_("未找到该文书"))
    if not documents.document_available(application, kind):
        raise Http404(_("该办件当前没有这份文书"))
    if kind == documents.RECEIPT:
        tracking_url = (
            request.build_absolute_uri(reverse("applications:track"))
            + "?"
            + documents.tracking_query(application)
        )
        data = documents.receipt_pdf(application, tracking_url=tracking_url)
    elif kind == documents.NOTICE:
        notice = documents.open_notice(application)
        if notice is None:
            raise Http404(_("该办件当前没有这份文书"))
        data = documents.notice_pdf(application, notice=notice)
    else:
        data = documents.refusal_pdf(application)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"{documents.TITLES[kind]}-{application.number}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def receipt_pdf(request, pk: int):
    return _document_response(request, pk, documents.RECEIPT)


@login_required
def notice_pdf(request, pk: int):
    return _document_response(request, pk, documents.NOTICE)


@login_required
def refusal_pdf(request, pk: int):
    return _document_response(request, pk, documents.REFUSAL)


# --- counter intake: find or register the applicant ------------------------------------------


@login_required
def intake(request):
    """Step 0: find the applicant by ID number, or register the walk-in."""
    hall = COUNTER.require(request)
    lookup = ApplicantLookupForm(prefix="find")
    register = None
    if request.method == "POST" and request.POST.get("action") == "register":
        register = WalkInForm(request.POST, prefix="walkin")
        if register.is_valid():
            try:
                user = applicant_register_at_counter(
                    clerk=request.user, **register.cleaned_data
                )
            except ServiceError as exc:
                apply_service_error(register, exc)
            else:
                COUNTER.remember(request, user)
                messages.success(request, _("申请人已登记。请选择要办理的事项。"))
                return redirect("applications:counter_items")
    elif request.method == "POST":
        lookup = ApplicantLookupForm(request.POST, prefix="find")
        if lookup.is_valid():
            id_number = lookup.cleaned_data["id_number"]
            try:
                profile = applicant_find_by_id_number(id_number=id_number)
            except ServiceError as exc:
                apply_service_error(lookup, exc)
            else:
                if profile is not None:
                    COUNTER.remember(request, profile.user)
                    return redirect("applications:counter_items")
                register = WalkInForm(prefix="walkin", initial={"id_number": id_number})
                messages.info(
                    request, _("该身份证号码尚未登记，请核对后为申请人登记。")
                )
    status = 400 if (lookup.errors or (register and register.errors)) else 200
    return render(
        request,
        "applications/counter/intake_find.html",
        {
            "hall": hall,
            "desk": COUNTER,
            "lookup": lookup,
            "register": register or WalkInForm(prefix="walkin"),
            "show_register": register is not None,
        },
        status=status,
    )


# --- assisted intake steps shared by the counter and agent desks ----------------------------


def _applicant_or_redirect(request, desk: Desk):
    applicant = desk.applicant(request)
    if applicant is None:
        messages.info(request, _("请先确定申请人"))
        return None, redirect(desk.url("find"))
    return applicant, None


def step_items(request, desk: Desk):
    """Step 1: choose the item (search by name or code)."""
    place = desk.require(request)
    applicant, response = _applicant_or_redirect(request, desk)
    if response:
        return response
    search = ItemSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    found = list(desk.implementations(request, place, query)[: SEARCH_LIMIT + 1])
    return render(
        request,
        f"applications/{desk.key}/intake_items.html",
        {
            "desk": desk,
            "urls": desk.urls(),
            "place": place,
            "applicant": applicant,
            "applicant_name": mask_name(person_name(applicant)),
            "search": search,
            "query": query,
            "implementations": found[:SEARCH_LIMIT],
            "more": len(found) > SEARCH_LIMIT,
            **desk.items_context(request, applicant, found[:SEARCH_LIMIT]),
        },
    )


def _desk_implementation(request, desk: Desk, place, code: str) -> Implementation:
    impl = (
        desk.implementations(request, place, "")
        .filter(code=(code or "").strip().upper())
        .first()
    )
    if impl is None:
        raise Http404(_("该事项不在本窗口可办理的范围内"))
    return impl


def step_start(request, desk: Desk, code: str):
    """Step 2 for a new application: the form; posting it creates the draft."""
    place = desk.require(request)
    applicant, response = _applicant_or_redirect(request, desk)
    if response:
        return response
    impl = _desk_implementation(request, desk, place, code)
    extra = desk.start_context(request, applicant, impl)
    if extra is None:
        return desk.refused_response(request, applicant, impl)
    version = impl.item.current_version
    form_class = schema_form_class(version.form_schema)
    form = form_class(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        token = request.POST.get("token") or ""
        try:
            application, replayed = application_start(
                user=request.user,
                implementation=impl,
                channel=desk.channel,
                applicant=applicant,
                form_data=form.to_form_data(),
                idempotency_key=token or None,
                fingerprint=f"{desk.key}:{impl.pk}:{applicant.pk}",
                **extra,
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
            return _after_form(request, desk, application)
    return render(
        request,
        f"applications/{desk.key}/intake_form.html",
        {
            "desk": desk,
            "urls": desk.urls(),
            "implementation": impl,
            "version": version,
            "applicant_name": mask_name(person_name(applicant)),
            "form": form,
            "error": error,
            "token": uuid.uuid4().hex,
            "step": 1,
        },
        status=400 if error else 200,
    )


def _after_form(request, desk: Desk, application: Application):
    if request.POST.get("action") == "save":
        messages.success(request, _("草稿已保存"))
        return redirect(desk.url("form", application.pk))
    problems = [
        p
        for p in application_problems(application=application)
        if p.code == "form_invalid"
    ]
    if problems:
        messages.warning(request, _("草稿已保存。请按提示修改申请表后继续"))
        return redirect(desk.url("form", application.pk) + "?check=1")
    return redirect(desk.url("materials", application.pk))


def step_form(request, desk: Desk, pk: int):
    """Step 2 again, for a saved draft."""
    desk.require(request)
    application, response = _editable(request, desk, pk)
    if response:
        return response
    version = application.version
    form, saved, error = draft_form_step(request, application)
    if saved is not None:
        return _after_form(request, desk, saved)
    return render(
        request,
        f"applications/{desk.key}/intake_form.html",
        {
            "desk": desk,
            "urls": desk.urls(application),
            "application": application,
            "implementation": application.implementation,
            "version": version,
            "applicant_name": mask_name(person_name(application.applicant)),
            "form": form,
            "error": error,
            "step": 1,
        },
        status=400 if error else 200,
    )


def _cards(request, desk: Desk, application: Application, bound=None) -> list:
    """The apply flow's material cards plus this desk's URLs."""
    cards = material_cards(request, application, bound)
    for card in cards:
        am, m = card["row"], card["material"]
        card["provide_url"] = desk.url("provide", application.pk, m.pk)
        card["files"] = (
            [(f, desk.url("remove_file", application.pk, f.pk)) for f in am.files.all()]
            if am.provision == c.Provision.UPLOAD
            else []
        )
    return cards


def _render_materials(request, desk: Desk, application, bound=None, status=200):
    cards = _cards(request, desk, application, bound)
    return render(
        request,
        f"applications/{desk.key}/intake_materials.html",
        {
            "desk": desk,
            "urls": desk.urls(application),
            "application": application,
            "implementation": application.implementation,
            "version": application.version,
            "applicant_name": mask_name(person_name(application.applicant)),
            "cards": cards,
            "missing": sum(1 for k in cards if k["needed"] and not k["satisfied"]),
            "step": 2,
        },
        status=status,
    )


def step_materials(request, desk: Desk, pk: int):
    """Step 3: scan or upload the papers, or record a gap or commitment."""
    desk.require(request)
    application, response = _editable(request, desk, pk)
    if response:
        return response
    return _render_materials(request, desk, application)


def step_provide(request, desk: Desk, pk: int, material_id: int):
    """POST one material. The size limit goes in before the body is parsed.

    The wrapping view is csrf_exempt; CSRF is checked here (by
    :func:`_provide`) once the size-limit upload handler is installed. A body
    declared too large is refused before it is read and changes nothing.
    """
    desk.require(request)
    if request.method != "POST":
        return redirect(desk.url("materials", pk))
    if request_too_large(request):
        application, response = _editable(request, desk, pk)
        if response:
            return response
        bound = {material_id: {"errors": [too_large_error().detail]}}
        return _render_materials(request, desk, application, bound, status=413)
    install_size_limit(request)
    return _provide(request, desk, pk, material_id)


@csrf_protect
def _provide(request, desk: Desk, pk: int, material_id: int):
    application, response = _editable(request, desk, pk)
    if response:
        return response
    post = request.POST  # parsed here, through the size limit
    if getattr(request, "upload_too_large", False):
        bound = {material_id: {"errors": [too_large_error().detail]}}
        return _render_materials(request, desk, application, bound, status=413)
    provision = post.get("provision", c.Provision.UPLOAD)
    prefix = f"m{material_id}"
    bound: dict = {}
    kwargs: dict = {}
    form = None
    if provision == c.Provision.UPLOAD:
        form = UploadForm(post, request.FILES, prefix=prefix)
        bound["upload"] = form
        if form.is_valid():
            kwargs = {"file": form.cleaned_data["file"]}
    elif provision == c.Provision.TOLERATED:
        form = ToleratedForm(post, prefix=prefix)
        bound["tolerated"] = form
        if form.is_valid():
            kwargs = dict(form.cleaned_data)
    elif provision == c.Provision.COMMITMENT:
        form = CommitmentForm(post, prefix=prefix)
        bound["commitment"] = form
        if form.is_valid():
            kwargs = {"promise_text": form.cleaned_data["promise_text"]}
    elif provision == c.Provision.CERTIFICATE:
        kwargs = {"certificate_ref": post.get(f"{prefix}-certificate_ref", "")}
    else:
        bound["errors"] = [_("材料提供方式无效")]
    if bound.get("errors") or (form is not None and not form.is_valid()):
        return _render_materials(
            request, desk, application, {material_id: bound}, status=400
        )
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
            bound["errors"] = _service_errors(exc)
        return _render_materials(
            request, desk, application, {material_id: bound}, status=exc.status
        )
    messages.success(request, _("材料已保存"))
    return redirect(desk.url("materials", pk) + f"#m-{material_id}")


def step_remove_file(request, desk: Desk, pk: int, file_id: int):
    desk.require(request)
    application, response = _editable(request, desk, pk)
    if response:
        return response
    try:
        upload = uploaded_file_get_for_user(user=request.user, pk=file_id)
        application_remove_file(
            application=application, user=request.user, uploaded_file=upload
        )
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("文件已删除"))
    return redirect(desk.url("materials", pk))


def step_submit(request, desk: Desk, pk: int):
    """Step 4: everything at a glance, then submit (a double click submits once)."""
    desk.require(request)
    application = desk_application(request, desk, pk)
    if application.status not in c.EDITABLE or not may_edit(
        user=request.user, application=application
    ):
        return redirect(desk.after_submit_url(application))
    error = None
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            application_submit(
                application=application,
                user=request.user,
                idempotency_key=request.POST.get("token") or None,
            )
        except ServiceError as exc:
            if exc.code == "already_submitted":
                return redirect(desk.after_submit_url(application))
            error = exc.detail
            errors = [e.detail for e in exc.errors if e.detail != exc.detail]
            status = exc.status
        else:
            messages.success(request, desk.submitted_message)
            return redirect(desk.after_submit_url(application))
    return render(
        request,
        f"applications/{desk.key}/intake_review.html",
        {
            "desk": desk,
            "urls": desk.urls(application),
            "application": application,
            "implementation": application.implementation,
            "version": application.version,
            "applicant_name": mask_name(person_name(application.applicant)),
            "form_rows": form_rows(application),
            "problems": application_problems(application=application),
            "error": error,
            "errors": errors,
            "token": uuid.uuid4().hex,
            "step": 3,
        },
        status=status,
    )


# --- counter desk URLs ---------------------------------------------------------------------


@login_required
def counter_items(request):
    return step_items(request, COUNTER)


@login_required
def counter_start(request, code: str):
    return step_start(request, COUNTER, code)


@login_required
def counter_form(request, pk: int):
    return step_form(request, COUNTER, pk)


@login_required
def counter_materials(request, pk: int):
    return step_materials(request, COUNTER, pk)


@csrf_exempt
@login_required
def counter_provide(request, pk: int, material_id: int):
    return step_provide(request, COUNTER, pk, material_id)


@login_required
@require_POST
def counter_remove_file(request, pk: int, file_id: int):
    return step_remove_file(request, COUNTER, pk, file_id)


@login_required
def counter_submit(request, pk: int):
    return step_submit(request, COUNTER, pk)
