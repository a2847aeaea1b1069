"""The access log: every read of a certificate by someone other than its holder.

Reads are recorded by the service that reads (inside its transaction), and
refused reads too, so the holder's "who read my data" shows attempts as well.
Rows carry ids and names of items and departments only, never the holder's
number. :func:`certificate_read` is the one gate for staff reading a
certificate outside an application's own intake: a department may read it
through a sharing rule for the item, or when the caller (applications, which
knows its applications) says the reader works on an application that
references it; everything else is refused, logged, and answered 404.
"""

from __future__ import annotations

from django.db import transaction

from ..constants import AccessOutcome, AccessPurpose
from ..models import AccessLogEntry, Certificate, SharingRule


def certificate_access_record(
    *,
    certificate: Certificate,
    reader,
    department=None,
    application_id: int | None = None,
    application_number: str = "",
    item_name: str = "",
    purpose: str,
    outcome: str,
) -> AccessLogEntry:
    """Append one access-log row (inside the caller's transaction, or on its own)."""
    return AccessLogEntry.objects.create(
        certificate=certificate,
        holder_kind=certificate.holder_kind,
        holder_hash=certificate.holder_hash,
        reader=reader,
        department=department,
        application_id=application_id,
        application_number=application_number[:47],
        item_name=item_name[:200],
        purpose=purpose,
        outcome=outcome,
    )


def sharing_rule_allows(*, department, certificate_type, item) -> bool:
    if department is None:
        return False
    return SharingRule.objects.filter(
        department=department, certificate_type=certificate_type, active=True
    ).filter(item__isnull=True).exists() or (
        item is not None
        and SharingRule.objects.filter(
            department=department,
            certificate_type=certificate_type,
            item=item,
            active=True,
        ).exists()
    )


def certificate_read(
    *,
    identifier: str,
    reader,
    department,
    through_application: bool,
    application_id: int | None = None,
    application_number: str = "",
    item=None,
    item_name: str = "",
) -> Certificate | None:
    """A staff member reads a certificate: granted and logged, or refused and logged.

    ``through_application``: the caller established that ``reader`` handles
    an application (``application_id``) that references this certificate.
    Otherwise a sharing rule of ``department`` for the type (and ``item``)
    must allow it. Returns None when refused or unknown (callers answer 404;
    an unknown identifier has no holder and logs nothing). The log row is
    written in its own transaction so a refusal stays logged whatever the
    caller does next.
    """
    cert = (
        Certificate.objects.select_related("certificate_type", "issuer")
        .filter(identifier=identifier)
        .first()
    )
    if cert is None:
        return None
    if through_application:
        purpose = AccessPurpose.REVIEW
        allowed = True
    else:
        purpose = AccessPurpose.SHARING_RULE
        allowed = sharing_rule_allows(
            department=department, certificate_type=cert.certificate_type, item=item
        )
    with transaction.atomic():
        certificate_access_record(
            certificate=cert,
            reader=reader,
            department=department,
            application_id=application_id,
            application_number=application_number,
            item_name=item_name or (getattr(item, "name", "") or ""),
            purpose=purpose,
            outcome=AccessOutcome.GRANTED if allowed else AccessOutcome.REFUSED,
        )
    return cert if allowed else None
