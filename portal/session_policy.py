"""Sessions that end: idle and absolute limits, enforced on the server.

Staff (portal.roles.user_is_staff) sessions end after SESSION_STAFF_IDLE
without a request and SESSION_STAFF_MAX_AGE after login; applicants' and
agents' after SESSION_CITIZEN_IDLE and SESSION_CITIZEN_MAX_AGE.

Every login, whatever the path (the login views, registration, the admin,
the test client's ``force_login``), sends ``user_logged_in``;
:func:`stamp_login` then writes the login time, the last activity and the
kind into the session, so the middleware reads them without a query.
:class:`SessionPolicyMiddleware` ends a session past a limit (logout: the
row is deleted, the request goes on as anonymous, the next login page says
why) and moves the last activity forward at most once a minute, so a busy
page costs no session write. The cookie and the session row live
SESSION_COOKIE_AGE (the longest absolute limit) from the last write; the
limits here are what ends a session, and a cookie that outlived one is
answered with "please log in again", not silently.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.translation import gettext as _

from .roles import user_is_staff

LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
STAFF = "_staff"
# Last activity is rewritten only when it moved this much (seconds).
TOUCH_SECONDS = 60


def limits(staff: bool) -> tuple[timedelta, timedelta]:
    """(idle, absolute) limits of a session of that kind."""
    if staff:
        return settings.SESSION_STAFF_IDLE, settings.SESSION_STAFF_MAX_AGE
    return settings.SESSION_CITIZEN_IDLE, settings.SESSION_CITIZEN_MAX_AGE


def stamp_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: start the clocks of the new session."""
    session = getattr(request, "session", None)
    if session is None:
        return  # an API token login has no session
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    session[STAFF] = user_is_staff(user)


def session_ended(session, now: int) -> str | None:
    """Why the logged-in session is over ("idle", "absolute"), or None."""
    staff = session.get(STAFF)
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if staff is None or login_at is None or seen_at is None:
        return "unstamped"  # made before these rules: treat as over
    idle, absolute = limits(bool(staff))
    if now - int(login_at) >= absolute.total_seconds():
        return "absolute"
    if now - int(seen_at) >= idle.total_seconds():
        return "idle"
    return None


class SessionPolicyMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            reason = session_ended(session, now)
            if reason is not None:
                logout(request)
                messages.info(request, _("登录已超时，为保护您的信息请重新登录。"))
            elif now - int(session[SEEN_AT]) >= TOUCH_SECONDS:
                session[SEEN_AT] = now
        return self.get_response(request)
