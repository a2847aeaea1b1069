"""Who oversees which part of the prefecture (supervision.scope)."""

import pytest

from catalog.constants import RegionLevel
from catalog.models import Department
from portal.roles import Role
from supervision.scope import SupervisorScope, supervisor_scope
from tests.factories import DepartmentFactory, RegionFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions():
    prefecture = RegionFactory(
        code="513300", name="甘孜州", level=RegionLevel.PREFECTURE
    )
    kangding = RegionFactory(code="513301", name="康定市", parent=prefecture)
    luding = RegionFactory(code="513322", name="泸定县", parent=prefecture)
    township = RegionFactory(
        code="513301001", name="炉城街道", level=RegionLevel.TOWNSHIP, parent=kangding
    )
    return prefecture, kangding, luding, township


def test_prefecture_supervisor_and_one_without_region_oversee_everything(regions):
    prefecture, *_ = regions
    assert supervisor_scope(staff("sv-a", Role.SUPERVISOR, region=prefecture)) == (
        SupervisorScope()
    )
    assert supervisor_scope(staff("sv-b", Role.SUPERVISOR)).whole_prefecture


def test_county_and_township_supervisors_oversee_their_county(regions):
    _, kangding, luding, township = regions
    for user in (
        staff("sv-c", Role.SUPERVISOR, region=kangding),
        staff("sv-t", Role.SUPERVISOR, region=township),
    ):
        scope = supervisor_scope(user)
        assert scope.prefix == "513301"
        assert scope.covers("513301001") and not scope.covers("513322")
        assert not scope.covers(None)
    ours = DepartmentFactory(region=kangding)
    DepartmentFactory(region=luding)
    seen = Department.objects.filter(scope.region_q("region"))
    assert list(seen) == [ours]


def test_anyone_else_oversees_nothing(regions):
    _, kangding, *_ = regions
    assert (
        supervisor_scope(staff("head-x", Role.DEPARTMENT_HEAD, region=kangding)) is None
    )
