"""Form helpers every app's pages share."""

from __future__ import annotations

from django import forms

from portal.errors import ServiceError


def apply_service_error(
    form: forms.Form, exc: ServiceError, field_map: dict[str, str] | None = None
) -> None:
    """Show every item of a ServiceError beside the field it concerns."""
    field_map = field_map or {}
    items = exc.errors or [exc]
    for item in items:
        field = item.field
        field = field_map.get(field, field) if field else None
        if field not in form.fields:
            field = None
        form.add_error(field, item.detail)
