import pytest


@pytest.fixture
def calendar_seeded(db):
    """The calendar table as migration 0009 leaves it.

    A transactional test elsewhere flushes every table when it ends (the
    calendar then serves the package's data, portal.workcalendar.current);
    tests that read the rows themselves seed them again the way the
    migration does.
    """
    from portal.models import CalendarRevision
    from portal.workcalendar import forget_cached, seed_package_rows

    if not CalendarRevision.objects.exists():
        seed_package_rows()
    forget_cached()
