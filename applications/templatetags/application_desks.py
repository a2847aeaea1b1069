"""``{% user_desk user as desk %}``: the clerk's, the agent's or the reviewer's desk link."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
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
    if roles & {Role.REVIEWER.value, Role.DEPARTMENT_HEAD.value}:
        # The department desks are workflow's; by URL name, so this app
        # imports nothing of it (and shows no link where it is not routed).
        try:
            return {"url": reverse("workflow:inbox"), "label": _("审批工作台")}
        except NoReverseMatch:
            return None
    return None
