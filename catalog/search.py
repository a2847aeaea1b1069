"""Search text for items and the plan of a search query. Pure: no ORM inside.

Stored side (catalog.services keeps it on ServiceItem): the Chinese name, its
full pinyin and initials, the basic code, keywords (and their pinyin) and the
implementation codes, lower-cased and joined by " | " in ``search_text``.

Query side: :func:`plan_query` turns a validated query into the LIKE terms
(one for the usual single-word query) and the needles that
catalog.selectors.item_search ranks the matched rows by.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

MAX_QUERY_LENGTH = 50
MIN_QUERY_LENGTH = 2
MAX_TERMS = 5
_SPACE_RE = re.compile(r"\s+")
_ALNUM_RE = re.compile(r"[^0-9a-z]+")
_ASCII_RE = re.compile(r"^[\x20-\x7e]+$")
_CODE_RE = re.compile(r"^[0-9a-z]+$")
IMPLEMENTATION_CODE_LENGTH = 31
SEPARATOR = " | "


def pinyin_forms(text: str) -> tuple[str, str]:
    """('putonghuzhaoqianfa', 'pthzqf') for '普通护照签发'.

    Only letters and digits are kept, so punctuation in a name ("、", quotes,
    brackets) never splits a pinyin match.
    """
    full = "".join(s.lower() for s in lazy_pinyin(text, errors="default"))
    initials = "".join(
        s[:1].lower()
        for s in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    )
    return _ALNUM_RE.sub("", full)[:600], _ALNUM_RE.sub("", initials)[:200]


# Full-width letters and digits (a Chinese input method in full-width mode
# types "ｈｕｚｈａｏ") fold to ASCII. Full-width punctuation stays: names are
# stored with "（" and "、".
_FULL_WIDTH_ALNUM = {
    cp: cp - 0xFEE0
    for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for cp in range(lo, hi + 1)
}


# Tsheg, non-breaking tsheg and the shad marks (U+0F0D–U+0F12, U+0F14).
_TIBETAN_WORD_END = "\u0f0b\u0f0c\u0f0d\u0f0e\u0f0f\u0f10\u0f11\u0f12\u0f14"
# Tibetan digits ༠–༩ typed on a Tibetan keyboard search like ASCII digits.
_TIBETAN_DIGITS = {0x0F20 + i: 0x30 + i for i in range(10)}


def normalise_query(raw: str) -> str:
    """Trim, fold whitespace and full-width letters and digits, lower-case ASCII.

    Length is checked by the caller.
    """
    text = (raw or "").translate(_FULL_WIDTH_ALNUM).translate(_TIBETAN_DIGITS)
    text = unicodedata.normalize("NFC", text)
    text = _SPACE_RE.sub(" ", text.strip()).lower()
    # Tibetan words end in a tsheg (་) or not, as the typist likes, and a
    # phrase typed with its shad (།) is the same words.
    return " ".join(
        word.rstrip(_TIBETAN_WORD_END) or word for word in text.split(" ")
    ).strip()


def build_search_text(
    *,
    name: str,
    basic_code: str,
    keywords: str,
    implementation_codes: list[str],
    name_bo: str = "",
) -> str:
    full, initials = pinyin_forms(name)
    keyword_words = [w for w in _SPACE_RE.split(keywords.strip().lower()) if w]
    keyword_pinyin = [pinyin_forms(w)[0] for w in keyword_words]
    keyword_pinyin = [p for p in keyword_pinyin if p and p not in keyword_words]
    parts = [name.lower(), full, initials, basic_code.lower()]
    parts.append(" ".join(keyword_words))
    parts.append(" ".join(keyword_pinyin))
    parts.extend(code.lower() for code in implementation_codes)
    # The Tibetan name as searched: NFC, its syllables' tshegs kept; a query's
    # closing tsheg is dropped (normalise_query), so both forms find it.
    parts.append(normalise_query(name_bo))
    return SEPARATOR.join(p for p in parts if p)


@dataclass(frozen=True)
class QueryPlan:
    """How one (validated, normalised) query is matched and ranked.

    ``terms``: substrings that must all occur in search_text (one LIKE each;
    a single term for single-word and pinyin queries). ``text``: the query as
    typed, compared with the name. ``compact``: the query without spaces, as
    pinyin, initials or a code. ``code``: the upper-case code form, or "".
    """

    text: str
    terms: tuple[str, ...]
    compact: str
    code: str

    @property
    def is_implementation_code(self) -> bool:
        return len(self.code) == IMPLEMENTATION_CODE_LENGTH


def plan_query(q: str) -> QueryPlan:
    """Plan a query already passed through normalise_query and length checks.

    Space-separated ASCII is taken as pinyin typed with spaces ("hu zhao"), so
    it is matched without the spaces; other multi-word queries ("护照 签发")
    need every word, at most MAX_TERMS of them.
    """
    compact = q.replace(" ", "")
    if " " not in q or _ASCII_RE.match(q):
        terms: tuple[str, ...] = (compact,)
    else:
        words = list(dict.fromkeys(q.split(" ")))
        terms = tuple(words[:MAX_TERMS])
    code = compact.upper() if _CODE_RE.match(compact) else ""
    return QueryPlan(text=q, terms=terms, compact=compact, code=code)
