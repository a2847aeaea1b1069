"""load_demo finishes what an earlier run left and repairs drifted reference rows."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from catalog import constants as c
from catalog.models import Department, ServiceItem
from catalog.services import item_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def test_draft_only_item_is_completed_and_drift_repaired():
    editor = UserFactory(username="someone-else")
    draft = item_create(
        basic_code="000172020000",
        name="护照（未完成草稿）",
        item_type="01",
        actor=editor,
    )
    _load()

    item = ServiceItem.objects.get(basic_code="000172020000")
    assert item.pk == draft.item_id
    assert item.name == "普通护照签发"
    assert item.versions.count() == 1
    version = item.current_version
    assert version.pk == draft.pk
    assert version.status == c.VersionStatus.PUBLISHED
    assert version.materials.count() >= 3
    assert item.hot == 9800
    assert item.lead_department.name == "甘孜藏族自治州公安局"

    body = Department.objects.get(name="康定市民政局")
    Department.objects.filter(pk=body.pk).update(phone="000")
    out = _load()
    assert "0 created, 1 updated" in out
    body.refresh_from_db()
    assert body.phone == "0836-2812580"
