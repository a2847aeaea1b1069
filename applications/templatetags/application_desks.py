"""``{% user_desks user as desks %}``: the pages of the user's roles (portal.landing)."""

from __future__ import annotations

from django import template

from portal.landing import DeskLink, desk_links

register = template.Library()


@register.simple_tag
def user_desks(user) -> list[DeskLink]:
    return desk_links(user) if getattr(user, "is_authenticated", False) else []
