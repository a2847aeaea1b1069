"""The rating link on the applicant's application page (no query: a status test)."""

from __future__ import annotations

from django import template

from ..services.ratings import is_completed

register = template.Library()


@register.inclusion_tag("supervision/_rate_link.html", takes_context=True)
def rating_link(context, application):
    user = context.get("user")
    show = (
        user is not None
        and application.applicant_id == getattr(user, "pk", None)
        and is_completed(application)
    )
    return {"show": show, "application": application}


@register.simple_tag
def open_orders_for_head(user) -> int:
    """The head's department's open 督办 (one count query; 0 for anyone else)."""
    from ..order_selectors import open_order_count_for_head

    return open_order_count_for_head(user)


@register.filter
def oversees_application(user, application) -> bool:
    """May ``user`` issue an order about ``application`` (a supervisor over it)?"""
    from ..scope import supervisor_scope
    from ..visibility import supervisor_application_q

    scope = supervisor_scope(user)
    if scope is None:
        return False
    return (
        type(application)
        .objects.filter(pk=application.pk)
        .filter(supervisor_application_q(scope))
        .exists()
    )
