"""Rate limits of public, anonymous API reads (portal's base).

Counted per client address in the cache, like the tracking lookups
(applications.throttling): the count is a guard, not the service, so when
the cache cannot be reached the request is let through and the outage
logged. The address is DRF's ``get_ident`` (REMOTE_ADDR, or the trusted
proxy's X-Forwarded-For hop with ``REST_FRAMEWORK["NUM_PROXIES"]``).
"""

from __future__ import annotations

import logging

from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


class AddressRateThrottle(SimpleRateThrottle):
    """One budget per client address and scope, logged in or not."""

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # noqa: BLE001 - any cache failure: allow
            logger.warning(
                "throttle %s not counted, cache unavailable (%s); request allowed",
                self.scope,
                type(exc).__name__,
            )
            return True


class CalendarThrottle(AddressRateThrottle):
    """The public working-day calculator (the item guides call it)."""

    scope = "calendar"
    rate = "120/min"
