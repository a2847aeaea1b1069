"""Conditional form fields: JSON Schema's ``if``/``then`` and ``dependentRequired``.

A form definition declares a field that only applies in some case (a
mailing address when the result is sent by post) as a top-level property
named in the ``then`` of an ``if``/``then`` (at the root or in ``allOf``),
and not in the root ``required``. Such a field is *active* when one of the
``if`` schemas that name it holds for the data.

* Validation is jsonschema's own (Draft 2020-12 knows ``if``/``then`` and
  ``dependentRequired``); applications.selectors words its errors.
* Storage: :func:`form_active` drops an inactive field before a save, so an
  answer sent while its condition is false (a stale address after switching
  back to 窗口领取, or an API client sending everything) is ignored, never
  stored as if it applied.
* The page: :func:`field_conditions` says which fields are conditional and
  whether each is active for the data shown; an ``if`` that is a plain
  choice (``{"properties": {"x": {"const"|"enum": …}}, "required": ["x"]}``)
  is also given to site.js, which shows and hides the field without a
  reload. Without JavaScript the page is correct after each save.

Pure: no ORM.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import jsonschema


def _rules(schema) -> list[tuple[dict, set[str]]]:
    """(if schema, names its then applies to) at the root and in allOf."""
    if not isinstance(schema, dict):
        return []
    nodes = [schema]
    all_of = schema.get("allOf")
    if isinstance(all_of, list):
        nodes += [n for n in all_of if isinstance(n, dict)]
    root_required = set(schema.get("required") or [])
    props = (
        schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    )
    rules = []
    for node in nodes:
        condition, then = node.get("if"), node.get("then")
        if not isinstance(condition, dict) or not isinstance(then, dict):
            continue
        names = set(then.get("required") or [])
        if isinstance(then.get("properties"), dict):
            names |= set(then["properties"])
        names = {n for n in names if n in props and n not in root_required}
        if names:
            rules.append((condition, names))
    return rules


def _holds(condition: dict, data) -> bool:
    return jsonschema.Draft202012Validator(condition).is_valid(
        data if isinstance(data, dict) else {}
    )


def _simple(condition: dict) -> dict | None:
    """{"field", "values"} of an ``if`` that is one choice, else None."""
    props = condition.get("properties")
    if not isinstance(props, dict) or len(props) != 1:
        return None
    keywords = {k for k in condition if not str(k).startswith("x-")}
    if keywords - {"properties", "required"}:  # annotations (x-...) aside
        return None
    ((name, rule),) = props.items()
    if condition.get("required") not in ([name], None) or not isinstance(rule, dict):
        return None
    if set(rule) == {"const"}:
        return {"field": name, "values": [rule["const"]]}
    if set(rule) == {"enum"} and isinstance(rule["enum"], list):
        return {"field": name, "values": list(rule["enum"])}
    return None


@dataclass(frozen=True)
class Condition:
    active: bool
    # What site.js evaluates: any of these choices shows the field ("" when
    # the page cannot tell without the server).
    json: str


def field_conditions(schema, data) -> dict[str, Condition]:
    """Each conditional field: active for ``data``, and its rule for site.js."""
    by_field: dict[str, list[dict]] = {}
    for condition, names in _rules(schema):
        for name in names:
            by_field.setdefault(name, []).append(condition)
    out = {}
    for name, conditions in by_field.items():
        simple = [_simple(c) for c in conditions]
        rule = ""
        if all(simple):
            rule = json.dumps(simple, ensure_ascii=False)
        out[name] = Condition(
            active=any(_holds(c, data) for c in conditions), json=rule
        )
    return out


def form_active(schema, data):
    """``data`` without the conditional fields whose condition does not hold."""
    if not isinstance(data, dict):
        return data
    inactive = {
        name
        for name, condition in field_conditions(schema, data).items()
        if not condition.active
    }
    if not inactive & set(data):
        return data
    return {k: v for k, v in data.items() if k not in inactive}


def dependent_required(schema) -> dict[str, list[str]]:
    """The root's ``dependentRequired`` (field -> fields it makes required)."""
    rule = schema.get("dependentRequired") if isinstance(schema, dict) else None
    if not isinstance(rule, dict):
        return {}
    return {k: list(v) for k, v in rule.items() if isinstance(v, list)}
