import pytest

from supervision import figures
from supervision.scope import SupervisorScope
from tests.workflow.factories import accepted, department, routed_item

pytestmark = pytest.mark.django_db


def test_an_accepted_application_is_received_and_accepted():
    dep = department("甲局")
    impl = routed_item([[dep]], lead=dep)
    accepted(impl)
    figures.refresh_pending()
    period = figures.parse_period(None, None)
    filters = figures.resolve_filters(SupervisorScope(), None, None)
    s = figures.summary(filters, period)
    assert s.totals.values["received"].value == 1
    assert s.totals.values["accepted"].value == 1
    assert s.totals.values["open_now"].value == 1
    assert figures.drilldown(filters, period, "received").count() == 1
