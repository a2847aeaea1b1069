import datetime as dt
from types import SimpleNamespace

from applications.documents import supplement_due


def test_supplement_due_follows_the_configured_working_days(settings):
    # Issued Wednesday 2026-09-30; 1-8 October are the National Day holiday.
    notice = SimpleNamespace(issued_at=dt.datetime(2026, 9, 30, 3, tzinfo=dt.UTC))
    settings.SUPPLEMENT_DUE_WORKING_DAYS = 5
    assert supplement_due(notice) == (dt.date(2026, 10, 13), False)
    settings.SUPPLEMENT_DUE_WORKING_DAYS = 10
    assert supplement_due(notice)[0] > dt.date(2026, 10, 13)
