"""Turn a rendered admin change form back into POST data, as a browser would."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile


def _collect(form, data: dict) -> None:
    for bound in form:
        value = bound.value()
        if value is None or isinstance(value, FieldFile):
            continue
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = value


def changeform_data(response) -> dict:
    data: dict = {}
    _collect(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _collect(formset.management_form, data)
        for form in formset.forms:
            _collect(form, data)
    return data
