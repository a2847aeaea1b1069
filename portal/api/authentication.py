"""API token authentication: ``Authorization: Token <key>``, as before.

The key is a knox token (64 hex characters), looked up by its first 15 and
compared by digest. One query per request, plus one UPDATE a minute at most
while the token is in use (its expiry slides, portal.tokens). An expired or
revoked token answers 401 (``token_expired`` or ``authentication_failed``).
"""

from __future__ import annotations

import re
from hmac import compare_digest

from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions

from portal import tokens
from portal.models import ApiToken

KEY_PATTERN = re.compile(r"[0-9a-f]{64}")


class ApiTokenAuthentication(TokenAuthentication):
    """knox's scheme on portal.models.ApiToken, with the portal's expiry rules.

    knox's own ``authenticate_credentials`` is replaced: it checks every other
    token of the user on each request (one more query) and knows only one
    lifetime; here each token carries its idle time and latest end.
    """

    def authenticate_credentials(self, token: bytes):
        try:
            key = token.decode("ascii")
        except UnicodeDecodeError:
            key = ""
        if not KEY_PATTERN.fullmatch(key):
            raise exceptions.AuthenticationFailed("令牌无效")
        digest = hash_token(key)
        found = None
        for candidate in ApiToken.objects.filter(
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH]
        ).select_related("user"):
            if compare_digest(digest, candidate.digest):
                found = candidate
                break
        if found is None:
            raise exceptions.AuthenticationFailed("令牌无效")
        if not tokens.token_is_live(found, timezone.now()):
            ApiToken.objects.filter(pk=found.pk).delete()
            raise exceptions.AuthenticationFailed(
                "令牌已过期，请重新登录", code="token_expired"
            )
        if not found.user.is_active:
            raise exceptions.AuthenticationFailed("账号已停用")
        tokens.api_token_slide(token=found)
        return found.user, found
