"""The catalog's own codes (docs/domain.md): basic and implementation codes.

Pure, no ORM inside. Each returns None when the value is valid, or raises
people.codes.CodeError with a stable code and a Chinese message. The codes
that name bodies and places (GB 32100 credit codes, GB/T 2260 region codes)
live at the base, in people.codes, and are used from there.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from people.codes import CodeError, validate_credit_code

BASIC_CODE_RE = re.compile(r"^[0-9A-Z]{12}$")
AUTHORITY_LEVELS = {
    "1": "国家级",
    "2": "省级",
    "3": "市（州）级",
    "4": "县级",
    "5": "乡镇（街道）级",
    "6": "村（社区）级",
}


def validate_basic_code(value: str) -> None:
    """Basic code: opaque, 12 upper-case letters or digits."""
    if not isinstance(value, str) or len(value) != 12:
        raise CodeError(
            "basic_code_length",
            _("基本编码应为12位，实际为%(length)s位") % {"length": len(value or "")},
        )
    if not BASIC_CODE_RE.match(value):
        raise CodeError("basic_code_chars", _("基本编码只能由数字和大写字母组成"))


def validate_implementation_code(
    value: str, *, credit_code: str | None = None, basic_code: str | None = None
) -> None:
    """31 characters: body's credit code (18) + authority level (1) + basic code (12)."""
    if not isinstance(value, str) or len(value) != 31:
        raise CodeError(
            "implementation_code_length",
            _("实施编码应为31位，实际为%(length)s位") % {"length": len(value or "")},
        )
    try:
        validate_credit_code(value[:18])
    except CodeError as exc:
        raise CodeError(
            "implementation_code_credit",
            _("实施编码前18位（实施主体代码）无效：%(message)s")
            % {"message": exc.message},
        ) from exc
    if value[18] not in AUTHORITY_LEVELS:
        raise CodeError(
            "implementation_code_level", _("实施编码第19位（行使层级）应为1至6")
        )
    try:
        validate_basic_code(value[19:])
    except CodeError as exc:
        raise CodeError(
            "implementation_code_basic",
            _("实施编码后12位（基本编码）无效：%(message)s") % {"message": exc.message},
        ) from exc
    if credit_code is not None and value[:18] != credit_code:
        raise CodeError(
            "implementation_code_body",
            _("实施编码前18位与实施主体的统一社会信用代码不一致"),
        )
    if basic_code is not None and value[19:] != basic_code:
        raise CodeError(
            "implementation_code_item", _("实施编码后12位与事项基本编码不一致")
        )
