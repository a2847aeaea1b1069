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
