"""The audit chain: append entries (inside the caller's transaction), verify it.

Callers are services; they call :func:`audit_record` inside their own
``transaction.atomic()`` so the entry commits or rolls back with the change.
"""

from __future__ import annotations

import hashlib
import json
import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEntry
from .request_context import current_ip

GENESIS = "0" * 64


def _canonical(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def chain_for_connection() -> int:
    """The chain this database connection appends to (fixed per connection).

    Every append of one transaction goes to one chain, so a transaction holds
    at most one chain head lock and two transactions cannot deadlock on them.
    """
    conn = transaction.get_connection()
    chain = getattr(conn, "_audit_chain", None)
    if chain is None:
        chain = random.randint(1, settings.AUDIT_CHAINS)  # noqa: S311 - not security
        conn._audit_chain = chain
    return chain


def entry_payload(
    *,
    chain: int = 1,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: dict,
    source_ip: str | None,
) -> str:
    """The canonical text of an entry's content, hashed after the previous hash."""
    return json.dumps(
        {
            "chain": chain,
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": object_repr,
            "changes": changes,
            "source_ip": source_ip,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=_canonical,
    )


def entry_digest(*, prev_hash: str, **fields) -> str:
    """SHA-256 (hex) of the previous hash followed by :func:`entry_payload`."""
    payload = entry_payload(**fields)
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def entry_fields(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
    changes: dict | None = None,
    source_ip: str | None = None,
) -> dict:
    """An entry's content as :func:`audit_record` stores and hashes it (no chain)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr if object_repr is not None else str(obj)[:200]
    actor_label = (getattr(actor, "username", "") or "system") if actor else "system"
    return dict(
        actor_id=getattr(actor, "pk", None) if actor is not None else None,
        actor_label=actor_label,
        action=action,
        object_type=object_type or "",
        object_id=object_id or "",
        object_repr=object_repr or "",
        changes=json.loads(json.dumps(changes or {}, default=_canonical)),
        source_ip=source_ip if source_ip is not None else current_ip.get(),
    )


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
    changes: dict | None = None,
    source_ip: str | None = None,
) -> AuditEntry:
    """Append one entry. Must run inside the caller's transaction.

    Inside :func:`audit_batch` the entry is appended when the batch ends
    (its chain, sequence and hashes are filled in then).
    """
    fields = entry_fields(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=changes,
        source_ip=source_ip,
    )
    entry = AuditEntry(at=timezone.now(), **fields)
    conn = transaction.get_connection()
    batch = getattr(conn, "_audit_batch", None)
    if batch is not None:
        batch.append(entry)
    else:
        _append(conn, [entry])
    return entry


@contextmanager
def audit_batch():
    """Append the entries recorded inside together, when the block ends.

    For a use case that records several entries in one transaction: they are
    linked and written in one head move and one insert, and the chain head
    is locked only from the end of the block to commit, after the locks the
    use case itself takes (the same order as use cases that record one entry
    at their end). Must run inside the caller's transaction, around work that
    succeeds or fails as a whole: an exception leaving the block appends
    nothing, but one caught inside it (a rolled-back savepoint) does not take
    back the entries recorded before. Nested batches append with the
    outermost.
    """
    conn = transaction.get_connection()
    if getattr(conn, "_audit_batch", None) is not None:
        yield
        return
    entries: list[AuditEntry] = []
    conn._audit_batch = entries
    try:
        yield
    finally:
        conn._audit_batch = None
    if entries:
        _append(conn, entries)


def _link(entries: list[AuditEntry], chain: int, seq: int, prev: str) -> str:
    """Give ``entries`` their place after (seq, prev) on ``chain``; the last hash."""
    for entry in entries:
        seq += 1
        entry.chain, entry.seq, entry.prev_hash = chain, seq, prev
        entry.hash = prev = entry_digest(
            prev_hash=prev,
            chain=chain,
            seq=seq,
            at=entry.at,
            **{name: getattr(entry, name) for name in _CONTENT},
        )
    return prev


_CONTENT = (
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "source_ip",
)


def _append(conn, entries: list[AuditEntry]) -> None:
    """Link ``entries`` to the head of this connection's chain and write them.

    After the entry this connection appended last, while that is still the
    head: one compare-and-set UPDATE, which takes the same row lock as a
    locked read and moves the head only while it is still (seq, hash) of
    that entry, so the new entries link to the real head exactly as after a
    locked read. Anything else (another connection appended to this chain
    meanwhile, the last entry rolled back, a new connection) reads the head
    under lock. Then one INSERT for all of them.
    """
    # No savepoint: entries that fail to append fail the caller's change,
    # which rolls back as a whole; outside a transaction this is the transaction.
    with transaction.atomic(savepoint=False):
        chain = chain_for_connection()
        own = getattr(conn, "_audit_head", None)
        moved = False
        if own is not None and own[0] == chain:
            _, last_seq, last_hash = own
            digest = _link(entries, chain, last_seq, last_hash)
            moved = AuditChainHead.objects.filter(
                pk=chain, last_seq=last_seq, last_hash=last_hash
            ).update(last_hash=digest, last_seq=entries[-1].seq)
        if not moved:
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=chain)
            digest = _link(entries, chain, head.last_seq, head.last_hash)
            AuditChainHead.objects.filter(pk=chain).update(
                last_hash=digest, last_seq=entries[-1].seq
            )
        AuditEntry.objects.bulk_create(entries)
        conn._audit_head = (chain, entries[-1].seq, digest)


@dataclass
class BrokenLink:
    chain: int
    seq: int
    reason: str


def audit_verify(*, batch_size: int = 2000) -> tuple[int, BrokenLink | None]:
    """Walk every chain in order; return (entries checked, first broken link)."""
    checked = 0
    heads = {h.pk: h for h in AuditChainHead.objects.all()}
    chains = set(heads) | set(
        AuditEntry.objects.values_list("chain", flat=True).distinct()
    )
    for chain in sorted(chains):
        count, broken = _verify_chain(chain, heads.get(chain), batch_size)
        checked += count
        if broken is not None:
            return checked, broken
    return checked, None


def _verify_chain(chain: int, head, batch_size: int) -> tuple[int, BrokenLink | None]:
    prev = GENESIS
    expected_seq = 1
    checked = 0
    qs = (
        AuditEntry.objects.filter(chain=chain)
        .order_by("seq")
        .values(
            "chain",
            "seq",
            "at",
            "actor_id",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "source_ip",
            "prev_hash",
            "hash",
        )
    )
    for row in qs.iterator(chunk_size=batch_size):
        if row["seq"] != expected_seq:
            return checked, BrokenLink(
                chain, expected_seq, "missing entry (gap in sequence)"
            )
        if row["prev_hash"] != prev:
            return checked, BrokenLink(chain, row["seq"], "prev_hash does not match")
        digest = entry_digest(
            prev_hash=row["prev_hash"],
            chain=chain,
            seq=row["seq"],
            at=row["at"],
            actor_id=row["actor_id"],
            actor_label=row["actor_label"],
            action=row["action"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            object_repr=row["object_repr"],
            changes=row["changes"],
            source_ip=row["source_ip"],
        )
        if digest != row["hash"]:
            return checked, BrokenLink(
                chain, row["seq"], "content does not match its hash"
            )
        prev = row["hash"]
        expected_seq += 1
        checked += 1
    if head is None or head.last_seq != checked or head.last_hash != prev:
        return checked, BrokenLink(
            chain, checked + 1, "entries missing at the end of the chain"
        )
    return checked, None
