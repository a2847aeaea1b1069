"""Rate limit of public certificate verification (pages and API alike).

Like tracking (applications.throttling, which evidence may not import): one
budget per client address in the cache, page and API drawing on the same
key; when the cache is down the lookup is let through and the outage logged
(no address and no identifier in the line).
"""

from __future__ import annotations

import logging
import math

from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)

# Halls and kiosks share one address: generous, but it stops enumeration.
VERIFY_RATE = "60/min"


class VerifyThrottle(SimpleRateThrottle):
    scope = "evidence_verify"
    rate = VERIFY_RATE

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


def verify_retry_after(request) -> int | None:
    """Count one verification: None, or the Retry-After of its 429."""
    throttle = VerifyThrottle()
    if throttle.allow_request(request, None):
        return None
    wait = throttle.wait()
    return max(1, math.ceil(wait)) if wait is not None else 60
