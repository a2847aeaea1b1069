"""Checks the supervision services share."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.services.notify import scrub
from portal.clocks import clock_start
from portal.errors import ServiceError
from portal.models import Clock

from .. import constants as c

COMMENT_MAX = 500
TEXT_MAX = 2000


def clean_text(value, *, field: str, code: str, required: bool, maximum: int) -> str:
    """Stripped text with ID numbers scrubbed; refused when missing or too long."""
    text = (value or "").strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise ServiceError(code, _("内容格式不正确"), field=field)
    if required and not text:
        raise ServiceError(code, _("请填写此项"), field=field)
    if len(text) > maximum:
        raise ServiceError(
            code, _("内容不能超过%(n)s个字") % {"n": maximum}, field=field
        )
    return scrub(text)


def clean_level(value) -> int:
    if isinstance(value, bool):
        value = None
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = 0
    if level not in c.Level.values:
        raise ServiceError(
            "rating_level_invalid", _("请选择五个评价等级之一"), field="level"
        )
    return level


def clean_tags(values: Iterable[str] | None) -> list[str]:
    tags = list(values or [])
    if len(tags) > len(c.RatingTag.values) or any(
        not isinstance(t, str) or t not in c.RatingTag.values for t in tags
    ):
        raise ServiceError("rating_tag_invalid", _("评价标签无效"), field="tags")
    return sorted(set(tags))


def start_handling_clock(
    obj, *, subject_type: str, kind: str, limit_days: int, warn_days: int, label, actor
) -> Clock:
    """Start ``obj``'s handling clock from today and copy it onto ``obj``.

    Rectifications, complaints and orders keep their clock and a copy of its
    due day (``clock``, ``due_on``) so their lists sort and mark without a
    join; the caller saves them (in its transaction).
    """
    clock = clock_start(
        subject_type=subject_type,
        subject_id=obj.pk,
        kind=kind,
        limit_days=limit_days,
        start=timezone.localdate(),
        warn_days=warn_days,
        label=label,
        actor=actor,
    )
    obj.clock = clock
    obj.due_on = clock.due_on
    return clock
