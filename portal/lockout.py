"""Login lockout that an attacker cannot turn against the account's owner.

django-axes records every failed login (one ``AccessAttempt`` row per user
name, client address and user agent, with a failure count and the time of the
last failure). Two rules read those rows:

- **pair**: ``LOGIN_FAILURE_LIMIT`` failures of one user name from one address
  lock that user name *from that address*. A stranger elsewhere typing a
  clerk's name cannot lock the clerk out of the hall; axes enforces this one
  itself (``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]``).
- **address**: ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures from one address,
  whatever the user names (password spraying), throttle that address. The
  limit is high because a hall or township point sits behind one NAT address;
  a successful login clears its own pair's failures, so ordinary typing
  mistakes followed by the right password do not use the budget up.

A failure counts until ``LOGIN_LOCKOUT_MINUTES`` after the last failure of its
row. The client address is ``portal.request_context.client_ip`` (the
``TRUSTED_PROXY_COUNT`` rule), which axes also uses (``AXES_CLIENT_IP_CALLABLE``).

Every refusal says when to come back: :func:`login_block` computes the real
remaining seconds, which the web lockout page and the API send as
``Retry-After``. :func:`login_lock_clear` is what an owner-driven unlock (a
password reset by SMS code) calls.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .request_context import client_ip

logger = logging.getLogger(__name__)

ACCOUNT_LOCKED = "account_locked"
ADDRESS_THROTTLED = "address_throttled"


@dataclass(frozen=True)
class LoginBlock:
    """Why logins are refused now and for how many more seconds."""

    code: str
    retry_after: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))

    def detail(self) -> str:
        if self.code == ADDRESS_THROTTLED:
            return _(
                "此网络地址登录失败次数过多，请 %(minutes)s 分钟后再试，"
                "或到政务服务大厅窗口求助。"
            ) % {"minutes": self.minutes}
        return _(
            "登录失败次数过多，账号在此设备上已暂时锁定，请 %(minutes)s "
            "分钟后再试，或到政务服务大厅窗口求助。"
        ) % {"minutes": self.minutes}


def _window() -> timezone.timedelta:
    return timezone.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _unlock_in(
    rows: list[tuple[datetime, int]], limit: int, now: datetime
) -> int | None:
    """Seconds until the failures in ``rows`` drop below ``limit``, or None.

    Each row stops counting one window after its last failure, oldest first;
    the block ends when enough of them have stopped.
    """
    total = sum(failures for _at, failures in rows)
    if total < limit:
        return None
    for at, failures in sorted(rows):
        total -= failures
        if total < limit:
            return max(1, math.ceil((at + _window() - now).total_seconds()))
    return None  # pragma: no cover - the loop always ends below the limit


def login_block(request: HttpRequest, username: str | None) -> LoginBlock | None:
    """The block on logging in as ``username`` from this request's address.

    One query: the address's failures within the window, of every user name.
    """
    now = timezone.now()
    rows = list(
        AccessAttempt.objects.filter(
            ip_address=client_ip(request), attempt_time__gte=now - _window()
        ).values_list("username", "attempt_time", "failures_since_start")
    )
    pair = _unlock_in(
        [(at, n) for name, at, n in rows if username is not None and name == username],
        settings.LOGIN_FAILURE_LIMIT,
        now,
    )
    address = _unlock_in(
        [(at, n) for _name, at, n in rows], settings.LOGIN_ADDRESS_FAILURE_LIMIT, now
    )
    if pair is None and address is None:
        return None
    if address is not None and (pair is None or address > pair):
        return LoginBlock(ADDRESS_THROTTLED, address)
    return LoginBlock(ACCOUNT_LOCKED, pair)


def login_lock_clear(*, username: str) -> int:
    """Forget every failed login of ``username`` (from every address).

    For an unlock the owner proved they may do (a password reset by a code
    sent to their registered phone). Returns the number of rows removed.
    """
    with transaction.atomic():
        count, _rows = AccessAttempt.objects.filter(username=username).delete()
    logger.info("login.lock_cleared rows=%s", count)
    return count


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler plus the per-address rule.

    axes records the failures and flags the request whose failure completes a
    pair's limit (AXES_LOCKOUT_PARAMETERS). "Is this login refused" is
    :func:`login_block`, both rules in one query, and the request that spends
    the address budget's last failure is flagged as axes flags the pair's.
    """

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        username = get_client_username(request, credentials)
        return login_block(request, username) is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if login_block(request, get_client_username(request, credentials)):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def _seconds_fallback() -> int:
    return int(_window().total_seconds())


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """What AxesMiddleware answers to a refused login (AXES_LOCKOUT_CALLABLE).

    429 with ``Retry-After``: the lockout page, or the API's error shape for
    ``/api/`` paths (the token view answers its own; this is the safety net).
    """
    block = login_block(request, get_client_username(request, credentials))
    if block is None:  # raced with the window's end: say the whole window
        block = LoginBlock(ACCOUNT_LOCKED, _seconds_fallback())
    return block_response(request, block)


def block_response(request: HttpRequest, block: LoginBlock) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": block.code, "detail": block.detail()}, status=429
        )
    else:
        response = render(
            request, "portal/locked_out.html", {"lock": block}, status=429
        )
    response["Retry-After"] = str(block.retry_after)
    return response
