"""Per-request facts (source IP) that services read without taking a request."""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from django.conf import settings

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request) -> str | None:
    """The client's address, as DRF's throttles see it.

    With TRUSTED_PROXY_COUNT proxies in front, the X-Forwarded-For hop the
    outermost one added (the n-th from the right); hops left of it are what
    the client wrote and prove nothing. With none, REMOTE_ADDR. None when
    that is not an IP address (it is stored in inet columns: the audit log,
    django-axes' login attempts, which use this function too).
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        address = hops[-min(proxies, len(hops))]
    else:
        address = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
