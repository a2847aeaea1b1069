"""Reads of the e-certificate library that other apps and the pages use.

- :func:`holders_for_user`: the holder keys a user acts for (their own
  profile, and every enterprise they are a member of);
- :func:`certificates_for_user`: the wallet (their certificates and their
  enterprises');
- :func:`verify`: the public verification answer (signature, file hash,
  status), with nothing sensitive in it;
- :func:`offers_for`: the holder's valid certificates of a type (once-only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from catalog.models import CertificateType
from people.selectors import applicant_profile_for_user, enterprises_for_user

from . import constants as c
from . import signing
from .codes import normalise_identifier, parse_identifier
from .documents import data_rows
from .holders import Holder, enterprise_holder, person_holder, public_holder_name
from .models import Certificate, SigningKey


def holders_for_user(*, user) -> list[Holder]:
    """The user's own holder key (if they have a real-name profile) and their enterprises'."""
    if user is None or not user.is_authenticated:
        return []
    holders = []
    profile = applicant_profile_for_user(user=user)
    if profile is not None:
        holders.append(person_holder(profile))
    holders.extend(enterprise_holder(e) for e in enterprises_for_user(user=user))
    return holders


def certificates_for_holders(holders: list[Holder]) -> QuerySet[Certificate]:
    return Certificate.objects.held_by([h.key for h in holders]).select_related(
        "certificate_type", "issuer"
    )


def certificates_for_user(*, user) -> QuerySet[Certificate]:
    """The wallet: every certificate the user holds or whose enterprise holds."""
    return certificates_for_holders(holders_for_user(user=user))


def certificate_for_user(*, user, identifier: str) -> Certificate | None:
    """One wallet certificate, or None (the pages answer 404)."""
    return (
        certificates_for_user(user=user)
        .filter(identifier=normalise_identifier(identifier))
        .first()
    )


def offers_for(
    *, holder: Holder, certificate_type: CertificateType, on: dt.date | None = None
) -> list[Certificate]:
    """The holder's valid certificates of ``certificate_type`` on ``on`` (today)."""
    on = on or timezone.localdate()
    return list(
        Certificate.objects.held_by([holder.key])
        .valid()
        .filter(certificate_type=certificate_type, valid_from__lte=on)
        .exclude(valid_until__lt=on)
        .select_related("certificate_type", "issuer")
        .order_by("-issued_on", "-pk")
    )


def data_rows_of(cert: Certificate) -> list[tuple[str, str]]:
    """(label, value) of a certificate's data, in its schema's order."""
    spec = getattr(cert.certificate_type, "spec", None)
    return data_rows(spec.data_schema if spec else {}, cert.data)


# --- verification ------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """The public answer about one identifier. No personal data beyond the masked holder."""

    identifier: str
    exists: bool
    valid: bool = False
    status: str = ""
    status_label: str = ""
    signature_ok: bool = False
    file_hash_ok: bool = False
    type_name: str = ""
    issuer_name: str = ""
    issuer_code: str = ""
    holder_masked: str = ""
    holder_name_masked: str = ""
    issued_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    key_id: str = ""

    def as_dict(self) -> dict:
        return {
            "identifier": self.identifier,
            "exists": self.exists,
            "valid": self.valid,
            "status": self.status or None,
            "signature_ok": self.signature_ok,
            "file_hash_ok": self.file_hash_ok,
            "type_name": self.type_name or None,
            "issuer": (
                {"name": self.issuer_name, "credit_code": self.issuer_code}
                if self.exists
                else None
            ),
            "holder": (
                {"name": self.holder_name_masked, "code": self.holder_masked}
                if self.exists
                else None
            ),
            "issued_on": self.issued_on,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "key_id": self.key_id or None,
        }


def content_digest_of(cert: Certificate) -> str:
    return signing.content_digest(
        type_code=cert.certificate_type.code,
        holder_kind=cert.holder_kind,
        holder_hash=cert.holder_hash,
        issued_on=cert.issued_on.isoformat(),
        valid_from=cert.valid_from.isoformat(),
        valid_until=cert.valid_until.isoformat() if cert.valid_until else None,
        data=cert.data,
    )


