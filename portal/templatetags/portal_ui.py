"""Small template helpers for the public pages."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from portal import i18n

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_current(context, *prefixes: str) -> str:
    """` aria-current="page"` when the request path is in the nav entry's section."""
    request = context.get("request")
    path = getattr(request, "path", "")
    match = any(path == p if p == "/" else path.startswith(p) for p in prefixes)
    return mark_safe(' aria-current="page"') if match else ""


@register.simple_tag
def page_lang() -> str:
    """The html ``lang`` of the page: zh-Hans, bo or en."""
    return i18n.html_lang()


@register.simple_tag(takes_context=True)
def language_choices(context) -> list[dict]:
    """The switcher's entries: each language named in its own script."""
    current = i18n.supported_language(translation.get_language())
    return [
        {
            "code": code,
            "name": "中文" if code == "zh-hans" else name,
            "lang": i18n.html_lang(code),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


@register.filter(needs_autoescape=True)
def lang_span(value, autoescape=True):
    """``value`` in a ``<span lang="…">`` when its script is not the page's
    language: a Tibetan name on a Chinese page (``lang="bo"``), a Chinese
    fallback on a Tibetan page (``lang="zh-Hans"``); as it is otherwise."""
    text = "" if value is None else str(value)
    escaped = conditional_escape(text) if autoescape else text
    script = i18n.text_lang(text)
    page = i18n.supported_language(translation.get_language())
    if script is None or script == page:
        return mark_safe(escaped) if autoescape else escaped
    return format_html('<span lang="{}">{}</span>', i18n.html_lang(script), text)


def _tibetan_of(obj, field: str) -> str:
    value = getattr(obj, f"{field}_bo", "") if obj is not None else ""
    return value.strip() if isinstance(value, str) else ""


@register.simple_tag
def bo(obj, field: str, marker: bool = True):
    """An object's text in the page's language: on a Tibetan page its Tibetan
    field (``<field>_bo``) when filled, else the Chinese in a ``lang="zh-Hans"``
    span with a visible "Chinese only" marker (``marker=False``: without it,
    for one piece of a list that is marked once); the Chinese elsewhere."""
    chinese = getattr(obj, field, "") if obj is not None else ""
    if i18n.supported_language(translation.get_language()) != i18n.TIBETAN:
        return chinese
    tibetan = _tibetan_of(obj, field)
    if tibetan:
        return tibetan
    if not chinese:
        return ""
    if not marker:
        return format_html('<span lang="zh-Hans">{}</span>', chinese)
    return format_html(
        '<span lang="zh-Hans">{}</span> <small class="lang-fallback">{}</small>',
        chinese,
        translation.gettext("（仅有中文）"),
    )


@register.simple_tag
def bo_text(obj, field: str) -> str:
    """Plain text (page titles, attributes): the Tibetan field on a Tibetan
    page when filled, else the Chinese, no markup."""
    chinese = getattr(obj, field, "") if obj is not None else ""
    if i18n.supported_language(translation.get_language()) == i18n.TIBETAN:
        return _tibetan_of(obj, field) or chinese
    return chinese
