"""The supervisor dashboard's figures: the public interface (docs/adr/0010).

Pages and APIs use only what this module exports. Figures are read from
roll-up cells (supervision.models.FigureCell) kept current by the beat task
supervision.tasks.refresh_figures from the audit feed; the "now" figures
(open, yellow, red) and drill-downs read the facts (ApplicationFact). Every
drillable figure's drill-down has the figure's count (one predicate per
counter, supervision.figures.metrics).
"""

from __future__ import annotations

from .metrics import METRICS, Metric
from .reading import (
    Filters,
    Period,
    PublicRow,
    Row,
    Summary,
    Value,
    WeekRow,
    drilldown,
    monthly_public,
    parse_period,
    resolve_filters,
    steps,
    summary,
    weekly,
)
from .refresh import rebuild, refresh_applications, refresh_pending

__all__ = [
    "METRICS",
    "Filters",
    "Metric",
    "Period",
    "PublicRow",
    "Row",
    "Summary",
    "Value",
    "WeekRow",
    "drilldown",
    "monthly_public",
    "parse_period",
    "rebuild",
    "refresh_applications",
    "refresh_pending",
    "resolve_filters",
    "steps",
    "summary",
    "weekly",
]
