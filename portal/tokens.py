"""API tokens that end: one per login, hashed, sliding, listed and revoked.

A token is django-rest-knox's (portal.models.ApiToken): the key is shown once
and only its SHA-512 digest is stored. Each login issues a new token, never an
old one. A token follows the rules of the session of its user's kind
(portal.session_policy): it expires after the idle time without use (each use,
or a refresh, slides ``expiry`` forward) and at the latest at ``ends_at``
(API_TOKEN_STAFF_MAX_AGE or API_TOKEN_CITIZEN_MAX_AGE after the login). Its
owner can list and revoke their tokens; logging out revokes the token used.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import get_digest_token
from knox.settings import CONSTANTS

from .audit import audit_record
from .errors import NotFoundError
from .models import ApiToken
from .roles import user_is_staff

logger = logging.getLogger(__name__)

# A use moves expiry forward only if that gains more than this (one write a
# minute at most per busy token, none for a burst of requests).
SLIDE_MIN_SECONDS = 60


def token_lifetimes(user) -> tuple[timedelta, timedelta]:
    """(idle time, longest life) of a token of ``user``'s kind."""
    if user_is_staff(user):
        return settings.SESSION_STAFF_IDLE, settings.API_TOKEN_STAFF_MAX_AGE
    return settings.SESSION_CITIZEN_IDLE, settings.API_TOKEN_CITIZEN_MAX_AGE


def api_token_issue(*, user, client: str = "") -> tuple[ApiToken, str]:
    """A new token for a completed login; returns (row, key). Drops expired ones."""
    idle, max_age = token_lifetimes(user)
    now = timezone.now()
    with transaction.atomic():
        ApiToken.objects.filter(user=user, expiry__lte=now).delete()
        ApiToken.objects.filter(user=user, ends_at__lte=now).delete()
        digest, key = get_digest_token()
        token = ApiToken.objects.create(
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
            digest=digest,
            user=user,
            expiry=now + min(idle, max_age),
            ends_at=now + max_age,
            idle_seconds=int(idle.total_seconds()),
            client=(client or "")[:200],
        )
    logger.info("api.token_issued user_id=%s token_id=%s", user.pk, token.pk)
    return token, key


def token_is_live(token: ApiToken, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return token.expiry > now and token.ends_at > now


def api_token_slide(*, token: ApiToken, force: bool = False) -> ApiToken:
    """Move ``expiry`` to one idle time from now, never past ``ends_at``.

    A conditional UPDATE without a lock: two requests sliding at once both
    write about the same instant, and a later expiry never loses.
    """
    now = timezone.now()
    target = min(now + timedelta(seconds=token.idle_seconds), token.ends_at)
    if force or (target - token.expiry).total_seconds() > SLIDE_MIN_SECONDS:
        ApiToken.objects.filter(pk=token.pk, expiry__lt=target).update(expiry=target)
        token.expiry = max(token.expiry, target)
    return token


def api_tokens_for_user(*, user):
    """The user's live tokens, newest first."""
    now = timezone.now()
    return ApiToken.objects.filter(user=user, expiry__gt=now, ends_at__gt=now).order_by(
        "-created", "-id"
    )


def api_token_revoke(*, user, token_id: int) -> None:
    """Delete one of the owner's tokens; another user's (or none) is not found."""
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        )
        if token is None:
            raise NotFoundError("not_found", _("未找到该令牌"))
        token.delete()
        audit_record(
            actor=user,
            action="api_token.revoked",
            object_type="portal.apitoken",
            object_id=str(token_id),
            object_repr=f"token #{token_id}",
        )
    logger.info("api.token_revoked user_id=%s token_id=%s", user.pk, token_id)


def api_token_end(*, token: ApiToken) -> None:
    """Logout: the token that made the request stops working."""
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).delete()
    logger.info("api.token_ended user_id=%s token_id=%s", token.user_id, token.pk)
