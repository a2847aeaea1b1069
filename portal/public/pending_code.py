"""The session's note of a one-time-code request waiting for its code.

Password reset and account activation both send an SMS code in step 1 and
ask for it in step 2. The session keeps only the request's id and when it
was made (never the user), and forgets it once the code's lifetime
(settings.ONE_TIME_CODE_MINUTES) has passed.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest


def pending_remember(request: HttpRequest, key: str, request_id: int) -> None:
    request.session[key] = {"id": request_id, "at": int(time.time())}


def pending_id(request: HttpRequest, key: str) -> int | None:
    """The waiting request's id, or None (none, malformed or expired)."""
    data = request.session.get(key)
    if not isinstance(data, dict):
        return None
    if time.time() - data.get("at", 0) > settings.ONE_TIME_CODE_MINUTES * 60:
        request.session.pop(key, None)
        return None
    return data.get("id")


def pending_forget(request: HttpRequest, key: str) -> None:
    request.session.pop(key, None)
