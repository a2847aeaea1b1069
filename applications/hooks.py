"""Seams to later apps (docs/architecture.md: dependencies point one way).

Later apps register their callables at start-up in ``AppConfig.ready()``;
until they do, acceptance simply records the application as accepted, no
certificate is offered and visibility is applications' own rule. No import of
workflow or evidence here.

Each seam states when it runs and what a failure does:

- acceptance handlers run inside the acceptance transaction, after the status
  change is written; an exception rolls the acceptance back.
- the certificate finder is called while a material is shown or provided,
  outside any lock; an exception propagates to the caller.
- visibility rules are called whenever a queryset of visible applications is
  built (``Application.objects.visible_to``); they must not write, should cost
  at most a cached lookup, and return a Q over Application (or None for
  "nothing extra"), OR-ed into the rule. An exception propagates (a rule that
  cannot decide must not silently widen or narrow what a user sees).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Q

_acceptance_handlers: list[Callable] = []
_certificate_finder: Callable | None = None
_visibility_rules: list[Callable[..., Q | None]] = []


@dataclass(frozen=True)
class CertificateOffer:
    """A held certificate that can satisfy a material (filled by evidence)."""

    identifier: str
    name: str
    trust_level: str


def register_acceptance_handler(handler: Callable) -> None:
    """handler(application) runs inside the acceptance transaction."""
    if handler not in _acceptance_handlers:
        _acceptance_handlers.append(handler)


def run_acceptance_handlers(application) -> None:
    for handler in list(_acceptance_handlers):
        handler(application)


def register_certificate_finder(finder: Callable) -> None:
    """finder(*, user, certificate_type, application) -> list[CertificateOffer]."""
    global _certificate_finder
    _certificate_finder = finder


def find_certificates(*, user, certificate_type, application) -> list[CertificateOffer]:
    if _certificate_finder is None or certificate_type is None:
        return []
    return list(
        _certificate_finder(
            user=user, certificate_type=certificate_type, application=application
        )
    )


def register_visibility_rule(rule: Callable[..., Q | None]) -> None:
    """rule(user) -> Q over Application of what else ``user`` may see, or None."""
    if rule not in _visibility_rules:
        _visibility_rules.append(rule)


def unregister_visibility_rule(rule: Callable[..., Q | None]) -> None:
    """For tests that register a rule of their own."""
    if rule in _visibility_rules:
        _visibility_rules.remove(rule)


def visibility_rules(user) -> Iterator[Q]:
    """The extra Q of every registered rule that grants ``user`` something."""
    for rule in list(_visibility_rules):
        extra = rule(user)
        if extra is not None:
            yield extra
