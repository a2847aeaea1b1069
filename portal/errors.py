"""Errors raised by services: a stable machine code plus a translatable message.

Views and the API turn these into user-facing messages; nothing else needs to
know how. ``field`` names the input that was wrong, when there is one.

The message is the Chinese text wrapped in gettext, so the English pages show
English: ``ServiceError("x_missing", _("缺少……"))`` inside a function (gettext
at raise time, when the request's language is active), ``gettext_lazy`` for a
module-level constant, and ``_("……%(name)s……") % {"name": value}`` for a
message with values in it (never an f-string: its text cannot be looked up).
The code never changes with the language. ``as_dict`` always returns plain
strings, also for a lazy message. tests/portal/test_error_i18n.py fails on a
bare literal passed as a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise

Message = str | Promise
"""A message: a translated ``str`` or a lazy translation."""


@dataclass
class ErrorItem:
    code: str
    detail: Message
    field: str | None = None

    def as_dict(self) -> dict:
        data = {"code": self.code, "detail": str(self.detail)}
        if self.field is not None:
            data["field"] = self.field
        return data


class ServiceError(Exception):
    """A rule was broken; nothing was written. ``status`` is the HTTP status."""

    status = 400

    def __init__(
        self,
        code: str,
        detail: Message,
        *,
        field: str | None = None,
        errors: list[ErrorItem] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.field = field
        self.errors = errors or []
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        data = ErrorItem(self.code, self.detail, self.field).as_dict()
        if self.errors:
            data["errors"] = [e.as_dict() for e in self.errors]
        return data


def human_size(n: int) -> str:
    """A size for a message: "20MB", "300KB"."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f}MB"
    return f"{max(n // 1024, 1)}KB"


class NotFoundError(ServiceError):
    status = 404


class PermissionDeniedError(ServiceError):
    status = 403


class ThrottledError(ServiceError):
    """Too many tries: 429, and ``retry_after`` seconds until the next may pass."""

    status = 429

    def __init__(
        self, code: str, detail: Message, *, retry_after: int, **kwargs
    ) -> None:
        super().__init__(code, detail, **kwargs)
        self.retry_after = max(1, int(retry_after))


@dataclass
class ErrorCollector:
    """Collects every broken rule so the user hears them all at once."""

    items: list[ErrorItem] = field(default_factory=list)

    def add(self, code: str, detail: Message, field: str | None = None) -> None:
        self.items.append(ErrorItem(code, detail, field))

    def raise_if_any(self, code: str, summary: Message) -> None:
        if self.items:
            if len(self.items) == 1:
                item = self.items[0]
                raise ServiceError(
                    item.code, item.detail, field=item.field, errors=self.items
                )
            raise ServiceError(code, summary, errors=self.items)
