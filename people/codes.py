"""Codes that name people and organisations, for every app: pure, no ORM inside.

GB 32100 unified social credit codes (an enterprise, a government body, an
intermediary: who they are) and GB/T 2260 administrative region codes (where
a person lives, where a body sits). They sit at the base so identity
(people) and the catalog (bodies, regions) check them the same way; the
catalog's own codes (basic and implementation codes) are in catalog.codes.
GB 11643 resident ID numbers are in people.privacy; mainland mobile numbers
at the end.

Each validator returns None when the value is valid, or raises CodeError with
a stable code and a Chinese message that says exactly what is wrong.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from portal.i18n import fold_digits

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class CodeError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def credit_check_char(first17: str) -> str:
    total = sum(
        CREDIT_ALPHABET.index(ch) * w
        for ch, w in zip(first17, CREDIT_WEIGHTS, strict=True)
    )
    c = 31 - total % 31
    return CREDIT_ALPHABET[0 if c == 31 else c]


def validate_credit_code(value: str) -> None:
    """GB 32100 unified social credit code."""
    if not isinstance(value, str) or len(value) != 18:
        raise CodeError(
            "credit_code_length",
            _("统一社会信用代码应为18位，实际为%(length)s位")
            % {"length": len(value or "")},
        )
    bad = sorted({ch for ch in value if ch not in CREDIT_ALPHABET})
    if bad:
        raise CodeError(
            "credit_code_chars",
            _(
                "统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V 及小写字母）"
            )
            % {"chars": "、".join(bad)},
        )
    if not value[2:8].isdigit():
        raise CodeError(
            "credit_code_region",
            _("统一社会信用代码第3至8位应为行政区划代码（6位数字）"),
        )
    expected = credit_check_char(value[:17])
    if value[17] != expected:
        raise CodeError(
            "credit_code_check",
            _("统一社会信用代码校验位错误：应为 %(expected)s，实际为 %(value)s")
            % {"expected": expected, "value": value[17]},
        )


def make_credit_code(first17: str) -> str:
    """Complete a 17-character stem with its check character (demo data, tests)."""
    return first17 + credit_check_char(first17)


def region_level(code: str) -> str:
    """Level of a GB/T 2260 code (province/prefecture/county/township/village)."""
    if len(code) == 6:
        if code[2:] == "0000":
            return "province"
        if code[4:] == "00":
            return "prefecture"
        return "county"
    if len(code) == 9:
        return "township"
    return "village"


def validate_region_code(value: str) -> None:
    """GB/T 2260 region code: 6 digits, extended to 9 (township) or 12 (village)."""
    # isascii: str.isdigit() also accepts full-width, superscript and other
    # scripts' digits, which would make a second "513301".
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        raise CodeError("region_code_chars", _("行政区划代码只能由数字（0-9）组成"))
    if len(value) not in (6, 9, 12):
        raise CodeError(
            "region_code_length",
            _(
                "行政区划代码应为6位（县级及以上）、9位（乡镇）或12位（村），实际为%(length)s位"
            )
            % {"length": len(value)},
        )
    if value[:2] == "00":
        raise CodeError("region_code_province", _("行政区划代码前两位（省级）不能为00"))
    if len(value) == 6 and value[2:4] == "00" and value[4:] != "00":
        raise CodeError(
            "region_code_shape", _("行政区划代码第3、4位为00时第5、6位也应为00")
        )
    if len(value) > 6 and value[4:6] == "00":
        raise CodeError(
            "region_code_shape", _("乡镇、村级代码的前6位应为县级行政区划代码")
        )


# --- Mainland mobile numbers ---------------------------------------------------

MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def normalise_mobile(value: str) -> str:
    """As typed, made comparable: full-width digits from a Chinese input method
    and Tibetan digits become ASCII (portal.i18n.fold_digits), spaces and
    hyphens removed."""
    return re.sub(r"[\s-]", "", fold_digits(value))


def is_mobile(value: str) -> bool:
    """An 11-digit mainland mobile number starting with 1 (normalised first)."""
    return bool(MOBILE_RE.match(value))
