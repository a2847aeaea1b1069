import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import override_settings

from catalog import constants as c
from catalog import models as m
from catalog.codes import validate_implementation_code
from catalog.demo import regions as demo_regions
from catalog.demo.users import DEMO_PASSWORD
from catalog.rules import check_version
from catalog.selectors import variance_report
from catalog.services import version_new_draft
from people.codes import validate_credit_code, validate_region_code
from portal.audit import audit_verify
from portal.models import Article, ArticleKind, AuditEntry, User
from portal.roles import STAFF_ROLES, Role
from tests.demo.fixtures import demo_data, demo_key_dir, demo_keys  # noqa: F401

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_data", "demo_key_dir"),
]

NAMED_ITEMS = [
    "普通护照签发",
    "居民身份证换领",
    "最低生活保障审批",
    "城乡居民基本养老保险参保登记",
    "食品经营许可",
    "建筑工程施工许可证核发",
]
JOINT_ITEMS = [
    "企业开办",
    '新生儿出生"一件事"',
    "餐饮店开办",
    "不动产登记与水电气联动过户",
]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _counts() -> dict[str, int]:
    models = [
        m.Region,
        m.Department,
        m.ServiceHall,
        m.Window,
        m.Theme,
        m.CertificateType,
        m.ServiceItem,
        m.ServiceItemVersion,
        m.Material,
        m.ProcessStage,
        m.ProcessStep,
        m.Implementation,
        m.Variance,
        m.StaffProfile,
        m.IntermediaryService,
        m.IntermediaryAgency,
        User,
        Article,
        AuditEntry,
        m.ServiceItem.themes.through,
        m.Window.departments.through,
        m.Implementation.windows.through,
        m.Implementation.service_points.through,
        m.IntermediaryAgency.services.through,
        m.IntermediaryService.items.through,
        User.groups.through,
    ]
    return {model._meta.label: model.objects.count() for model in models}


def _published(name: str) -> m.ServiceItemVersion:
    return m.ServiceItem.objects.get(name=name).current_version


def test_second_run_creates_and_changes_nothing():
    before = _counts()
    hashes = list(AuditEntry.objects.values_list("hash", flat=True))
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    assert "0 created, 0 updated" in out.getvalue()
    assert _counts() == before
    assert list(AuditEntry.objects.values_list("hash", flat=True)) == hashes


def test_item_with_published_version_is_left_alone():
    item = m.ServiceItem.objects.get(name="普通护照签发")
    draft = version_new_draft(version=item.current_version, actor=None)
    before = _counts()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())
    assert _counts() == before
    draft.refresh_from_db()
    assert draft.status == c.VersionStatus.DRAFT


def test_refuses_with_debug_off():
    before = _counts()
    with override_settings(DEBUG=False), pytest.raises(CommandError) as exc:
        call_command("load_demo", stdout=io.StringIO())
    assert "DEBUG" in str(exc.value)
    assert _counts() == before


def test_region_tree_is_ganzi_with_real_codes():
    prefecture = m.Region.objects.get(code="513300")
    assert prefecture.name == "甘孜藏族自治州"
    assert prefecture.parent.code == "510000"
    counties = list(
        m.Region.objects.filter(parent=prefecture).values_list("code", "name")
    )
    assert counties == demo_regions.COUNTIES
    assert counties[0] == ("513301", "康定市")
    assert counties[1] == ("513322", "泸定县")
    assert counties[-1] == ("513338", "得荣县")
    for code, _ in counties:
        townships = m.Region.objects.filter(parent__code=code)
        assert townships.count() >= 3, code
        for t in townships:
            validate_region_code(t.code)
            assert t.code.startswith(code) and len(t.code) == 9
            assert t.level == c.RegionLevel.TOWNSHIP
            kind = {"0": "街道", "1": "镇", "2": "乡"}[t.code[6]]
            assert t.name.endswith(kind), t.name


def test_departments_have_valid_credit_codes_and_kinds():
    departments = m.Department.objects.select_related("region")
    assert departments.count() >= 20
    kinds = set(departments.values_list("kind", flat=True))
    assert {"市场监管", "公安", "税务", "人社", "公积金", "卫健", "民政"} <= kinds
    assert {"住建", "不动产", "水务", "电力", "燃气"} <= kinds
    for d in departments:
        validate_credit_code(d.credit_code)
        assert d.credit_code[2:8] == d.region.code
        assert d.credit_code[:2] in {"11", "12", "91"}
        assert d.kind
    assert departments.filter(level=c.AuthorityLevel.PREFECTURE).exists()
    assert departments.filter(level=c.AuthorityLevel.COUNTY).exists()
    assert departments.filter(credit_code__startswith="91", kind="电力").exists()


def test_halls_have_comprehensive_windows():
    prefecture_hall = m.ServiceHall.objects.get(name="甘孜州政务服务中心")
    assert prefecture_hall.region.code == "513300"
    county_halls = m.ServiceHall.objects.filter(region__level=c.RegionLevel.COUNTY)
    assert county_halls.count() >= 3
    for hall in [prefecture_hall, *county_halls]:
        assert hall.windows.filter(is_comprehensive=True).exists(), hall.name


