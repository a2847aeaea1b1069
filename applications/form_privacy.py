"""ID numbers typed into application forms (fields of format "id-number").

A form field of format "id-number" (a deceased's or a child's number, say)
is kept like the applicant's own (people.privacy): in Application.form_data
such a field holds the sealed envelope, never the number; the number is
validated before it is sealed (and, for drafts, when they are submitted,
from the envelope opened again).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from people.privacy import (
    is_sealed,
    open_id_number,
    seal_id_number,
    sealed_envelope,
)
from portal.errors import ServiceError

ID_NUMBER_FORMAT = "id-number"


def form_id_fields(schema) -> tuple[str, ...]:
    """The top-level form fields of format "id-number"."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict):
        return ()
    return tuple(
        name
        for name, prop in props.items()
        if isinstance(prop, dict) and prop.get("format") == ID_NUMBER_FORMAT
    )


def _form_map(schema, data, convert):
    fields = form_id_fields(schema) if isinstance(data, dict) else ()
    if not fields:
        return data
    out = dict(data)
    for name in fields:
        if name in out:
            out[name] = convert(out[name])
    return out


def _id_field_title(schema, name: str) -> str:
    prop = schema.get("properties", {}).get(name)
    title = prop.get("title") if isinstance(prop, dict) else None
    return title if isinstance(title, str) and title else name


def form_sealed(schema, data):
    """Form data to store: numbers typed into id-number fields sealed.

    Only text is a number: a list, a number, a boolean or an object in an
    id-number field is refused (``id_number_not_text``, field ``$.name``),
    so nothing but an envelope or blank text is ever stored there. An
    envelope is what a form hands back for a number it keeps (a blank field
    keeps the saved one): it must open with this portal's key, and its masked
    copy and hash are derived again from the number it holds, so an envelope
    written by a client cannot carry a number in plain text.
    """
    fields = form_id_fields(schema) if isinstance(data, dict) else ()
    if not fields:
        return data
    out = dict(data)
    for name in fields:
        if name not in out:
            continue
        value = out[name]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, str):
            out[name] = seal_id_number(value)
        elif is_sealed(value) and (number := open_id_number(value)) is not None:
            out[name] = sealed_envelope(number, str(value["encrypted"]))
        else:
            raise ServiceError(
                "id_number_not_text",
                _("“%(title)s”应填写为文字形式的身份证号码（18位）")
                % {"title": _id_field_title(schema, name)},
                field=f"$.{name}",
            )
    return out


def form_plain(schema, data):
    """Form data to validate: envelopes opened (one that will not open stays,
    and fails the schema as not text)."""

    def plain(value):
        if is_sealed(value):
            number = open_id_number(value)
            return value if number is None else number
        return value

    return _form_map(schema, data, plain)


def form_shown(schema, data):
    """Form data to show: envelopes as their masked number."""
    return _form_map(schema, data, lambda v: v["masked"] if is_sealed(v) else v)
