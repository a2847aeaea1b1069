"""Portal's base models, one module per concern (re-exported here for Django)."""

from .calendar import CalendarDay, CalendarRevision, CalendarSource, CalendarYear
from .clocks import (
    Clock,
    ClockSegment,
    ClockState,
    ClockUnit,
    Deadline,
    DeadlineKind,
    DeadlineState,
    SegmentState,
    SuspensionReason,
)
from .core import ApiToken, Article, ArticleKind, AuditChainHead, AuditEntry, User

__all__ = [
    "ApiToken",
    "Article",
    "ArticleKind",
    "AuditChainHead",
    "AuditEntry",
    "CalendarDay",
    "CalendarRevision",
    "CalendarSource",
    "CalendarYear",
    "Clock",
    "ClockSegment",
    "ClockState",
    "ClockUnit",
    "Deadline",
    "DeadlineKind",
    "DeadlineState",
    "SegmentState",
    "SuspensionReason",
    "User",
]
