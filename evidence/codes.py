"""E-certificate identifiers (电子证照标识, GB/T 36904): pure, no ORM inside.

``1.2.156.3005.2.<type code 21>.<issuer credit code 18>.<serial ≤20>.<version 3>.<check>``

- the prefix is the OID arc of the national e-certificate system;
- the type code is the defining body's credit code (GB 32100) + 3 digits
  (catalog.CertificateType);
- the issuer is the issuing department's credit code (GB 32100);
- the serial is the issuer's own number of the certificate, 1 to 20 of
  ``0-9A-Z``;
- the version is 3 digits (``001`` for a first issue, up by one for a
  re-issue of the same certificate);
- the check character is ISO 7064 MOD 37,36 over type + issuer + serial +
  version without the dots.

Validators raise :class:`people.codes.CodeError` (a stable code and a Chinese
message that says exactly what is wrong, and never repeats the holder's data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from people.codes import CodeError, validate_credit_code

PREFIX = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SERIAL_RE = re.compile(r"^[0-9A-Z]{1,20}$")
VERSION_RE = re.compile(r"^[0-9]{3}$")
MAX_LENGTH = len(PREFIX) + 1 + 21 + 1 + 18 + 1 + 20 + 1 + 3 + 1 + 1


def mod37_36_check_char(text: str) -> str:
    """ISO 7064 hybrid system MOD 37,36 check character of ``text`` (0-9A-Z)."""
    m = 36
    p = m
    for ch in text:
        value = ALPHABET.index(ch)
        s = (p + value) % m or m
        p = (s * 2) % (m + 1)
    return ALPHABET[(m + 1 - p) % m]


def mod37_36_valid(text_with_check: str) -> bool:
    if len(text_with_check) < 2 or any(ch not in ALPHABET for ch in text_with_check):
        return False
    return mod37_36_check_char(text_with_check[:-1]) == text_with_check[-1]


@dataclass(frozen=True)
class Identifier:
    type_code: str
    issuer_code: str
    serial: str
    version: str
    check: str

    def __str__(self) -> str:
        return ".".join(
            (
                PREFIX,
                self.type_code,
                self.issuer_code,
                self.serial,
                self.version,
                self.check,
            )
        )


def make_identifier(
    *, type_code: str, issuer_code: str, serial: str, version: int | str = 1
) -> str:
    """The full identifier with its check character (arguments are validated)."""
    version = f"{int(version):03d}" if isinstance(version, int) else version
    body = type_code + issuer_code + serial + version
    ident = Identifier(
        type_code, issuer_code, serial, version, mod37_36_check_char(body)
    )
    text = str(ident)
    parse_identifier(text)  # the parts must make a valid identifier
    return text


def normalise_identifier(value: str) -> str:
    """Trimmed and upper-cased (a QR code or a hand-typed copy may be lower case)."""
    return (value or "").strip().upper()


def parse_identifier(value: str) -> Identifier:
    """Split and check an identifier; raises CodeError on the first problem."""
    if not isinstance(value, str) or not value:
        raise CodeError("identifier_empty", _("请输入电子证照标识"))
    if len(value) > MAX_LENGTH:
        raise CodeError(
            "identifier_length",
            _("电子证照标识过长：最多%(max)s个字符") % {"max": MAX_LENGTH},
        )
    if not value.startswith(PREFIX + "."):
        raise CodeError(
            "identifier_prefix",
            _("电子证照标识应以 %(prefix)s. 开头") % {"prefix": PREFIX},
        )
    parts = value[len(PREFIX) + 1 :].split(".")
    if len(parts) != 5:
        raise CodeError(
            "identifier_shape",
            _(
                "电子证照标识应由“前缀.证照类型代码.颁发机构代码.顺序号.版本号.校验位”组成"
            ),
        )
    type_code, issuer, serial, version, check = parts
    if (
        len(type_code) != 21
        or not type_code[18:].isascii()
        or not (type_code[18:].isdigit())
    ):
        raise CodeError(
            "identifier_type_code",
            _("证照类型代码应为21位：定义部门统一社会信用代码18位加3位数字"),
        )
    try:
        validate_credit_code(type_code[:18])
    except CodeError as exc:
        raise CodeError(
            "identifier_type_code", _("证照类型代码有误：%(m)s") % {"m": exc.message}
        ) from exc
    try:
        validate_credit_code(issuer)
    except CodeError as exc:
        raise CodeError(
            "identifier_issuer", _("颁发机构代码有误：%(m)s") % {"m": exc.message}
        ) from exc
    if not SERIAL_RE.match(serial):
        raise CodeError(
            "identifier_serial",
            _("顺序号应为1至20位数字或大写字母"),
        )
    if not VERSION_RE.match(version):
        raise CodeError("identifier_version", _("版本号应为3位数字"))
    if len(check) != 1 or check not in ALPHABET:
        raise CodeError("identifier_check", _("校验位应为1位数字或大写字母"))
    expected = mod37_36_check_char(type_code + issuer + serial + version)
    if check != expected:
        raise CodeError(
            "identifier_check",
            _("电子证照标识校验位错误：应为 %(expected)s，实际为 %(value)s")
            % {"expected": expected, "value": check},
        )
    return Identifier(type_code, issuer, serial, version, check)


def validate_identifier(value: str) -> None:
    parse_identifier(value)


def mask_credit_code(value: str) -> str:
    """91513301******YQ3X: kind and region kept, the organisation code hidden."""
    value = (value or "").strip()
    if len(value) < 10:
        return "*" * len(value)
    return value[:8] + "*" * (len(value) - 12) + value[-4:]