def signature_ok(cert: Certificate) -> bool:
    """Statement matches the stored content and file, and the key's signature holds."""
    key = cert.signing_key
    if key.revoked_at is not None:
        return False
    if (
        key.valid_until is not None
        and cert.created_at
        and cert.created_at > key.valid_until
    ):
        return False  # signed after the key was retired
    try:
        expected = signing.make_statement(
            identifier=cert.identifier,
            issuer=cert.issuer.credit_code,
            key_id=key.key_id,
            data_sha256=content_digest_of(cert),
            file_sha256=cert.file_sha256,
        )
    except (TypeError, ValueError):
        return False
    if expected != cert.statement.encode("utf-8"):
        return False
    return signing.signature_valid(key.public_key, expected, cert.signature)


def file_hash_ok(cert: Certificate) -> bool:
    """The stored file is the signed one: its body hashes to ``file_sha256``
    and its trailer carries the certificate's statement and signature."""
    try:
        with cert.file.open("rb") as fh:
            data = fh.read()
    except (OSError, ValueError):
        return False
    parts = signing.split_signed_file(data)
    if parts is None:
        return False
    body, statement, signature = parts
    return (
        signing.sha256_hex(body) == cert.file_sha256
        and statement == cert.statement.encode("utf-8")
        and signature == cert.signature
    )


def verify(identifier: str) -> Verification:
    """The verification of an identifier (already checked by parse_identifier).

    ``valid`` only when the certificate exists, its status is valid, today
    is within its dates, and both signature and file check out.
    """
    identifier = normalise_identifier(identifier)
    parse_identifier(identifier)  # CodeError for a malformed one
    cert = (
        Certificate.objects.select_related("certificate_type", "issuer", "signing_key")
        .filter(identifier=identifier)
        .first()
    )
    if cert is None:
        return Verification(identifier=identifier, exists=False)
    sig = signature_ok(cert)
    fh = file_hash_ok(cert)
    today = timezone.localdate()
    in_dates = cert.valid_from <= today and (
        cert.valid_until is None or cert.valid_until >= today
    )
    status = cert.status
    return Verification(
        identifier=identifier,
        exists=True,
        valid=status == c.CertificateStatus.VALID and in_dates and sig and fh,
        status=status,
        status_label=str(c.CertificateStatus(status).label),
        signature_ok=sig,
        file_hash_ok=fh,
        type_name=cert.certificate_type.name,
        issuer_name=cert.issuer.name,
        issuer_code=cert.issuer.credit_code,
        holder_masked=cert.holder_masked,
        holder_name_masked=public_holder_name(cert.holder_kind, cert.holder_name),
        issued_on=cert.issued_on,
        valid_from=cert.valid_from,
        valid_until=cert.valid_until,
        key_id=cert.signing_key.key_id,
    )


def public_keys() -> QuerySet[SigningKey]:
    """Every department key with its validity (the ``/keys/`` list)."""
    return SigningKey.objects.select_related("department").order_by(
        "department__credit_code", "valid_from"
    )


def issued_by(*, department_id: int, status: str = "", query: str = "") -> QuerySet:
    """What a department issued, newest first, for its own staff's desk.

    ``query`` matches an identifier, a serial or an application number
    (exactly, after normalising); never a holder's number or name.
    """
    qs = (
        Certificate.objects.filter(issuer_id=department_id)
        .select_related("certificate_type")
        .order_by("-issued_on", "-pk")
    )
    if status in c.CertificateStatus.values:
        qs = qs.filter(status=status)
    query = (query or "").strip()
    if query:
        ident = normalise_identifier(query)
        qs = qs.filter(
            models.Q(identifier=ident)
            | models.Q(serial=query.upper())
            | models.Q(application_number=query.upper())
        )
    return qs


def department_keys(department_id: int) -> QuerySet[SigningKey]:
    return SigningKey.objects.filter(department_id=department_id).order_by(
        "-valid_from"
    )
