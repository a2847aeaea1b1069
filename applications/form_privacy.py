"""ID numbers typed into application forms (fields of format "id-number").

A form field of format "id-number" (a deceased's or a child's number, say)
is kept like the applicant's own (people.privacy): in Application.form_data
such a field holds the sealed envelope, never the number; the number is
validated before it is sealed (and, for drafts, when they are submitted,
from the envelope opened again).
"""

from __future__ import annotations

from people.privacy import is_sealed, open_id_number, seal_id_number

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


def form_sealed(schema, data):
    """Form data to store: numbers typed into id-number fields sealed."""
    return _form_map(
        schema,
        data,
        lambda v: seal_id_number(v) if isinstance(v, str) and v.strip() else v,
    )


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
