"""Who holds a certificate, named the way people names identity (people.privacy).

A holder is (kind, keyed hash, masked code): for a natural person the HMAC of
the normalised ID number (the same digest as ``ApplicantProfile.id_number_hash``,
so a profile finds its certificates by one indexed lookup), for a legal person
the HMAC of the credit code. Never the number itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from catalog.constants import ServedParty
from people.codes import CodeError, validate_credit_code
from people.privacy import (
    IdNumberError,
    id_number_hash,
    mask_id_number,
    mask_name,
    normalise_id_number,
    validate_id_number,
)
from portal.errors import ServiceError

from .codes import mask_credit_code


@dataclass(frozen=True)
class Holder:
    kind: str
    digest: str
    masked: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.digest)


def holder_from_number(kind: str, number: str, *, field: str = "holder") -> Holder:
    """Validate an ID number (GB 11643) or credit code (GB 32100) and name its holder.

    The error says what is wrong with the number, never the number.
    """
    number = normalise_id_number(number)
    if kind == ServedParty.NATURAL:
        try:
            validate_id_number(number)
        except IdNumberError as exc:
            # people's message quotes the birth date: part of the number.
            message = (
                _("身份证号码中的出生日期不是真实日期")
                if exc.code == "id_number_birth_date"
                else exc.message
            )
            raise ServiceError(exc.code, message, field=field) from exc
        return Holder(kind, id_number_hash(number), mask_id_number(number))
    if kind == ServedParty.LEGAL:
        try:
            validate_credit_code(number)
        except CodeError as exc:
            raise ServiceError(exc.code, exc.message, field=field) from exc
        return Holder(kind, id_number_hash(number), mask_credit_code(number))
    raise ServiceError("holder_kind_invalid", _("持证主体类型无效"), field=field)


def person_holder(profile) -> Holder:
    """The holder key of a real-name profile (people.ApplicantProfile)."""
    return Holder(ServedParty.NATURAL, profile.id_number_hash, profile.id_number_masked)


def enterprise_holder(enterprise) -> Holder:
    return Holder(
        ServedParty.LEGAL,
        id_number_hash(enterprise.credit_code),
        mask_credit_code(enterprise.credit_code),
    )


def public_holder_name(kind: str, name: str) -> str:
    """What the public sees of a holder's name: a person's masked, a body's in full."""
    return mask_name(name) if kind == ServedParty.NATURAL else name
