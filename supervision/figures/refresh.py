"""Keeping the facts and cells current: the audit feed, and the full rebuild.

The change feed is the audit chain (portal.audit): every service that
changes an application, case, task, card, clock, material or rating appends
an entry in its own transaction, and each chain's ``seq`` is gap-free in
commit order (an append holds the chain head's row lock until its
transaction ends, so entry n+1 commits only after entry n did, and a rolled
back append gives its number back). :func:`refresh_pending` reads each
chain after its cursor, maps the entries to applications, rebuilds their
facts and the cells they touch, and advances the cursor, all in one
transaction per chain batch: run twice, late or concurrently it does the
same (docs/adr/0010-supervision-figures.md).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from applications.models import Application, ApplicationMaterial
from portal.models import AuditChainHead, AuditEntry, Clock
from supervision.models import (
    Appeal,
    ApplicationFact,
    FeedCursor,
    Rating,
    Rectification,
    StepFact,
    VisitRatingFact,
)
from workflow import constants as wc
from workflow.models import (
    Card,
    Case,
    Consultation,
    Extension,
    Inspection,
    SupplementRequest,
    Task,
)

from .builder import build_facts, build_visit_ratings
from .cells import (
    rebuild_cells,
    rebuild_step_cells,
    refresh_day_cells,
    refresh_step_cells,
)
from .metrics import ANCHORS

logger = logging.getLogger(__name__)

FEED_BATCH = 2000
BUILD_CHUNK = 1000
# The cursor row with this chain number (no audit chain has it) is the
# writers' lock: every transaction that writes facts or cells locks it first,
# so two feed runs (or a run and a rebuild) never rebuild the same facts at
# once; its updated_at is when the figures were last brought up to date.
LOCK_CHAIN = 0

# Audit object types of a case's parts: object_id -> case_id.
_CASE_PARTS = {
    "workflow.extension": Extension,
    "workflow.supplementrequest": SupplementRequest,
    "workflow.inspection": Inspection,
    "workflow.consultation": Consultation,
}


def _ints(values: Iterable[str]) -> list[int]:
    out = []
    for v in values:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            continue
    return out


def applications_of(entries: Iterable[tuple[str, str]]) -> tuple[set[int], set[int]]:
    """(application ids, visit rating ids) the entries' objects belong to."""
    by_type: dict[str, list[str]] = {}
    for object_type, object_id in entries:
        by_type.setdefault(object_type, []).append(object_id)
    apps: set[int] = set()
    visit_ratings: set[int] = set()
    case_ids: set[int] = set()
    task_ids: set[int] = set()
    for object_type, ids in by_type.items():
        ids_int = _ints(ids)
        if not ids_int:
            continue
        if object_type == "applications.application":
            apps.update(ids_int)
        elif object_type == "applications.applicationmaterial":
            apps.update(
                ApplicationMaterial.objects.filter(pk__in=ids_int).values_list(
                    "application_id", flat=True
                )
            )
        elif object_type == "workflow.case":
            case_ids.update(ids_int)
        elif object_type == "workflow.task":
            task_ids.update(ids_int)
        elif object_type == "workflow.card":
            case_ids.update(
                Card.objects.filter(pk__in=ids_int).values_list("case_id", flat=True)
            )
        elif object_type in _CASE_PARTS:
            case_ids.update(
                _CASE_PARTS[object_type]
                .objects.filter(pk__in=ids_int)
                .values_list("case_id", flat=True)
            )
        elif object_type == "portal.clock":
            for subject_type, subject_id in Clock.objects.filter(
                pk__in=ids_int
            ).values_list("subject_type", "subject_id"):
                if subject_type == wc.SUBJECT_CASE:
                    case_ids.add(subject_id)
                elif subject_type == wc.SUBJECT_TASK:
                    task_ids.add(subject_id)
        elif object_type == "supervision.rating":
            for pk, app_id in Rating.objects.filter(pk__in=ids_int).values_list(
                "pk", "application_id"
            ):
                if app_id is None:
                    visit_ratings.add(pk)
                else:
                    apps.add(app_id)
        elif object_type in ("supervision.rectification", "supervision.appeal"):
            model = Rectification if object_type.endswith("rectification") else Appeal
            qs = model.objects.filter(pk__in=ids_int)
            for app_id, rating_id in qs.values_list(
                "rating__application_id", "rating_id"
            ):
                if app_id is None:
                    visit_ratings.add(rating_id)
                else:
                    apps.add(app_id)
    if task_ids:
        case_ids.update(
            Task.objects.filter(pk__in=task_ids).values_list("case_id", flat=True)
        )
    if case_ids:
        apps.update(
            Case.objects.filter(pk__in=case_ids).values_list(
                "application_id", flat=True
            )
        )
    return apps, visit_ratings


def _pairs(facts: Iterable) -> set[tuple[dt.date, int]]:
    """The (day, department) cells a fact counts in (one per anchor day)."""
    out = set()
    for f in facts:
        for anchor in ANCHORS:
            day = f[anchor] if isinstance(f, dict) else getattr(f, anchor)
            if day is not None:
                dept = f["department_id"] if isinstance(f, dict) else f.department_id
                out.add((day, dept))
    return out


def refresh_applications(ids: Iterable[int]) -> int:
    """Rebuild the facts of ``ids`` and every cell they counted in before or now.

    In one transaction holding the writers' lock (the feed's, or its own).
    """
    ids = sorted(set(ids))
    done = 0
    with transaction.atomic():
        _writers_lock(wait=True)
        done = _refresh_ids(ids)
    return done


