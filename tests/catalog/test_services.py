import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalog import constants as c
from catalog import services
from catalog.models import Material, ServiceItemVersion
from catalog.selectors import implementation_guide, variance_report
from portal.errors import ServiceError
from portal.models import AuditEntry
from tests.factories import (
    UserFactory,
    VersionFactory,
    implementation_for,
    published_version,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return UserFactory(username="editor", roles=["catalog_editor"])


def test_publish_makes_version_current_and_searchable(editor):
    version = VersionFactory(item__name="普通护照签发", name="普通护照签发")
    published = services.version_publish(version=version, actor=editor)
    item = published.item
    item.refresh_from_db()
    assert published.status == c.VersionStatus.PUBLISHED
    assert item.current_version_id == published.pk
    assert item.pinyin == "putonghuzhaoqianfa"
    assert item.initials == "pthzqf"
    assert AuditEntry.objects.filter(action="catalog.version_publish").count() == 1


def test_published_version_refuses_changes(editor):
    version = published_version()
    with pytest.raises(ServiceError) as exc:
        services.version_update_draft(
            version=version, actor=editor, changes={"name": "改名"}
        )
    assert exc.value.code == "version_frozen"
    version.name = "直接改名"
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        Material.objects.create(version=version, name="新增材料")
    material = version.materials.first()
    material.name = "改材料"
    with pytest.raises(ValidationError):
        material.save()
    with pytest.raises(ValidationError):
        version.delete()
    assert ServiceItemVersion.objects.get(pk=version.pk).name != "直接改名"


def test_draft_from_published_publishes_as_next_version(editor):
    v1 = published_version()
    draft = services.version_new_draft(version=v1, actor=editor)
    assert draft.version == 2 and draft.is_draft
    assert draft.materials.count() == v1.materials.count()
    assert draft.stages.get().steps.count() == 1
    draft = services.version_update_draft(
        version=draft, actor=editor, changes={"promised_limit_value": 5}
    )
    v2 = services.version_publish(version=draft, actor=editor)
    v1.refresh_from_db()
    assert v2.version == 2 and v2.status == c.VersionStatus.PUBLISHED
    assert v1.status == c.VersionStatus.RETIRED
    assert v2.item.current_version_id == v2.pk
    with pytest.raises(ServiceError) as exc:
        services.version_new_draft(version=v2, actor=editor)
        services.version_new_draft(version=v2, actor=editor)
    assert exc.value.code == "draft_exists"


def test_publish_lists_every_broken_rule(editor):
    version = VersionFactory(
        depth=c.OnlineDepth.FULLY_ONLINE,
        visits=1,
        fees=[{"item": "工本费", "standard": "20元"}],
        consult_channels="12345",
        complaint_channels="12345",
        acceptance_conditions=["符合法律法规规定的其他条件"],
    )
    with pytest.raises(ServiceError) as exc:
        services.version_publish(version=version, actor=editor)
    codes = {e.code for e in exc.value.errors}
    assert {
        "depth4_visits",
        "fee_basis_missing",
        "consult_equals_complaint",
        "catch_all_condition",
    } <= codes
    version.refresh_from_db()
    assert version.is_draft
    assert not AuditEntry.objects.filter(action="catalog.version_publish").exists()


def test_zero_visits_offline_needs_post(editor):
    version = VersionFactory(visits=0, channels=[c.Channel.WINDOW], depth=1)
    with pytest.raises(ServiceError) as exc:
        services.version_publish(version=version, actor=editor)
    assert "zero_visits_needs_post" in {e.code for e in exc.value.errors}


def test_future_effective_date_takes_over_on_the_day(editor):
    v1 = published_version()
    draft = services.version_new_draft(version=v1, actor=editor)
    # Relative to today: v1 takes effect today, so the test cannot travel back.
    day = timezone.localdate() + dt.timedelta(days=9)
    v2 = services.version_publish(version=draft, actor=editor, effective_from=day)
    v2.item.refresh_from_db()
    assert v2.item.current_version_id == v1.pk
    morning = dt.datetime.combine(
        day, dt.time(9), tzinfo=timezone.get_current_timezone()
    )
    with time_machine.travel(morning):
        assert services.catalog_apply_effective_dates() == 1
        assert services.catalog_apply_effective_dates() == 0  # idempotent
    v1.refresh_from_db()
    v2.item.refresh_from_db()
    assert v2.item.current_version_id == v2.pk
    assert v1.status == c.VersionStatus.RETIRED
    assert v1.effective_to == day - dt.timedelta(days=1)


def test_retire_removes_item_from_catalog(editor):
    v1 = published_version()
    with pytest.raises(ServiceError) as exc:
        services.version_retire(version=v1, actor=editor, reason="")
    assert exc.value.code == "reason_required"
    services.version_retire(version=v1, actor=editor, reason="事项取消")
    v1.item.refresh_from_db()
    assert v1.item.current_version_id is None


def test_variance_report_lists_recorded_variance(editor):
    version = published_version()
    impl = implementation_for(version)
    services.variance_record(
        implementation=impl,
        field="promised_limit_value",
        local_value=5,
        reason="县级压缩时限",
        approved_by=editor,
    )
    rows = list(variance_report())
    assert len(rows) == 1
    assert rows[0].standard_value == 10 and rows[0].local_value == 5
    assert implementation_guide(implementation=impl).value("promised_limit_value") == 5


@pytest.mark.parametrize(
    ("field", "value", "reason", "error"),
    [
        ("name", "x", "r", "variance_field"),
        ("promised_limit_value", 5, " ", "variance_reason"),
        ("promised_limit_value", 10, "same", "variance_same"),
    ],
)
def test_variance_bad_input(editor, field, value, reason, error):
    impl = implementation_for(published_version())
    with pytest.raises(ServiceError) as exc:
        services.variance_record(
            implementation=impl,
            field=field,
            local_value=value,
            reason=reason,
            approved_by=editor,
        )
    assert exc.value.code == error


def test_implementation_code_must_match_body_and_item(editor):
    version = published_version()
    impl = implementation_for(version)
    with pytest.raises(ServiceError) as exc:
        services.implementation_create(
            item=version.item,
            region=impl.region,
            department=impl.department,
            code=impl.code,
            actor=editor,
        )
    assert exc.value.code == "implementation_code_duplicate"
    with pytest.raises(ServiceError) as exc:
        services.implementation_create(
            item=version.item,
            region=impl.region,
            department=impl.department,
            code=impl.department.credit_code + "4" + "999999999999",
            actor=editor,
        )
    assert exc.value.code == "implementation_code_item"


def test_duplicate_basic_code_refused(editor):
    services.item_create(
        basic_code="000173006000", name="A", item_type="01", actor=editor
    )
    with pytest.raises(ServiceError) as exc:
        services.item_create(
            basic_code="000173006000", name="B", item_type="01", actor=editor
        )
    assert exc.value.code == "basic_code_duplicate"
    with pytest.raises(ServiceError) as exc:
        services.item_create(basic_code="0001", name="B", item_type="01", actor=editor)
    assert exc.value.field == "basic_code"
