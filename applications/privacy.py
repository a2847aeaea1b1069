"""Citizen ID numbers (GB 11643): validation, keyed hash, masking, encryption.

DOMAIN.md "Privacy": store so that lookup works by keyed hash, mask in lists
and logs, log every display of a full number with its reason (see
applications.services.applicant_reveal_id_number), never write them to logs.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import unicodedata

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


class IdNumberError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def id_check_char(first17: str) -> str:
    return ID_CHECK[
        sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11
    ]


def normalise_id_number(value: str) -> str:
    """Trimmed, upper-case, and NFKC-folded: full-width digits typed by a Chinese
    input method (``５１３３…Ｘ``) become ASCII; other scripts' digits stay and
    fail validation."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def validate_id_number(value: str) -> dt.date:
    """Validate an 18-character resident ID number; return the birth date."""
    value = normalise_id_number(value)
    if len(value) != 18:
        raise IdNumberError(
            "id_number_length", f"身份证号码应为18位，实际为{len(value)}位"
        )
    if not _ascii_digits(value[:17]) or not (
        _ascii_digits(value[17]) or value[17] == "X"
    ):
        raise IdNumberError(
            "id_number_chars", "身份证号码前17位应为数字，最后一位为数字或X"
        )
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise IdNumberError(
            "id_number_birth_date", f"身份证号码中的出生日期 {value[6:14]} 不是真实日期"
        ) from exc
    if birth > dt.date.today() or birth.year < 1900:
        raise IdNumberError(
            "id_number_birth_date", f"身份证号码中的出生日期 {value[6:14]} 不合理"
        )
    expected = id_check_char(value[:17])
    if value[17] != expected:
        raise IdNumberError("id_number_check", "身份证号码校验位错误，请核对后重新输入")
    return birth


def make_id_number(first17: str) -> str:
    """Complete 17 digits with the check character (tests and demo data)."""
    return first17 + id_check_char(first17)


def id_number_hash(value: str) -> str:
    key = settings.ID_HASH_KEY.encode("utf-8")
    return hmac.new(
        key, normalise_id_number(value).encode("ascii"), hashlib.sha256
    ).hexdigest()


def mask_id_number(value: str) -> str:
    """513301********1234: region kept, birth date and sequence hidden."""
    value = normalise_id_number(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    value = (value or "").strip()
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]


def mask_name(value: str) -> str:
    value = (value or "").strip()
    if len(value) <= 1:
        return value
    return value[0] + "*" * (len(value) - 1)


def _fernet() -> Fernet:
    digest = hashlib.sha256(
        ("ganzi-id-encryption:" + settings.ID_ENCRYPTION_KEY).encode("utf-8")
    ).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_id_number(value: str) -> str:
    return _fernet().encrypt(normalise_id_number(value).encode("ascii")).decode("ascii")


def decrypt_id_number(token: str) -> str:
    return _fernet().decrypt(token.encode("ascii")).decode("ascii")


def stored_id_number_fields(value: str) -> dict:
    """The ApplicantProfile columns that hold one (valid) ID number."""
    return {
        "id_number_hash": id_number_hash(value),
        "id_number_masked": mask_id_number(value),
        "id_number_encrypted": encrypt_id_number(value),
        "birth_date": validate_id_number(value),
    }


# --- ID numbers inside application forms ------------------------------------------
#
# A form field of format "id-number" (a deceased's or a child's number, say)
# is kept like the applicant's own: a keyed hash for lookup, a masked copy to
# show, and the number encrypted for the rare audited full display. In
# Application.form_data such a field holds that envelope, never the number;
# the number is validated before it is sealed (and, for drafts, when they are
# submitted, from the envelope opened again).

ID_NUMBER_FORMAT = "id-number"
_SEALED_KEYS = {"masked", "hash", "encrypted"}


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


def is_sealed(value) -> bool:
    return isinstance(value, dict) and value.keys() == _SEALED_KEYS


def _sealed(value: str, encrypted: str) -> dict:
    key = settings.ID_HASH_KEY.encode("utf-8")
    return {
        "masked": mask_id_number(value) if len(value) >= 10 else "*" * len(value),
        "hash": hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest(),
        "encrypted": encrypted,
    }


def seal_id_number(value: str) -> dict:
    """The stored form of a typed number (valid or not yet: drafts keep anything)."""
    value = normalise_id_number(value)
    return _sealed(value, _fernet().encrypt(value.encode("utf-8")).decode("ascii"))


def open_id_number(sealed: dict) -> str | None:
    """The number in an envelope; None when it is not one this portal sealed."""
    try:
        return _fernet().decrypt(str(sealed["encrypted"]).encode("ascii")).decode()
    except (InvalidToken, KeyError, UnicodeError, ValueError):
        return None


def _form_map(schema, data, convert):
    fields = form_id_fields(schema) if isinstance(data, dict) else ()
    if not fields:
        return data
    out = dict(data)
    for name in fields:
        if name in out:
            out[name] = convert(out[name])
    return out


def _id_field_title(schema, name: str) -> str:
    prop = schema.get("properties", {}).get(name)
    title = prop.get("title") if isinstance(prop, dict) else None
    return title if isinstance(title, str) and title else name


def form_sealed(schema, data):
    """Form data to store: numbers typed into id-number fields sealed.

    Only text is a number: a list, a number, a boolean or an object in an
    id-number field is refused (``id_number_not_text``, field ``$.name``),
    so nothing but an envelope or blank text is ever stored there. An
    envelope is what a form hands back for a number it keeps (a blank field
    keeps the saved one): it must open with this portal's key, and its masked
    copy and hash are derived again from the number it holds, so an envelope
    written by a client cannot carry a number in plain text.
    """
    from portal.errors import ServiceError

    def refuse(name: str):
        title = _id_field_title(schema, name)
        return ServiceError(
            "id_number_not_text",
            f"“{title}”应填写为文字形式的身份证号码（18位）",
            field=f"$.{name}",
        )

    fields = form_id_fields(schema) if isinstance(data, dict) else ()
    if not fields:
        return data
    out = dict(data)
    for name in fields:
        if name not in out:
            continue
        value = out[name]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, str):
            out[name] = seal_id_number(value)
        elif is_sealed(value) and (number := open_id_number(value)) is not None:
            out[name] = _sealed(number, str(value["encrypted"]))
        else:
            raise refuse(name)
    return out


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


REVEAL_REASON_MAX = 200


def reveal_reason(reason: str) -> str:
    """The reason given for showing a full ID number: required, at most 200."""
    from portal.errors import ServiceError

    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            "reveal_reason_required", "查看完整身份证号码须填写事由", field="reason"
        )
    if len(reason) > REVEAL_REASON_MAX:
        raise ServiceError(
            "reveal_reason_length",
            f"事由最多{REVEAL_REASON_MAX}个字符",
            field="reason",
        )
    return reason
