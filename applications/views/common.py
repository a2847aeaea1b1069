"""Display helpers shared by the online pages and the counter and agent desks.

Reads only: what an application shows (its form, its history, who applies)
and the visibility check every page starts with.
"""

from __future__ import annotations

from django.http import Http404

from people.privacy import is_sealed
from portal.errors import NotFoundError, ServiceError

from ..constants import ApplicationStatus
from ..form_display import form_display
from ..form_privacy import form_id_fields
from ..models import Application
from ..selectors import application_get_for_user, deemed_acceptance, track_label


def get_visible(user, pk) -> Application:
    """The application if ``user`` may see it, else 404 (never 403)."""
    try:
        return application_get_for_user(user=user, pk=pk)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc


def person_name(user) -> str:
    profile = getattr(user, "applicant", None)
    return profile.full_name if profile else (user.display_name or user.username)


def service_errors(exc: ServiceError) -> list[str]:
    """The error and each item under it, without repeating the first."""
    return [exc.detail] + [e.detail for e in exc.errors if e.detail != exc.detail]


def timeline(application: Application) -> list[dict]:
    """The status history as the _timeline partial shows it.

    Labels as public tracking gives them (selectors.track_label: 视为受理 for
    a deemed acceptance, the closure reason for a close); a deemed
    acceptance shows its statutory basis in the page's language.
    """
    deemed = deemed_acceptance(application)
    events = []
    for h in application.history.all():
        reason = h.reason
        if deemed and h.to_status == ApplicationStatus.ACCEPTED:
            reason = deemed.basis
        events.append(
            {
                "label": track_label(application, h.to_status),
                "at": h.at,
                "reason": reason,
            }
        )
    return events


def form_rows(
    application: Application, *, revealed: dict | None = None
) -> list[tuple[str, object]]:
    """(label, value) of the filled-in form, in schema order; ID numbers masked
    (but those in ``revealed``, opened for this one display)."""
    return [
        (row["label"], row["value"])
        for row in form_display(
            application.version.form_schema, application.form_data, revealed=revealed
        )
    ]


def sealed_form_fields(application: Application) -> list[tuple[str, str]]:
    """(field, label) of the form's ID numbers stored sealed (可申请完整显示)."""
    schema = application.version.form_schema or {}
    props = schema.get("properties", {}) or {}
    return [
        (name, props[name].get("title", name))
        for name in form_id_fields(schema)
        if is_sealed((application.form_data or {}).get(name))
    ]
