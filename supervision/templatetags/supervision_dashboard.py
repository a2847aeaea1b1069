"""Filters for the dashboard templates (no query: formatting only)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template

from .. import dashboard

register = template.Library()


@register.filter
def urlencode_params(params: dict) -> str:
    """A Query's parameters as a query string (for the export links)."""
    return urlencode(params)


@register.filter
def about_lines(query, as_of=None) -> list[str]:
    """What a table covers: period, region, department, as of."""
    return dashboard.about_lines(query, as_of)
