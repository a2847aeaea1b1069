"""Seams to later apps (DESIGN.md: dependencies point one way).

``workflow`` registers what happens after acceptance; ``evidence`` registers the
certificate lookup used for once-only reuse. Both register at start-up in their
AppConfig.ready(); until they do, acceptance simply records the application as
accepted and no certificate is offered. No import of workflow or evidence here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_acceptance_handlers: list[Callable] = []
_certificate_finder: Callable | None = None


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
