"""Labels for the stored values the workflow pages show (``{% load workflow_ui %}``).

The selectors hand plain values (codes) to the templates; these filters give
each its translated label, in the request's language.
"""

from __future__ import annotations

from django import template

from portal.models import ClockState, SuspensionReason

from .. import constants as c

register = template.Library()


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


@register.filter
def outcome_label(value) -> str:
    return _label(c.OpinionOutcome, value)


@register.filter
def task_state_label(value) -> str:
    return _label(c.TaskState, value)


@register.filter
def stage_state_label(value) -> str:
    return _label(c.StageState, value)


@register.filter
def case_state_label(value) -> str:
    return _label(c.CaseState, value)


@register.filter
def extension_state_label(value) -> str:
    return _label(c.ExtensionState, value)


@register.filter
def clock_state_label(value) -> str:
    return _label(ClockState, value)


@register.filter
def suspension_label(value) -> str:
    return _label(SuspensionReason, value)


@register.filter
def state_tag(value) -> str:
    """The tag class of a state: green done well, red refused, warn waiting."""
    if value in {c.TaskState.APPROVED, c.CaseState.APPROVED, c.ExtensionState.APPROVED}:
        return "green"
    if value in {c.TaskState.REJECTED, c.ExtensionState.REFUSED}:
        return "red"
    if value in {c.CaseState.SUSPENDED, c.ExtensionState.REQUESTED, "suspended"}:
        return "warn"
    return ""
