"""Checks the supervision services share."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from applications.services.notify import scrub
from portal.errors import ServiceError

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
