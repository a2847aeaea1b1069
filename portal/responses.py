"""Page responses every app's views share."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    status: int = 200,
    retry_after: int | None = None,
) -> HttpResponse:
    """Render a page; with ``retry_after`` it is a throttled try's 429, saying when to retry."""
    if retry_after is None:
        return render(request, template, context, status=status)
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(retry_after)
    return response
