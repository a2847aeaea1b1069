"""Search text for items: Chinese name, full pinyin, initials, codes.

Pure functions; catalog.services stores their output on ServiceItem and
catalog.selectors.item_search ranks against it.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

MAX_QUERY_LENGTH = 50
MIN_QUERY_LENGTH = 2
_SPACE_RE = re.compile(r"\s+")


def pinyin_forms(text: str) -> tuple[str, str]:
    """('putonghuzhaoqianfa', 'pthzqf') for '普通护照签发'. Non-Han kept as is."""
    syllables = [s.lower() for s in lazy_pinyin(text, errors="default") if s.strip()]
    full = "".join(syllables)
    initials = "".join(
        s[0]
        for s in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
        if s.strip()
    ).lower()
    return full[:600], initials[:200]


def normalise_query(raw: str) -> str:
    """Trim, fold whitespace, lower-case ASCII. Length is checked by the caller."""
    return _SPACE_RE.sub(" ", (raw or "").strip()).lower()


def build_search_text(
    *, name: str, basic_code: str, keywords: str, implementation_codes: list[str]
) -> str:
    full, initials = pinyin_forms(name)
    parts = [name.lower(), full, initials, basic_code.lower(), keywords.lower()]
    parts.extend(code.lower() for code in implementation_codes)
    return " | ".join(p for p in parts if p)
