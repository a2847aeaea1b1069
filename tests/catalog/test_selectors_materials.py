"""catalog.selectors.version_materials: read once per process when published."""

import pytest

from catalog import constants as c
from catalog.selectors import version_materials
from tests.applications.factories import applicable_version

pytestmark = pytest.mark.django_db


def test_a_published_versions_materials_are_read_once(django_assert_num_queries):
    version = applicable_version(
        materials=[{"name": "甲"}, {"name": "乙", "necessity": "optional"}]
    )
    assert version.status == c.VersionStatus.PUBLISHED
    with django_assert_num_queries(1):
        first = version_materials(version=version)
    with django_assert_num_queries(0):
        again = version_materials(version=version)
    assert again is first
    assert [m.name for m in first] == ["甲", "乙"]


def test_a_draft_versions_materials_are_read_every_time(django_assert_num_queries):
    from catalog.models import Material
    from tests.factories import VersionFactory

    draft = VersionFactory()
    assert draft.status == c.VersionStatus.DRAFT
    with django_assert_num_queries(1):
        before = [m.name for m in version_materials(version=draft)]
    Material.objects.create(version=draft, order=99, name="后加的材料")
    with django_assert_num_queries(1):
        after = [m.name for m in version_materials(version=draft)]
    assert after == [*before, "后加的材料"]
