"""Small template helpers for the public pages."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_current(context, *prefixes: str) -> str:
    """` aria-current="page"` when the request path is in the nav entry's section."""
    request = context.get("request")
    path = getattr(request, "path", "")
    match = any(path == p if p == "/" else path.startswith(p) for p in prefixes)
    return mark_safe(' aria-current="page"') if match else ""
