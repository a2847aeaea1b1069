"""Idempotency keys: one result per (user, scope, key), for any app's use case.

A client that retries a request (a double click, a lost answer, a kiosk on a
bad line) sends the same ``Idempotency-Key`` and gets the first result back
instead of a second one. :func:`run_idempotent` claims the key in the same
transaction as the work, so a concurrent request with the same key waits on
the unique index until the first commits, then reads its result; work that
fails rolls the claim back with it and the key may be used again.

Generic over where the keys are kept: each app keeps its own record model
with a real foreign key to what its use case produces (so the result is
deleted with its record, and a record never points at a row that is gone),
and hands it in. The model needs the fields ``user`` (foreign key),
``scope``, ``key``, ``request_fingerprint``, ``created_at``, a nullable
foreign key to the result (named by ``result_field``) and a unique
constraint on (user, scope, key). See applications.models.IdempotencyRecord.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ServiceError
from .upsert import insert_unless_taken

KEY_RE = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")
UNIQUE = ("user", "scope", "key")

T = TypeVar("T", bound=models.Model)


def request_fingerprint(data: Any) -> str:
    """Stable hash of a request body (keys sorted)."""
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def check_key(key: str | None) -> str:
    """The key as given, if it is one a client may send."""
    if not KEY_RE.match(key or ""):
        raise ServiceError(
            "idempotency_key_invalid",
            _("Idempotency-Key 应为1到100个字母、数字或 ._:- 字符"),
            field="Idempotency-Key",
        )
    return key


def run_idempotent(
    *,
    records: type[models.Model],
    result_field: str,
    user,
    scope: str,
    key: str,
    fingerprint: str,
    action: Callable[[], T],
) -> tuple[T, bool]:
    """Run ``action`` once per (user, scope, key); return (result, replayed).

    ``action`` runs inside this transaction and needs none of its own. A key
    seen with another fingerprint is refused (422); a key whose first request
    is still running (its record has no result yet: only possible when the
    action commits work before returning, which no caller does) is refused
    with 409.
    """
    check_key(key)
    with transaction.atomic():
        record_id = insert_unless_taken(
            records,
            values={
                "user": user.pk,
                "scope": scope,
                "key": key,
                "request_fingerprint": fingerprint,
                "created_at": timezone.now(),
            },
            unique=UNIQUE,
        )
        if record_id is None:
            record = records.objects.get(user=user, scope=scope, key=key)
            if record.request_fingerprint != fingerprint:
                raise ServiceError(
                    "idempotency_key_reused",
                    _("该 Idempotency-Key 已用于内容不同的请求"),
                    field="Idempotency-Key",
                    status=422,
                )
            result_id = getattr(record, records._meta.get_field(result_field).attname)
            if result_id is None:
                raise ServiceError(
                    "idempotency_in_progress",
                    _("相同请求正在处理中，请稍后"),
                    status=409,
                )
            result_model = records._meta.get_field(result_field).related_model
            return result_model.objects.get(pk=result_id), True
        result = action()
        records.objects.filter(pk=record_id).update(**{result_field: result})
    return result, False