def test_themes_cover_life_events_and_enterprise_cycle():
    personal = set(
        m.Theme.objects.filter(audience="personal").values_list("name", flat=True)
    )
    enterprise = set(
        m.Theme.objects.filter(audience="enterprise").values_list("name", flat=True)
    )
    assert {"出生", "上学", "就业创业", "婚育", "住房", "养老", "身后事"} <= personal
    assert {"企业开办", "经营许可", "工程建设", "纳税缴费", "变更注销"} <= enterprise
    assert not m.Theme.objects.annotate(n=Count("items")).filter(n=0).exists()


def test_at_least_40_items_all_published_and_passing_the_rules():
    items = m.ServiceItem.objects.select_related("current_version")
    assert items.count() >= 40
    for item in items:
        version = item.current_version
        assert version is not None, item.name
        assert version.status == c.VersionStatus.PUBLISHED
        assert check_version(version) == [], item.name
        assert re.fullmatch(r"[0-9A-Z]{12}", item.basic_code)
    types = set(items.values_list("item_type", flat=True))
    assert {"01", "05", "07", "20"} <= types
    assert types - c.APPLICABLE_ITEM_TYPES, "some non-applicable types"
    parties = {p for i in items for p in i.served_parties}
    assert parties == {"natural", "legal"}


def test_named_items_exist():
    names = set(m.ServiceItem.objects.values_list("name", flat=True))
    assert set(NAMED_ITEMS + JOINT_ITEMS) <= names


def test_guides_are_complete_for_applicable_items():
    versions = m.ServiceItemVersion.objects.filter(
        item_type__in=c.APPLICABLE_ITEM_TYPES
    ).prefetch_related("materials", "stages__steps")
    for v in versions:
        assert v.legal_bases and v.acceptance_conditions, v.name
        assert v.statutory_limit_value is not None, v.name
        assert v.promised_limit_value is not None, v.name
        assert v.visits == 0 or v.visits_reason, v.name
        assert v.consult_channels and v.complaint_channels, v.name
        assert v.consult_channels != v.complaint_channels
        assert v.results and v.faq, v.name
        assert v.review_body and v.litigation_body, v.name
        assert v.materials.all(), v.name
        assert all(f["basis"] for f in v.fees), v.name
        schema = v.form_schema
        assert schema["type"] == "object", v.name
        assert CJK.search(schema["title"]), v.name
        assert schema["required"], v.name
        for key, prop in schema["properties"].items():
            assert CJK.search(prop["title"]), f"{v.name}.{key}"
        assert set(schema["required"]) <= set(schema["properties"]), v.name
    assert m.ServiceItemVersion.objects.exclude(fees=[]).exists()
    assert m.ServiceItemVersion.objects.filter(fees=[]).exists()


def test_materials_point_at_certificate_types():
    for cert in m.CertificateType.objects.all():
        assert len(cert.code) == 21 and cert.code[18:].isdigit()
        validate_credit_code(cert.code[:18])
    names = set(m.CertificateType.objects.values_list("name", flat=True))
    assert {"居民身份证", "居民户口簿", "结婚证", "出生医学证明", "营业执照"} <= names
    assert "不动产权证书" in names
    ecert = m.Material.objects.filter(source=c.MaterialSource.ECERT)
    assert ecert.count() >= 20
    assert not ecert.filter(certificate_type__isnull=True).exists()
    used = set(ecert.values_list("certificate_type__name", flat=True))
    assert {"居民身份证", "营业执照", "不动产权证书", "结婚证"} <= used


def test_multi_department_items_have_parallel_stages():
    joint = set()
    for stage in m.ProcessStage.objects.prefetch_related("steps__department"):
        bodies = {s.department_id or s.department_kind for s in stage.steps.all()}
        if len(bodies) >= 2:
            joint.add(stage.version.name)
    assert len(joint) >= 6
    assert set(JOINT_ITEMS) <= joint

    stages = list(_published("企业开办").stages.prefetch_related("steps"))
    assert [s.department_kind for s in stages[0].steps.all()] == ["市场监管"]
    assert {s.department_kind for s in stages[1].steps.all()} == {
        "公安",
        "税务",
        "人社",
        "公积金",
        "银行",
    }
    for name in JOINT_ITEMS:
        stages = list(_published(name).stages.prefetch_related("steps"))
        assert len(stages) >= 2, name
        for stage in stages:
            for step in stage.steps.all():
                assert 1 <= step.limit_days <= 10, (name, step.name)


