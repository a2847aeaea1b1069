"""The forms of the intake desk's steps: the application form of a saved
draft, and each material's ways to be provided (views.desk)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from catalog import constants as cc
from portal.errors import ServiceError

from ..certificates import certificate_offers
from ..forms import (
    CertificateForm,
    CommitmentForm,
    ToleratedForm,
    UploadForm,
    version_form_class,
)
from ..models import Application
from ..selectors import application_problems, material_is_satisfied
from ..services.drafts import application_save_draft
from ..services.time_limits import latest_promise_date


def draft_form_step(request, application: Application):
    """The form step for a saved draft.

    POST saves through the service and returns (form, saved application, None)
    or (form, None, error); GET shows the saved data, re-checked against the
    schema with ``?check=1``. Returns (form, None, None) then.
    """
    form_class = version_form_class(application.version)
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


# Form fields a new form fills in from the applicant's real-name profile
# (field name -> profile attribute): what the portal already knows is not
# asked again. One place for every desk.
PREFILL = {
    "phone": "phone",
    "contact_phone": "phone",
    "contact_name": "full_name",
    "mail_recipient": "full_name",
}


def profile_prefill(form_class, applicant) -> dict:
    """Initial values of a new form from ``applicant``'s profile."""
    profile = getattr(applicant, "applicant", None) if applicant else None
    if profile is None:
        return {}
    initial = {}
    for name in form_class.properties():
        attribute = PREFILL.get(name)
        value = getattr(profile, attribute, "") if attribute else ""
        if value:
            initial[name] = value
    return initial


def as_post(form_class, form_data: dict) -> dict:
    """Saved form data as a POST-like dict, to show errors against it."""
    data = {}
    for name, value in form_class.initial_from(form_data).items():
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            for i, row in enumerate(value):  # a repeated group's rows
                for sub, sub_value in row.items():
                    if isinstance(sub_value, bool):
                        if sub_value:
                            data[f"{name}-{i}-{sub}"] = "on"
                    elif sub_value is not None:
                        data[f"{name}-{i}-{sub}"] = str(sub_value)
        elif isinstance(value, list):  # a checkbox group's choices
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    return data


def material_cards(request, application: Application, bound: dict | None = None):
    """Per material: its row, state and the forms the user may use."""
    bound = bound or {}
    cards = []
    for am in application.materials.all():
        m = am.material
        offers = []
        if m.certificate_type_id:
            offers = certificate_offers(application=application, material=m)
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
            CertificateForm(
                prefix=prefix,
                offers=offers,
                on_behalf=request.user.pk != application.applicant_id,
            )
            if offers
            else None
        )
        cards.append(
            {
                "row": am,
                "material": m,
                # A material the one-time notice flagged is to be corrected
                # until a new file or provision replaces it (which clears
                # the problem), whatever it was provided with before.
                "satisfied": material_is_satisfied(am) and not am.problem,
                "flagged": bool(am.problem),
                "needed": m.necessity != cc.MaterialNecessity.OPTIONAL,
                "upload_form": forms_.get("upload") or UploadForm(prefix=prefix),
                "tolerated_form": forms_.get("tolerated") or tolerated_form,
                "commitment_form": forms_.get("commitment") or commitment_form,
                "certificate_form": forms_.get("certificate") or certificate_form,
                "errors": forms_.get("errors", []),
            }
        )
    return cards
