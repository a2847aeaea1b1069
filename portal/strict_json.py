"""Strict JSON for text that ends up in a jsonb column.

Python's json module reads more than PostgreSQL stores: NaN and Infinity
(also ``1e999``, which overflows to Infinity), ``\\u0000`` in strings, and
nesting a thousand levels deep, where it raises RecursionError instead of a
decode error. Form fields that parse user JSON use :class:`StrictJSONDecoder`
so all of these become an ordinary "not valid JSON" form error, never a
database error on save.
"""

from __future__ import annotations

import json
import math
from typing import Any


def _refuse_constant(token: str):
    raise ValueError(f"{token} is not JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large")
    return number


def has_nul(value: Any) -> bool:
    """Whether a NUL character sits in any string or key (walked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


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
        return value