def _refresh_ids(ids: list[int]) -> int:
    done = 0
    for i in range(0, len(ids), BUILD_CHUNK):
        chunk = ids[i : i + BUILD_CHUNK]
        old = list(
            ApplicationFact.objects.filter(application_id__in=chunk).values(
                "department_id", *ANCHORS
            )
        )
        old_steps = set(
            StepFact.objects.filter(
                application_id__in=chunk, done_on__isnull=False
            ).values_list("done_on", "department_id")
        )
        facts, steps = build_facts(chunk)
        ApplicationFact.objects.filter(application_id__in=chunk).delete()
        StepFact.objects.filter(application_id__in=chunk).delete()
        ApplicationFact.objects.bulk_create(facts)
        StepFact.objects.bulk_create(steps)
        refresh_day_cells(_pairs(old) | _pairs(facts))
        refresh_step_cells(
            old_steps | {(s.done_on, s.department_id) for s in steps if s.done_on}
        )
        done += len(facts)
    return done


def refresh_visit_ratings(ids: Iterable[int]) -> int:
    ids = list(ids)
    VisitRatingFact.objects.filter(rating_id__in=ids).delete()
    return len(VisitRatingFact.objects.bulk_create(build_visit_ratings(ids)))


def _writers_lock(*, wait: bool) -> bool:
    """Lock the writers' row in the current transaction (False: another has it)."""
    FeedCursor.objects.get_or_create(chain=LOCK_CHAIN)
    qs = FeedCursor.objects.filter(pk=LOCK_CHAIN)
    qs = qs.select_for_update() if wait else qs.select_for_update(skip_locked=True)
    return qs.exists()


def _mark_current() -> None:
    FeedCursor.objects.filter(pk=LOCK_CHAIN).update(updated_at=timezone.now())


def _refresh_chain(chain: int, batch: int) -> tuple[int, int] | None:
    """One batch of one chain in one transaction: (entries read, facts rebuilt),
    or None when another run holds the writers' lock."""
    with transaction.atomic():
        if not _writers_lock(wait=False):
            return None
        cursor, _ = FeedCursor.objects.get_or_create(chain=chain)
        rows = list(
            AuditEntry.objects.filter(chain=chain, seq__gt=cursor.last_seq)
            .order_by("seq")
            .values_list("seq", "object_type", "object_id")[:batch]
        )
        if not rows:
            return 0, 0
        apps, visits = applications_of((t, i) for _s, t, i in rows)
        rebuilt = _refresh_ids(sorted(apps)) + refresh_visit_ratings(visits)
        cursor.last_seq = rows[-1][0]
        cursor.save(update_fields=["last_seq", "updated_at"])
        return len(rows), rebuilt


def refresh_pending(*, batch: int = FEED_BATCH, max_batches: int = 50) -> dict:
    """Apply every audit entry not yet seen; {"entries": n, "facts": n}.

    A run that finds another one writing returns at once (that one, or the
    next beat, applies the rest).
    """
    entries = facts = 0
    for chain in AuditChainHead.objects.order_by("pk").values_list("pk", flat=True):
        for _ in range(max_batches):
            done = _refresh_chain(chain, batch)
            if done is None:
                return {"entries": entries, "facts": facts}
            read, rebuilt = done
            entries += read
            facts += rebuilt
            if read < batch:
                break
    with transaction.atomic():
        if _writers_lock(wait=False):
            _mark_current()
    if entries:
        logger.info("supervision.figures_refreshed entries=%s facts=%s", entries, facts)
    return {"entries": entries, "facts": facts}


def rebuild(start: dt.date | None = None) -> dict:
    """Every fact and cell from the sources (submitted from ``start`` on, when
    given), and the cursors moved to each chain's head: the same result as
    having applied the feed from the beginning."""
    # The heads before reading the sources, without a lock (an append must not
    # wait for a rebuild): entries committed after this read are applied again
    # by the feed, which is harmless (a fact is rebuilt from what is, not from
    # the entry).
    heads = dict(AuditChainHead.objects.values_list("pk", "last_seq"))
    with transaction.atomic():
        _writers_lock(wait=True)
        apps = Application.objects.filter(submitted_at__isnull=False)
        facts_qs = ApplicationFact.objects.all()
        if start is not None:
            apps = apps.filter(
                Q(submitted_at__date__gte=start)
                | Q(decided_at__date__gte=start)
                | Q(withdrawn_at__date__gte=start)
                | Q(accepted_at__date__gte=start)
            )
            facts_qs = facts_qs.filter(application_id__in=apps.values("pk"))
        ids = list(apps.order_by("pk").values_list("pk", flat=True))
        facts_qs.delete()
        StepFact.objects.filter(application_id__in=ids).delete()
        count = 0
        for i in range(0, len(ids), BUILD_CHUNK):
            facts, steps = build_facts(ids[i : i + BUILD_CHUNK])
            ApplicationFact.objects.bulk_create(facts)
            StepFact.objects.bulk_create(steps)
            count += len(facts)
        visit_ids = list(
            Rating.objects.filter(visit__isnull=False).values_list("pk", flat=True)
        )
        VisitRatingFact.objects.all().delete()
        visits = len(
            VisitRatingFact.objects.bulk_create(build_visit_ratings(visit_ids))
        )
        cells = rebuild_cells(start) + rebuild_step_cells(start)
        for chain, seq in heads.items():
            cursor, _ = FeedCursor.objects.select_for_update().get_or_create(
                chain=chain
            )
            if cursor.last_seq < seq:
                cursor.last_seq = seq
                cursor.save(update_fields=["last_seq", "updated_at"])
        _mark_current()
    logger.info("supervision.figures_rebuilt facts=%s cells=%s", count, cells)
    return {
        "facts": count,
        "cells": cells,
        "visit_ratings": visits,
        "at": timezone.now(),
    }
