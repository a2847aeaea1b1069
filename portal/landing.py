"""Where each role works: the desks a signed-in staff member lands on and
finds in the menu. One place for the mapping role -> pages.

Pages are named by URL name and reversed when asked for, so a desk another
app adds later (the workflow's reviewer inbox, the head's desk) is used as
soon as its URLs exist; until then the role falls back to the admin site
(for staff who may use it) or is left out. Portal base: no app is imported.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .roles import STAFF_ROLES, Role, user_roles


@dataclass(frozen=True)
class DeskLink:
    label: str
    url: str


# Role -> its pages, the first one being where the role lands after login.
# (label, URL name, URL kwargs). Order of the roles: which desk wins for a
# user holding several.
ROLE_PAGES: list[tuple[str, list[tuple[object, str, dict]]]] = [
    (
        Role.CLERK,
        [
            (_("受理工作台"), "applications:counter_queue", {}),
            (_("一窗受理"), "applications:counter_find", {}),
            (_("本厅办件"), "applications:counter_hall", {}),
        ],
    ),
    (Role.REVIEWER, [(_("审核工作台"), "workflow:inbox", {})]),
    (
        Role.DEPARTMENT_HEAD,
        [
            (_("科室工作台"), "workflow:head", {}),
            (_("督办事项"), "supervision:order_inbox", {}),
        ],
    ),
    (
        Role.SUPERVISOR,
        [
            (_("监督看板"), "supervision:dashboard", {}),
            (_("监督管理"), "admin:index", {}),
            (_("预警牌看板"), "supervision:card_board", {}),
            (_("督办"), "supervision:order_list", {}),
            (_("公开监督信息"), "portal:supervision", {}),
        ],
    ),
    (
        Role.CATALOG_EDITOR,
        [
            (_("事项管理"), "admin:app_list", {"app_label": "catalog"}),
            (_("通知公告管理"), "admin:portal_article_changelist", {}),
        ],
    ),
    (
        Role.AGENT,
        [
            (_("代办工作台"), "applications:agent_home", {}),
            (_("新建代办"), "applications:agent_find", {}),
        ],
    ),
]


# The roles that land on their first page; the township agent (no staff
# member, often applying for themself too) keeps the home page and finds
# the desk in the menu.
LANDS = STAFF_ROLES


def _url(user, name: str, kwargs: dict) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        # A desk not there yet: staff who may use the admin site go there.
        if user.is_staff:
            return reverse("admin:index")
        return None


def desk_links(user) -> list[DeskLink]:
    """The pages of every role ``user`` holds, landing pages first, once each."""
    roles = user_roles(user)
    links: list[DeskLink] = []
    seen: set[str] = set()
    for role, pages in ROLE_PAGES:
        if role.value not in roles:
            continue
        for label, name, kwargs in pages:
            url = _url(user, name, kwargs)
            if url and url not in seen:
                seen.add(url)
                links.append(DeskLink(label=str(label), url=url))
    return links


def landing_url(user) -> str | None:
    """Where ``user`` lands after login when no page was asked for: the
    first desk of their roles (None: the site's default, the home page)."""
    for role, pages in ROLE_PAGES:
        if role in LANDS and role.value in user_roles(user):
            label, name, kwargs = pages[0]
            url = _url(user, name, kwargs)
            if url:
                return url
    if user.is_staff:
        return reverse("admin:index")
    return None
