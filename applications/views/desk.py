"""One intake desk: the apply steps shared by the online, counter and agent desks.

The steps are (choose the item,) fill in the form, provide the materials,
review and submit. :class:`Desk` holds them once; a subclass says who may use
it, who the applicant is, which items it offers, which channel it applies
through, its URLs and where a submitted application goes:

* online (views.online): the signed-in citizen applies for themself or an
  enterprise they represent, for any published item;
* counter (views.counter_intake): the hall clerk applies for a walk-in, for
  the items of their hall;
* agent (views.agent): the township agent applies for a citizen who has
  authorised them.

Thin like every view here: reads go through applications.selectors, every
change through applications.services (application_start,
application_save_draft, application_provide_material, application_remove_file,
application_submit), the one path every channel shares. Service errors are
shown next to the field or material they name.

The step templates are one set, templates/applications/desk/<step>.html; a
desk names its own for a step in ``templates`` (extending the shared one and
replacing a block). Each desk module's view functions are one line each,
carrying the decorators: login, CSRF, methods.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect

from catalog.models import Implementation
from people.privacy import mask_name
from portal.errors import ServiceError
from portal.models import User

from .. import constants as c
from ..certificates import prefilled_fields
from ..forms import (
    CommitmentForm,
    ToleratedForm,
    UploadForm,
    version_form_class,
)
from ..forms_counter import ApplicantLanguageForm, ItemSearchForm
from ..models import Application
from ..selectors import (
    application_problems,
    may_edit,
    uploaded_file_get_for_user,
)
from ..selectors_intake import SEARCH_LIMIT
from ..services.drafts import application_save_draft
from ..services.materials import application_provide_material, application_remove_file
from ..services.people import intake_record_language
from ..services.submission import application_start, application_submit
from ..uploads import install_size_limit, request_too_large, too_large_error
from .common import form_rows, get_visible, person_name, service_errors
from .desk_forms import draft_form_step, material_cards, profile_prefill

# Shown by the step bar (templates/applications/_steps.html).
STEP_NUMBERS = {"items": 0, "form": 1, "materials": 2, "review": 3}


class Desk:
    """One intake desk; subclasses fill in the differences.

    The defaults are those of the assisted desks (someone applies for the
    applicant chosen at step 0); the online desk overrides who the applicant
    is and what a user who may not edit sees.
    """

    key = ""
    channel = ""
    title = ""  # the breadcrumb's last entry
    home_label = ""  # the breadcrumb's first entry, linking to home_url_name
    home_url_name = ""
    on_behalf = True  # the desk's user applies for somebody else
    saved_message = gettext_lazy("草稿已保存")
    submitted_message = ""  # shown after submission, if any
    # Step -> URL name in the applications namespace, where not "<key>_<step>".
    url_names: dict[str, str] = {}
    # Step -> template, where not the shared applications/desk/<step>.html.
    templates: dict[str, str] = {}

    # Who may use the desk, for whom, and which items --------------------------------

    def require(self, request):
        """Raise PermissionDenied unless the user works this desk; return its
        place (the clerk's hall), if it has one. Every step calls it first."""
        raise NotImplementedError

    def applicant(self, request):
        """The applicant chosen at step 0 (kept in the session), or None."""
        pk = request.session.get(self.session_key)
        if not pk:
            return None
        return (
            User.objects.select_related("applicant")
            .filter(pk=pk, applicant__isnull=False)
            .first()
        )

    @property
    def session_key(self) -> str:
        return f"{self.key}_intake_applicant"

    def remember(self, request, user) -> None:
        request.session[self.session_key] = user.pk

    def implementations(self, request, place, query: str):
        raise NotImplementedError

    def implementation(self, request, place, code: str) -> Implementation:
        """The item a new application is for; 404 outside the desk's items."""
        impl = (
            self.implementations(request, place, "")
            .filter(code=(code or "").strip().upper())
            .first()
        )
        if impl is None:
            raise Http404(_("该事项不在本窗口可办理的范围内"))
        return impl

    def owns(self, request, application: Application) -> bool:
        """Whether this desk's user handles this application (else 404)."""
        raise NotImplementedError

    def can_continue(self, request, application: Application) -> bool:
        """Whether the desk's user may still change this application."""
        return True

    def application(self, request, pk) -> Application:
        """Visible to the user and handled at this desk, else 404."""
        application = get_visible(request.user, pk)
        if not self.owns(request, application):
            raise Http404(_("未找到该办件，或您无权办理"))
        return application

    def editable(self, request, pk):
        """(application, None) when it can be edited here, else (None, response)."""
        application = self.application(request, pk)
        if (
            application.status not in c.EDITABLE
            or not may_edit(user=request.user, application=application)
            or not self.can_continue(request, application)
        ):
            return None, redirect(self.detail_url(application))
        return application, None

    # Starting an application -------------------------------------------------------

    def start_context(self, request, applicant, implementation) -> dict | None:
        """Service arguments fixed by the desk (hall, authorisation), or None
        when the start is refused (see refused_response)."""
        return {}

    def refused_response(self, request, applicant, implementation):
        raise Http404

    def start_arguments(self, request, form, applicant) -> dict:
        """Service arguments chosen on the posted form; a bad choice is a form
        error (the start does not go ahead then)."""
        return {"applicant": applicant}

    def fingerprint(self, implementation, applicant) -> str:
        """What an idempotency token of the start is bound to."""
        return f"{self.key}:{implementation.pk}:{applicant.pk}"

    def new_form_context(self, request, implementation) -> dict:
        """Extra context of the new application's form."""
        return {}

    def items_context(self, request, applicant, implementations) -> dict:
        """Extra context of the item list (the agent marks authorised items)."""
        return {}

    def applicant_context(self, applicant) -> dict:
        return {"applicant_name": mask_name(person_name(applicant))}

    # Where things go ---------------------------------------------------------------

    def after_submit_url(self, application: Application) -> str:
        raise NotImplementedError

    def detail_url(self, application: Application) -> str:
        return self.after_submit_url(application)

    def submit_refused(self, request, application: Application):
        """The answer to the review step of an application no longer editable."""
        return redirect(self.after_submit_url(application))

    def url_name(self, step: str) -> str:
        return "applications:" + self.url_names.get(step, f"{self.key}_{step}")

    @property
    def start_url_name(self) -> str:
        return self.url_name("start")

    def url(self, step: str, *args) -> str:
        return reverse(self.url_name(step), args=args)

    def urls(self, application: Application | None = None) -> dict[str, str]:
        urls = {"home": reverse(self.home_url_name)}
        if self.on_behalf:
            urls.update(
                find=self.url("find"),
                items=self.url("items"),
                language=self.url("language"),
            )
        if application is not None and application.pk:
            pk = application.pk
            urls.update(
                form=self.url("form", pk),
                materials=self.url("materials", pk),
                review=self.url("review", pk),
                detail=self.detail_url(application),
            )
        return urls

    def template(self, step: str) -> str:
        return self.templates.get(step, f"applications/desk/{step}.html")

    def render_step(self, request, step: str, application, context, status=200):
        """A step page: the desk, its URLs and the application's heading."""
        base = {
            "desk": self,
            "urls": self.urls(application),
            "step": STEP_NUMBERS[step],
        }
        if application is not None:
            base.update(
                application=application,
                implementation=application.implementation,
                version=application.version,
            )
            if self.on_behalf:
                base.update(self.applicant_context(application.applicant))
        return render(request, self.template(step), {**base, **context}, status=status)

    # Step 0-1: the applicant and the item --------------------------------------------

    def _applicant_or_redirect(self, request):
        applicant = self.applicant(request)
        if applicant is None:
            messages.info(request, _("请先确定申请人"))
            return None, redirect(self.url("find"))
        return applicant, None

    def step_items(self, request):
        """Choose the item (search by name or code)."""
        place = self.require(request)
        applicant, response = self._applicant_or_redirect(request)
        if response:
            return response
        search = ItemSearchForm(request.GET or None)
        query = search.cleaned_data["q"] if search.is_valid() else ""
        found = list(self.implementations(request, place, query)[: SEARCH_LIMIT + 1])
        shown = found[:SEARCH_LIMIT]
        return self.render_step(
            request,
            "items",
            None,
            {
                "place": place,
                "applicant": applicant,
                **self.applicant_context(applicant),
                "search": search,
                "query": query,
                "implementations": shown,
                "more": len(found) > SEARCH_LIMIT,
                "language_form": self.language_form(applicant),
                **self.items_context(request, applicant, shown),
            },
        )

    def language_form(self, applicant, data=None):
        """The language of an applicant without an online account (the
        documents and messages follow it), or None: one with an account
        chooses for themselves."""
        if not self.on_behalf or applicant.has_usable_password():
            return None
        current = applicant.applicant.language or settings.LANGUAGE_CODE
        return ApplicantLanguageForm(data, initial={"language": current})

    def step_language(self, request):
        """Record the applicant's language (POST), back to the item list."""
        self.require(request)
        applicant, response = self._applicant_or_redirect(request)
        if response:
            return response
        # The service refuses an applicant with an online account.
        form = ApplicantLanguageForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("language", []):
                messages.error(request, error)
        else:
            try:
                intake_record_language(
                    actor=request.user,
                    applicant=applicant,
                    language=form.cleaned_data["language"],
                )
            except ServiceError as exc:
                messages.error(request, exc.detail)
            else:
                messages.success(request, _("已记录申请人使用的语言。"))
        return redirect(self.url("items"))

    # Step 1: the form --------------------------------------------------------------

    def step_start(self, request, code: str):
        """The form of a new application; posting it creates the draft."""
        place = self.require(request)
        applicant, response = self._applicant_or_redirect(request)
        if response:
            return response
        impl = self.implementation(request, place, code)
        extra = self.start_context(request, applicant, impl)
        if extra is None:
            return self.refused_response(request, applicant, impl)
        version = impl.item.current_version
        form_class = version_form_class(version)
        if request.method == "POST":
            form = form_class(request.POST)
        else:
            form = form_class(initial=profile_prefill(form_class, applicant))
        error = None
        if request.method == "POST" and form.is_valid():
            chosen = self.start_arguments(request, form, applicant)
            if form.is_valid():
                token = request.POST.get("token") or ""
                try:
                    application, replayed = application_start(
                        user=request.user,
                        implementation=impl,
                        channel=self.channel,
                        form_data=form.to_form_data(),
                        idempotency_key=token or None,
                        fingerprint=self.fingerprint(impl, applicant),
                        **chosen,
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
                    return self._after_form(request, application)
        context = {
            "implementation": impl,
            "version": version,
            "form": form,
            "error": error,
            "token": uuid.uuid4().hex,
            **self.new_form_context(request, impl),
        }
        if self.on_behalf:
            context.update(self.applicant_context(applicant))
        return self.render_step(
            request, "form", None, context, status=400 if error else 200
        )

    def _after_form(self, request, application: Application):
        """ "Save" stays on the form; "next" checks the schema first."""
        if request.POST.get("action") == "save":
            messages.success(request, self.saved_message)
            return redirect(self.url("form", application.pk))
        problems = [
            p
            for p in application_problems(application=application)
            if p.code == "form_invalid"
        ]
        if problems:
            messages.warning(request, _("草稿已保存。请按提示修改申请表后继续"))
            return redirect(self.url("form", application.pk) + "?check=1")
        return redirect(self.url("materials", application.pk))

    def step_form(self, request, pk: int):
        """The form again, for a saved draft (resume)."""
        self.require(request)
        application, response = self.editable(request, pk)
        if response:
            return response
        form, saved, error = draft_form_step(request, application)
        if saved is not None:
            return self._after_form(request, saved)
        return self.render_step(
            request,
            "form",
            application,
            {
                "form": form,
                "error": error,
                "prefilled": prefilled_fields(application),
            },
            status=400 if error else 200,
        )

    # Step 2: the materials ---------------------------------------------------------

    def cards(self, request, application: Application, bound=None) -> list:
        """The material cards with this desk's URLs."""
        cards = material_cards(request, application, bound)
        for card in cards:
            am, m = card["row"], card["material"]
            # The answer to a post comes back at its own card (the fragment
            # of the form's action), not at the top of a long page.
            card["provide_url"] = self.url("provide", application.pk, m.pk) + (
                f"#m-{m.pk}"
            )
            if (
                am.provision == c.Provision.CERTIFICATE
                and request.user.pk == application.applicant_id
            ):
                card["consent_withdraw_url"] = reverse(
                    "applications:certificate_consent_withdraw",
                    args=[application.pk, m.pk],
                )
            card["files"] = (
                [
                    (f, self.url("remove_file", application.pk, f.pk))
                    for f in am.files.all()
                ]
                if am.provision == c.Provision.UPLOAD
                else []
            )
        return cards

    def render_materials(self, request, application, bound=None, status=200):
        cards = self.cards(request, application, bound)
        return self.render_step(
            request,
            "materials",
            application,
            {
                "cards": cards,
                "missing": sum(
                    1
                    for k in cards
                    if k["flagged"] or (k["needed"] and not k["satisfied"])
                ),
            },
            status=status,
        )

    def step_materials(self, request, pk: int):
        """Every material, uploaded or provided another allowed way."""
        self.require(request)
        application, response = self.editable(request, pk)
        if response:
            return response
        return self.render_materials(request, application)

    def step_provide(self, request, pk: int, material_id: int):
        """POST one material. The size limit goes in before the body is parsed.

        The wrapping view is csrf_exempt; CSRF is checked by :func:`_provide`
        once the size-limit upload handler is in place (the check itself
        parses the body). A body declared too large is refused before
        anything is read, which changes nothing and needs no CSRF check.
        """
        self.require(request)
        if request.method != "POST":
            return redirect(self.url("materials", pk))
        if request_too_large(request):
            application, response = self.editable(request, pk)
            if response:
                return response
            bound = {material_id: {"errors": [too_large_error().detail]}}
            return self.render_materials(request, application, bound, status=413)
        install_size_limit(request)
        return _provide(request, self, pk, material_id)

    def provide_checked(self, request, pk: int, material_id: int):
        """The CSRF-checked part of :meth:`step_provide`."""
        application, response = self.editable(request, pk)
        if response:
            return response
        post = request.POST  # parsed here at the latest, through the size limit
        if getattr(request, "upload_too_large", False):
            bound = {material_id: {"errors": [too_large_error().detail]}}
            return self.render_materials(request, application, bound, status=413)
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
            # Choices are checked by the service against what the library offers.
            kwargs = {
                "certificate_ref": post.get(f"{prefix}-certificate_ref", ""),
                "certificate_consent": bool(post.get(f"{prefix}-consent")),
            }
        else:
            bound["errors"] = [_("材料提供方式无效")]
        if bound.get("errors") or (form is not None and not form.is_valid()):
            _name_the_file(form, request.FILES.get(f"{prefix}-file"))
            return self.render_materials(
                request, application, {material_id: bound}, status=400
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
                _name_the_file(form, request.FILES.get(f"{prefix}-file"))
            else:
                bound["errors"] = service_errors(exc)
            return self.render_materials(
                request, application, {material_id: bound}, status=exc.status
            )
        messages.success(request, _("材料已保存"))
        return redirect(self.url("materials", pk) + f"#m-{material_id}")

    def step_remove_file(self, request, pk: int, file_id: int):
        self.require(request)
        application, response = self.editable(request, pk)
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
        return redirect(self.url("materials", pk))

    # Step 3: review and submit -----------------------------------------------------

    def step_review(self, request, pk: int):
        """Everything at a glance, then submit (a double click submits once)."""
        self.require(request)
        application = self.application(request, pk)
        if application.status not in c.EDITABLE or not may_edit(
            user=request.user, application=application
        ):
            return self.submit_refused(request, application)
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
                    return redirect(self.after_submit_url(application))
                error = exc.detail
                errors = [e.detail for e in exc.errors if e.detail != exc.detail]
                status = exc.status
            else:
                if self.submitted_message:
                    messages.success(request, self.submitted_message)
                return redirect(self.after_submit_url(application))
        return self.render_step(
            request,
            "review",
            application,
            {
                "form_rows": form_rows(application),
                "problems": application_problems(application=application),
                "error": error,
                "errors": errors,
                "token": uuid.uuid4().hex,
            },
            status=status,
        )


def _name_the_file(form, upload) -> None:
    """A refused upload's message names the file, and the field takes the
    focus (the page opens at its card)."""
    if form is None or "file" not in form.fields or not form.errors.get("file"):
        return
    form.fields["file"].widget.attrs["autofocus"] = True
    name = getattr(upload, "name", "")
    if not name:
        return
    form.errors["file"] = form.error_class(
        [
            _("“%(file)s”未能上传：%(reason)s") % {"file": name, "reason": reason}
            for reason in form.errors["file"]
        ]
    )


@csrf_protect
def _provide(request, desk: Desk, pk: int, material_id: int):
    return desk.provide_checked(request, pk, material_id)
