"""Rate limits of the public tracking lookups (pages and API alike) and of
online registration.

A query code has 31^8 values, but numbers are guessable, so lookups are
counted per client address in the cache. The count is a guard, not the
service: when the cache cannot be reached (Redis down) the lookup is let
through and the outage logged (no address, number or code in the line),
never turned into an error page. The address is DRF's ``get_ident``:
REMOTE_ADDR, or with ``REST_FRAMEWORK["NUM_PROXIES"]`` (= TRUSTED_PROXY_COUNT)
proxies in front, the X-Forwarded-For hop the outermost proxy added.
"""

from __future__ import annotations

import logging
import math

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)

# Halls and kiosks share one address: generous, but it stops guessing.
TRACK_RATE = "120/min"


class TrackThrottle(SimpleRateThrottle):
    """One budget per client address, logged in or not.

    Scope and cache key are those of the API's throttle
    (used by applications.api.views too), so the page and the API draw on
    the same budget: alternating between them buys nothing.
    """

    scope = "track"
    rate = TRACK_RATE

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


def track_lookup_allowed(request) -> bool:
    """Count one tracking lookup; False once the address's budget is spent."""
    return track_lookup_retry_after(request) is None


def _retry_after(throttle: SimpleRateThrottle, request) -> int | None:
    """None if the request may pass (counted), else seconds until one may."""
    if throttle.allow_request(request, None):
        return None
    wait = throttle.wait()
    return max(1, math.ceil(wait)) if wait is not None else 60


def track_lookup_retry_after(request) -> int | None:
    """Count one tracking lookup: None, or the Retry-After of its 429."""
    return _retry_after(TrackThrottle(), request)


class RegisterThrottle(TrackThrottle):
    """Online registrations per client address (settings.REGISTER_RATE)."""

    scope = "register"
    rate = None  # read from settings when the throttle is made

    def get_rate(self) -> str:
        return settings.REGISTER_RATE


def register_retry_after(request) -> int | None:
    """Count one registration post: None, or the Retry-After of its 429."""
    return _retry_after(RegisterThrottle(), request)
