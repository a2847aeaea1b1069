"""The page links of ``templates/_pagination.html``: the current query string
with only the page number changed, so filters and search terms survive."""

from __future__ import annotations

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number: int, param: str = "page") -> str:
    """``?<the request's other parameters>&<param>=<number>`` (escaped on output).

    ``param`` is the page parameter of the list (``page`` on the public pages,
    ``p`` in the admin). Without a request in the context only the page is kept.
    """
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query[param] = str(number)
    return f"?{query.urlencode()}"