def _process_departments() -> set[int]:
    """Each body a published demo step is routed to, per implementation region."""
    out: set[int] = set()
    for impl in m.Implementation.objects.select_related("item__current_version"):
        steps = m.ProcessStep.objects.filter(stage__version=impl.item.current_version)
        for step in steps:
            if step.department_id:
                out.add(step.department_id)
                continue
            bodies = list(
                m.Department.objects.filter(
                    kind=step.department_kind, region=impl.region
                ).values_list("pk", flat=True)
            )
            assert len(bodies) == 1, (impl.code, step.name, bodies)
            out.add(bodies[0])
    return out


def test_every_process_department_has_a_reviewer_and_a_head():
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    departments = _process_departments()
    assert len(departments) >= 30
    for role in (Role.REVIEWER, Role.DEPARTMENT_HEAD):
        staffed = m.StaffProfile.objects.filter(
            user__groups__name=role, department__in=departments
        )
        assert set(staffed.values_list("department_id", flat=True)) == departments
        for profile in staffed.select_related("user"):
            user = profile.user
            assert user.check_password(DEMO_PASSWORD), user.username
            assert f"`{user.username}`" in readme, user.username
            # Like the other demo staff: no device yet, in with the password
            # while OTP_DEMO_BYPASS is on (make run), asked to enrol otherwise.
            assert not user.totpdevice_set.exists()
    names = list(User.objects.values_list("display_name", flat=True))
    assert len(names) == len(set(names))


def test_implementations_in_several_counties_with_valid_codes():
    impls = m.Implementation.objects.select_related("department", "item", "region")
    for impl in impls:
        validate_implementation_code(
            impl.code,
            credit_code=impl.department.credit_code,
            basic_code=impl.item.basic_code,
        )
        assert impl.code[18] == impl.department.level
        assert impl.hall_id and impl.hours and impl.consult_phone
    counties = set(
        impls.filter(region__level=c.RegionLevel.COUNTY).values_list(
            "region__code", flat=True
        )
    )
    assert len(counties) >= 3
    assert impls.filter(service_points__isnull=False).exists()
    assert not impls.filter(windows__isnull=True).exists()
    # Every item is implemented somewhere, so search by implementation code works.
    assert not m.ServiceItem.objects.filter(implementations__isnull=True).exists()


def test_variance_report_shows_the_seeded_variances():
    report = list(variance_report())
    assert len(report) >= 1
    food = [
        v
        for v in report
        if v.implementation.item.name == "食品经营许可"
        and v.field == "promised_limit_value"
    ]
    assert len(food) == 1
    assert food[0].local_value < food[0].standard_value
    assert food[0].reason and food[0].approved_by_id


def test_one_demo_user_per_role():
    for role in Role:
        group = Group.objects.get(name=role.value)
        user = User.objects.get(username=role.value, groups=group)
        assert user.check_password(DEMO_PASSWORD)
        if role in STAFF_ROLES or role == Role.AGENT:
            assert m.StaffProfile.objects.filter(user=user).exists(), role
    assert User.objects.get(username="supervisor").is_staff
    assert User.objects.get(username="catalog_editor").is_staff
    assert not User.objects.get(username="applicant").is_staff
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    clerk = m.StaffProfile.objects.get(user__username="clerk")
    assert clerk.hall.name == "康定市政务服务中心"
    agent = m.StaffProfile.objects.get(user__username="agent")
    assert agent.region.level == c.RegionLevel.TOWNSHIP


def test_articles_and_intermediaries():
    for kind in ArticleKind:
        assert Article.objects.filter(kind=kind).exists(), kind
    assert not Article.objects.filter(kind="policy", document_number="").exists()
    supervision = Article.objects.get(kind="supervision")
    assert "12345" in supervision.body
    assert m.IntermediaryService.objects.filter(items__isnull=False).exists()
    agencies = m.IntermediaryAgency.objects.all()
    assert agencies.count() >= 3
    for agency in agencies:
        validate_credit_code(agency.credit_code)
        assert agency.services.exists()


def test_items_were_written_through_the_audited_services():
    items = m.ServiceItem.objects.count()
    assert AuditEntry.objects.filter(action="catalog.item_create").count() == items
    assert AuditEntry.objects.filter(action="catalog.version_publish").count() == items
    assert AuditEntry.objects.filter(
        action="catalog.implementation_create"
    ).count() == (m.Implementation.objects.count())
    assert AuditEntry.objects.filter(action="catalog.variance_record").exists()
    checked, broken = audit_verify()
    assert broken is None and checked >= items


def test_demo_citizen_can_apply_and_agent_is_authorised():
    from applications.models import AgentAuthorization
    from applications.selectors_people import active_authorization
    from people.models import ApplicantProfile, EnterpriseMember
    from portal.models import User

    citizen = User.objects.get(username="applicant")
    profile = ApplicantProfile.objects.get(user=citizen)
    assert (
        profile.id_number_masked.startswith("513301")
        and "*" in profile.id_number_masked
    )
    assert EnterpriseMember.objects.filter(user=citizen, role="legal_rep").exists()
    agent = User.objects.get(username="agent")
    assert active_authorization(agent=agent, citizen=citizen) is not None
    assert AgentAuthorization.objects.filter(agent=agent).count() == 1
