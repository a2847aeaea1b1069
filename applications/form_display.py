"""Form values as people write them (单位公章、财务专用章), for every display.

One place turns stored form data into words: the review step, the desks,
the citizen's page, the receipt PDF and the API's ``form_display``. Nothing
here is JSON or a Python literal: a list is joined with 、, a row of a
repeated group reads "姓名：张三，与申请人关系：配偶", a boolean is 是/否, a
whole number stored as a float loses its ".0". Pure: no ORM.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from people.privacy import is_sealed

from .form_privacy import form_shown

LIST_SEPARATOR = "、"
ROW_SEPARATOR = "；"
PAIR_SEPARATOR = "，"


ORDER_KEY = "x-order"


def ordered_properties(schema) -> dict:
    """A schema's properties in the author's order.

    PostgreSQL's jsonb keeps object keys in its own order (shortest first),
    so a stored form definition loses the order it was written in; the
    optional ``x-order`` (a list of property names, an annotation JSON
    Schema ignores) gives it back. Names it leaves out follow in stored order.
    """
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict):
        return {}
    order = schema.get(ORDER_KEY)
    names = [n for n in order if n in props] if isinstance(order, list) else []
    names += [n for n in props if n not in names]
    return {n: props[n] for n in names}


def _title(prop, name: str) -> str:
    title = prop.get("title") if isinstance(prop, dict) else None
    return title if isinstance(title, str) and title else name


def value_text(prop, value) -> str:
    """One stored value in words, by its schema property ``prop``."""
    prop = prop if isinstance(prop, dict) else {}
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | str):
        return str(value)
    if isinstance(value, list):
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        parts = [value_text(items, v) for v in value]
        separator = (
            ROW_SEPARATOR if any(isinstance(v, dict) for v in value) else LIST_SEPARATOR
        )
        return separator.join(p for p in parts if p)
    if isinstance(value, dict):
        if is_sealed(value):
            return str(value["masked"])
        props = (
            prop.get("properties") if isinstance(prop.get("properties"), dict) else {}
        )
        names = [n for n in props if n in value] + [n for n in value if n not in props]
        pairs = []
        for n in names:
            text = value_text(props.get(n, {}), value[n])
            if text:
                pairs.append(f"{_title(props.get(n), n)}：{text}")
        return PAIR_SEPARATOR.join(pairs)
    return str(value)


def form_display(schema, data, *, revealed: dict | None = None) -> list[dict]:
    """[{"field", "label", "value"}] of the filled-in form, in schema order.

    ID numbers masked (but those in ``revealed``, opened for this one
    display); fields not in the schema are left out.
    """
    props = ordered_properties(schema)
    if not isinstance(data, dict):
        return []
    shown = {**form_shown(schema, data), **(revealed or {})}
    rows = []
    for name, prop in props.items():
        if name not in shown:
            continue
        text = value_text(prop, shown[name])
        if text == "":
            continue
        rows.append({"field": name, "label": _title(prop, name), "value": text})
    return rows
