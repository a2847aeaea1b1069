"""Display helpers shared by the online pages and the counter and agent desks.

Reads only: what an application shows (its form, its history, who applies)
and the visibility check every page starts with.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from people.privacy import is_sealed
from portal.errors import NotFoundError, ServiceError

from ..form_privacy import form_id_fields, form_shown
from ..models import Application
from ..selectors import application_get_for_user


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
    """The status history as the _timeline partial shows it."""
    return [
        {"label": h.get_to_status_display(), "at": h.at, "reason": h.reason}
        for h in application.history.all()
    ]


def form_rows(
    application: Application, *, revealed: dict | None = None
) -> list[tuple[str, object]]:
    """(label, value) of the filled-in form, in schema order; ID numbers masked
    (but those in ``revealed``, opened for this one display)."""
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
