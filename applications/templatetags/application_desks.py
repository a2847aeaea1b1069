"""``{% user_desk user as desk %}``: the clerk's or the agent's desk link, if any."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.roles import Role, user_roles

register = template.Library()


@register.simple_tag
def user_desk(user) -> dict | None:
    roles = user_roles(user)
    if Role.CLERK.value in roles:
        return {"url": reverse("applications:counter_queue"), "label": _("受理工作台")}
    if Role.AGENT.value in roles:
        return {"url": reverse("applications:agent_home"), "label": _("代办工作台")}
    return None
