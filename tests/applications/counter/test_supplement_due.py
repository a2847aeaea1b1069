import datetime as dt
from types import SimpleNamespace

from applications.documents import supplement_due
from applications.services.time_limits import (
    supplement_due_default,
    supplement_due_latest,
)


def test_default_supplement_due_follows_the_configured_working_days(settings):
    # Issued Wednesday 2026-09-30; 1-8 October are the National Day holiday.
    issued = dt.date(2026, 9, 30)
    settings.SUPPLEMENT_DUE_WORKING_DAYS = 5
    assert supplement_due_default(issued) == (dt.date(2026, 10, 13), False)
    settings.SUPPLEMENT_DUE_WORKING_DAYS = 10
    assert supplement_due_default(issued)[0] > dt.date(2026, 10, 13)
    settings.SUPPLEMENT_DUE_MAX_WORKING_DAYS = 5
    assert supplement_due_latest(issued) == dt.date(2026, 10, 13)


def test_printed_due_date_is_the_stored_one_whatever_the_setting_says_now(settings):
    notice = SimpleNamespace(
        issued_at=dt.datetime(2026, 9, 30, 3, tzinfo=dt.UTC),
        due_date=dt.date(2026, 10, 20),
        due_provisional=False,
    )
    settings.SUPPLEMENT_DUE_WORKING_DAYS = 5
    assert supplement_due(notice) == (dt.date(2026, 10, 20), False)
