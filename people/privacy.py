"""Personal data at the base: ID numbers (GB 11643), phones and names.

Resident ID numbers are validated (check character, birth date), stored so
that lookup works by keyed HMAC (``ID_HASH_KEY``), shown masked, and kept
encrypted (``ID_ENCRYPTION_KEY``) for the rare full display, which is logged
with its reason (people.services.applicants.applicant_reveal_id_number). A
number typed anywhere else (an application form, a certificate's data) is
sealed the same way into an envelope (:func:`seal_id_number`). Never write a
number, a phone or a name to a log.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import unicodedata

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.translation import gettext as _

from portal.errors import ServiceError
from portal.i18n import fold_digits, has_tibetan

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
    """Trimmed, upper-case, and folded: full-width digits typed by a Chinese
    input method (``５１３３…Ｘ``) and Tibetan digits (``༥༡༣༣…``, a Tibetan
    keyboard) become ASCII (portal.i18n.fold_digits); other scripts' digits
    stay and fail validation."""
    return fold_digits(value).strip().upper()


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def validate_id_number(value: str) -> dt.date:
    """Validate an 18-character resident ID number; return the birth date."""
    value = normalise_id_number(value)
    if len(value) != 18:
        raise IdNumberError(
            "id_number_length",
            _("身份证号码应为18位，实际为%(length)s位") % {"length": len(value)},
        )
    if not _ascii_digits(value[:17]) or not (
        _ascii_digits(value[17]) or value[17] == "X"
    ):
        raise IdNumberError(
            "id_number_chars", _("身份证号码前17位应为数字，最后一位为数字或X")
        )
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise IdNumberError(
            "id_number_birth_date",
            _("身份证号码中的出生日期 %(date)s 不是真实日期") % {"date": value[6:14]},
        ) from exc
    if birth > dt.date.today() or birth.year < 1900:
        raise IdNumberError(
            "id_number_birth_date",
            _("身份证号码中的出生日期 %(date)s 不合理") % {"date": value[6:14]},
        )
    expected = id_check_char(value[:17])
    if value[17] != expected:
        raise IdNumberError(
            "id_number_check", _("身份证号码校验位错误，请核对后重新输入")
        )
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


TSHEG = "\u0f0b\u0f0c"  # intersyllabic tsheg, non-breaking tsheg
_TIBETAN_SYLLABLE_END = re.compile(f"[{TSHEG}\\s]+")


def mask_name(value: str) -> str:
    """扎西 -> 扎*; a Tibetan name keeps its first syllable, one star for each
    other syllable: བཀྲ་ཤིས་ཚེ་རིང་ -> བཀྲ་***."""
    value = (value or "").strip()
    if has_tibetan(value):
        syllables = [s for s in _TIBETAN_SYLLABLE_END.split(value) if s]
        if len(syllables) <= 1:
            return value
        return syllables[0] + "\u0f0b" + "*" * (len(syllables) - 1)
    if len(value) <= 1:
        return value
    return value[0] + "*" * (len(value) - 1)


def normalise_name(value: str) -> str:
    """A typed name made comparable: NFC (Tibetan vowel signs typed in either
    order of the keyboard's composed/decomposed forms), spaces folded, and a
    Tibetan name's closing tsheg optional (བཀྲ་ཤིས and བཀྲ་ཤིས་ are the same)."""
    value = unicodedata.normalize("NFC", value or "")
    value = " ".join(value.split())
    if has_tibetan(value):
        value = value.rstrip(TSHEG + " ")
    return value


def same_name(a: str, b: str) -> bool:
    """Whether two typed names are the same person's name as written (the
    check of a name typed against the profile's)."""
    return normalise_name(a) == normalise_name(b)


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


# --- Sealed envelopes ------------------------------------------------------------
#
# A number kept inside JSON (an application form's "id-number" field, say) is
# stored as an envelope: a keyed hash for lookup, a masked copy to show, and
# the number encrypted for the rare audited full display; never the number.
# Drafts may hold a number that is not valid yet, so sealing does not
# validate; whoever relies on the number validates it opened again.

_SEALED_KEYS = {"masked", "hash", "encrypted"}


def is_sealed(value) -> bool:
    return isinstance(value, dict) and value.keys() == _SEALED_KEYS


def sealed_envelope(value: str, encrypted: str) -> dict:
    """The envelope of ``value`` whose encryption is ``encrypted`` (hash and mask derived)."""
    key = settings.ID_HASH_KEY.encode("utf-8")
    return {
        "masked": mask_id_number(value) if len(value) >= 10 else "*" * len(value),
        "hash": hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest(),
        "encrypted": encrypted,
    }


def seal_id_number(value: str) -> dict:
    """The stored form of a typed number (valid or not yet: drafts keep anything)."""
    value = normalise_id_number(value)
    return sealed_envelope(
        value, _fernet().encrypt(value.encode("utf-8")).decode("ascii")
    )


def open_id_number(sealed: dict) -> str | None:
    """The number in an envelope; None when it is not one this portal sealed."""
    try:
        return _fernet().decrypt(str(sealed["encrypted"]).encode("ascii")).decode()
    except (InvalidToken, KeyError, UnicodeError, ValueError):
        return None


REVEAL_REASON_MAX = 200


def reveal_reason(reason: str) -> str:
    """The reason given for showing a full ID number: required, at most 200."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            "reveal_reason_required", _("查看完整身份证号码须填写事由"), field="reason"
        )
    if len(reason) > REVEAL_REASON_MAX:
        raise ServiceError(
            "reveal_reason_length",
            _("事由最多%(max)s个字符") % {"max": REVEAL_REASON_MAX},
            field="reason",
        )
    return reason
