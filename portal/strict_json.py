"""Strict JSON for text that ends up in a jsonb column, and for API bodies.

Python's json module reads more than PostgreSQL stores: NaN and Infinity
(also ``1e999``, which overflows to Infinity), ``\\u0000`` in strings, lone
surrogates (``"\\ud800"``, which no UTF-8 can encode: json.dumps(...).encode()
and PostgreSQL both fail on them), and nesting a thousand levels deep, where
it raises RecursionError instead of a decode error. Form fields that parse
user JSON use :class:`StrictJSONDecoder` so all of these become an ordinary
"not valid JSON" form error, never a database error on save.

JSON request bodies are checked by :func:`body_lone_surrogate` in
portal.middleware.RequestLimitsMiddleware, on every URL and whether or not
the view reads its body: a lone surrogate anywhere in the document, key or
value, answers 400 ``surrogate_characters_not_allowed`` with the path of the
string (``form_data.purpose``), the code DRF's own text fields give. Before,
``{"form_data": {"a": "\\ud800"}}`` reached the request fingerprint, the
form-size check and the submission path, which all encode to UTF-8, and
answered 500.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
# A lone surrogate can only come from a \\uD800-\\uDFFF escape (UTF-8 text
# cannot carry one), so bodies without such an escape skip the walk.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _refuse_constant(token: str):
    raise ValueError(f"{token} is not JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large")
    return number


def _first_string(value: Any, bad) -> tuple[str, str] | None:
    """(path, string) of the first key or string ``bad`` holds for, walked
    without recursion; the path reads like the API's error fields."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if bad(item):
                return path, item
        elif isinstance(item, dict):
            for key, child in item.items():
                key_text = str(key)
                child_path = f"{path}.{key_text}" if path else key_text
                if bad(key_text):
                    return child_path, key_text
                stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(item))
    return None


def has_nul(value: Any) -> bool:
    """Whether a NUL character sits in any string or key."""
    return _first_string(value, lambda s: "\x00" in s) is not None


def lone_surrogate(value: Any) -> tuple[str, str] | None:
    """(path, the code point as U+XXXX) of the first lone surrogate, if any."""
    found = _first_string(value, lambda s: _SURROGATE.search(s) is not None)
    if found is None:
        return None
    path, text = found
    return path, f"U+{ord(_SURROGATE.search(text).group()):04X}"


class StrictJSONDecoder(json.JSONDecoder):
    """Raises JSONDecodeError for anything jsonb cannot hold (see module doc)."""

    def __init__(self, *args, **kwargs):
        kwargs["parse_constant"] = _refuse_constant
        kwargs["parse_float"] = _finite_float
        super().__init__(*args, **kwargs)

    def decode(self, s, *args, **kwargs):
        try:
            value = super().decode(s, *args, **kwargs)
        except json.JSONDecodeError:
            raise
        except (ValueError, RecursionError) as exc:
            raise json.JSONDecodeError(str(exc), s, 0) from exc
        if has_nul(value):
            raise json.JSONDecodeError("NUL character", s, 0)
        if lone_surrogate(value) is not None:
            raise json.JSONDecodeError("lone surrogate", s, 0)
        return value


def body_lone_surrogate(raw: bytes) -> tuple[str, str] | None:
    """(path, U+XXXX) of a lone surrogate in a JSON body, if it holds one.

    Cheap for ordinary bodies: only a body with a ``\\uD800``-``\\uDFFF``
    escape is decoded here. A body that is not JSON is left to the parser
    (which answers parse_error).
    """
    if not _SURROGATE_ESCAPE.search(raw):
        return None
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return lone_surrogate(value)
