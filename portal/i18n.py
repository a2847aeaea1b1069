"""Languages of the pages: Chinese (the default), Tibetan and English.

Tibetan (``bo``) has no entry in Django's LANG_INFO; the settings add one
(name in Tibetan, left to right). How a request's language is chosen, first
match wins:

1. ``?lang=<code>`` in the URL, when the code is one of settings.LANGUAGES
   (links in a Tibetan SMS open the Tibetan pages); remembered in the session;
2. the session's choice: the switcher (``portal.public.views.set_language``)
   stores it, and a citizen's login copies it from their profile
   (``people.apps``), so it follows them to any device;
3. Django's LocaleMiddleware: the language cookie, then Accept-Language;
4. settings.LANGUAGE_CODE (Chinese).

An unknown code anywhere (``?lang=xx``, a forged cookie or session value) is
ignored, so the page falls back to the next rule and in the end to Chinese.

Also here, for every app: the scripts of a text (Tibetan, Han) and the
folding of digits typed in other scripts (full-width ０–９, Tibetan ༠–༩) to
ASCII before a numeric field reads them.
"""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.utils import translation

SESSION_LANGUAGE = "_language"
QUERY_PARAMETER = "lang"
TIBETAN = "bo"

# BCP 47 tags for the html lang attribute (Django's codes are lower case).
HTML_LANG = {"zh-hans": "zh-Hans", "bo": "bo", "en": "en"}

TIBETAN_RE = re.compile(r"[\u0f00-\u0fff]")
HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Tibetan digits ༠–༩ (U+0F20–U+0F29); NFKC leaves them as they are.
_TIBETAN_DIGITS = {0x0F20 + i: str(i) for i in range(10)}


def supported_language(code) -> str | None:
    """The code of settings.LANGUAGES that ``code`` names, or None."""
    if not isinstance(code, str) or not code or len(code) > 20:
        return None
    try:
        return translation.get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


def html_lang(code: str | None = None) -> str:
    """The html ``lang`` value of a language code (default: the active one)."""
    code = supported_language(code or translation.get_language()) or (
        settings.LANGUAGE_CODE
    )
    return HTML_LANG.get(code, code)


def has_tibetan(text) -> bool:
    return bool(text) and bool(TIBETAN_RE.search(str(text)))


def has_han(text) -> bool:
    return bool(text) and bool(HAN_RE.search(str(text)))


def text_lang(text) -> str | None:
    """The language a piece of text is written in, by its script: "bo" for
    Tibetan, "zh-hans" for Han, None for neither (digits, Latin letters)."""
    if has_tibetan(text):
        return TIBETAN
    if has_han(text):
        return "zh-hans"
    return None


def fold_digits(value: str) -> str:
    """NFKC (full-width digits and letters to ASCII) and Tibetan digits to
    ASCII: ``"༡༢３"`` -> ``"123"``. Other characters are left as they are."""
    return unicodedata.normalize("NFKC", value or "").translate(_TIBETAN_DIGITS)


def remember_language(request, language: str) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_LANGUAGE) != language:
        session[SESSION_LANGUAGE] = language


class SessionLanguageMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware: the URL's and the
    session's choice (rules 1 and 2 above), and the cookie brought in line so
    that pages served without a session (error pages) agree."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        language = supported_language(request.GET.get(QUERY_PARAMETER))
        if language:
            remember_language(request, language)
        elif session is not None:
            language = supported_language(session.get(SESSION_LANGUAGE))
        if language and language != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != (
            language
        ):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
