import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from catalog import constants as c
from catalog import services
from catalog.models import (
    Material,
    ServiceItem,
    ServiceItemVersion,
    Variance,
)
from portal.models import AuditEntry
from tests.factories import (
    VersionFactory,
    implementation_for,
    published_version,
)

from .forms import changeform_data
from .xlsx import upload, workbook_bytes

pytestmark = pytest.mark.django_db

VERSION_CHANGELIST = reverse("admin:catalog_serviceitemversion_changelist")
ITEM_CHANGELIST = reverse("admin:catalog_serviceitem_changelist")
IMPORT_URL = reverse("admin:catalog_serviceitem_import")
EXPORT_URL = reverse("admin:catalog_serviceitem_export")
TEMPLATE_URL = reverse("admin:catalog_serviceitem_import_template")
REPORT_URL = reverse("admin:catalog_variance_report")
REPORT_XLSX_URL = reverse("admin:catalog_variance_report_xlsx")


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def version_url(version) -> str:
    return reverse("admin:catalog_serviceitemversion_change", args=[version.pk])


def run_action(client, action: str, versions, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [v.pk for v in versions]}
    data.update(extra)
    return client.post(VERSION_CHANGELIST, data, follow=True)


# --- every page opens ----------------------------------------------------------


ADMIN_PAGES = [
    "catalog_region",
    "catalog_department",
    "catalog_servicehall",
    "catalog_theme",
    "catalog_certificatetype",
    "catalog_serviceitem",
    "catalog_serviceitemversion",
    "catalog_processstage",
    "catalog_implementation",
    "catalog_intermediaryservice",
    "catalog_intermediaryagency",
    "catalog_staffprofile",
    "portal_user",
    "portal_article",
    "portal_auditentry",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_changelists_open(client, editor, superuser, name):
    version = published_version()
    implementation_for(version)
    # Users are managed by administrators; the rest by catalog editors.
    client.force_login(superuser if name == "portal_user" else editor)
    response = client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "catalog_region",
        "catalog_department",
        "catalog_servicehall",
        "catalog_serviceitem",
        "catalog_implementation",
        "catalog_intermediaryagency",
        "portal_user",
        "portal_article",
    ],
)
def test_add_pages_open(client, editor, superuser, name):
    client.force_login(superuser if name == "portal_user" else editor)
    response = client.get(reverse(f"admin:{name}_add"))
    assert response.status_code == 200


def test_change_pages_open(editor_client):
    version = published_version()
    impl = implementation_for(version)
    draft = services.version_new_draft(version=version, actor=None)
    stage = draft.stages.get()
    for url in [
        reverse("admin:catalog_serviceitem_change", args=[version.item_id]),
        version_url(version),
        version_url(draft),
        reverse("admin:catalog_processstage_change", args=[stage.pk]),
        reverse("admin:catalog_implementation_change", args=[impl.pk]),
    ]:
        assert editor_client.get(url).status_code == 200, url


# --- import / export in the admin ---------------------------------------------


def test_editor_sees_import_and_export_buttons(editor_client):
    response = editor_client.get(ITEM_CHANGELIST)
    assert IMPORT_URL.encode() in response.content
    assert EXPORT_URL.encode() in response.content


def test_admin_import_shows_each_bad_row_and_imports_nothing(editor_client):
    content = workbook_bytes(
        [
            ("NEW000000001", "甲", "行政许可", 1, 2),
            ("NEW000000002", "乙", "行政许可", "三天", 2),
        ]
    )
    response = editor_client.post(IMPORT_URL, {"file": upload(content)})
    assert response.status_code == 400
    text = response.content.decode()
    assert "未导入任何数据" in text
    assert "【事项】第3行：承诺时限（D列）应为非负整数，实际为“三天”" in text
    assert not ServiceItem.objects.exists()


def test_admin_import_refuses_a_renamed_text_file(editor_client):
    response = editor_client.post(
        IMPORT_URL, {"file": upload(b"not a workbook", "items.xlsx")}
    )
    assert response.status_code == 400
    assert "文件不是Excel工作簿（.xlsx）" in response.content.decode()


def test_admin_import_refuses_an_oversized_file(editor_client, settings):
    settings.CATALOG_IMPORT_MAX_BYTES = 1024
    response = editor_client.post(IMPORT_URL, {"file": upload(b"PK" + b"x" * 2000)})
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()


def test_admin_import_success_redirects_with_summary(editor_client, editor):
    content = workbook_bytes([("NEW000000001", "甲", "行政许可", 1, 2)])
    response = editor_client.post(IMPORT_URL, {"file": upload(content)}, follow=True)
    assert response.redirect_chain[-1][0] == ITEM_CHANGELIST
    assert any("导入成功：新建事项1个" in m for m in message_texts(response))
    assert AuditEntry.objects.filter(action="catalog.import", actor=editor).exists()


def test_admin_export_downloads_the_filtered_catalog(editor_client):
    published_version(item__name="普通护照签发", name="普通护照签发")
    VersionFactory(item__name="居民身份证换领", name="居民身份证换领")
    response = editor_client.get(EXPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    names = [r[1] for r in wb["事项"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["居民身份证换领", "普通护照签发"]
    # The changelist's filters carry over to the export.
    response = editor_client.get(EXPORT_URL + "?state=published")
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    names = [r[1] for r in wb["事项"].iter_rows(min_row=2, values_only=True)]
    assert names == ["普通护照签发"]


@pytest.mark.parametrize("who", ["supervisor", "clerk"])
def test_other_roles_cannot_import_export_or_change(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    draft = VersionFactory()
    for url in (IMPORT_URL, EXPORT_URL, TEMPLATE_URL):
        assert client.get(url).status_code == 403, url
    content = workbook_bytes([("NEW000000001", "甲", "行政许可", 1, 2)])
    assert client.post(IMPORT_URL, {"file": upload(content)}).status_code == 403
    assert not ServiceItem.objects.filter(basic_code="NEW000000001").exists()
    response = client.post(version_url(draft), {"name": "改名"})
    assert response.status_code == 403
    item_url = reverse("admin:catalog_serviceitem_change", args=[draft.item_id])
    assert client.post(item_url, {"hot": "99"}).status_code == 403
    add_url = reverse("admin:catalog_serviceitem_add")
    response = client.post(
        add_url, {"basic_code": "NEW000000002", "name": "x", "item_type": "01"}
    )
    assert response.status_code == 403
    run_action(client, "publish_drafts", [draft])
    draft.refresh_from_db()
    assert draft.name != "改名" and draft.is_draft
    assert ServiceItem.objects.get(pk=draft.item_id).hot == 0
    assert not ServiceItem.objects.filter(basic_code="NEW000000002").exists()
    assert not AuditEntry.objects.exists()


def test_supervisor_sees_the_catalog_without_import_buttons(client, supervisor):
    client.force_login(supervisor)
    published_version()
    response = client.get(ITEM_CHANGELIST)
    assert response.status_code == 200
    assert IMPORT_URL.encode() not in response.content


def test_anonymous_is_sent_to_login(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


# --- versions: edit drafts through services, actions ----------------------------


def test_editing_a_draft_goes_through_the_service(editor_client, editor):
    draft = VersionFactory()
    data = changeform_data(editor_client.get(version_url(draft)))
    data["promised_limit_value"] = "6"
    data["acceptance_conditions"] = "申请人为中国公民\n申请人年满十六周岁"
    data["fees"] = "工本费|20元|川发改价格〔2020〕1号"
    total = int(data["materials-TOTAL_FORMS"])
    data["materials-TOTAL_FORMS"] = str(total + 1)
    data.update(
        {
            f"materials-{total}-order": "3",
            f"materials-{total}-name": "户口簿",
            f"materials-{total}-form": c.MaterialForm.COPY,
            f"materials-{total}-medium": c.MaterialMedium.PAPER,
            f"materials-{total}-paper_copies": "1",
            f"materials-{total}-source": c.MaterialSource.APPLICANT,
            f"materials-{total}-necessity": c.MaterialNecessity.REQUIRED,
        }
    )
    response = editor_client.post(version_url(draft), data)
    assert response.status_code == 302, response.context and [
        response.context["adminform"].form.errors,
        [f.errors for f in response.context["inline_admin_formsets"][0].formset],
    ]
    draft.refresh_from_db()
    assert draft.promised_limit_value == 6
    assert draft.acceptance_conditions == ["申请人为中国公民", "申请人年满十六周岁"]
    assert draft.fees == [
        {"item": "工本费", "standard": "20元", "basis": "川发改价格〔2020〕1号"}
    ]
    assert draft.materials.filter(name="户口簿").exists()
    update = AuditEntry.objects.get(action="catalog.version_update")
    assert update.actor == editor
    assert update.changes["promised_limit_value"] == {"from": 10, "to": 6}
    children = AuditEntry.objects.get(action="catalog.version_children_update")
    assert children.changes["material"]["added"] == ["户口簿"]


def test_bad_text_in_a_draft_field_is_a_form_error(editor_client):
    draft = VersionFactory()
    data = changeform_data(editor_client.get(version_url(draft)))
    data["fees"] = "|20元"
    response = editor_client.post(version_url(draft), data)
    assert response.status_code == 200
    assert "第1条缺少收费项目" in str(response.context["adminform"].form.errors)


def test_published_version_is_read_only(editor_client):
    version = published_version()
    response = editor_client.get(version_url(version))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert all(
        not inline.has_change_permission and not inline.has_add_permission
        for inline in response.context["inline_admin_formsets"]
    )
    response = editor_client.post(version_url(version), {"name": "改名"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.name != "改名"


def test_publish_action_publishes_a_good_draft(editor_client, editor):
    draft = VersionFactory()
    response = run_action(editor_client, "publish_drafts", [draft])
    draft.refresh_from_db()
    assert draft.status == c.VersionStatus.PUBLISHED
    assert "已发布1个版本" in message_texts(response)
    assert AuditEntry.objects.filter(
        action="catalog.version_publish", actor=editor
    ).exists()


def test_publish_action_lists_each_broken_rule_naming_the_item(editor_client):
    bad = VersionFactory(
        item__name="食品经营许可",
        name="食品经营许可",
        fees=[{"item": "工本费", "standard": "20元"}],
        consult_channels="12345",
        complaint_channels="12345",
    )
    good = VersionFactory()
    response = run_action(editor_client, "publish_drafts", [bad, good])
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.is_draft and good.status == c.VersionStatus.PUBLISHED
    texts = message_texts(response)
    label = f"「食品经营许可」（{bad.item.basic_code} v1）"
    assert f"{label}：收费项目“工本费”须填写收费依据" in texts
    assert f"{label}：咨询方式与监督投诉方式不能相同" in texts
    assert any(t.startswith(f"{label}未发布：办事指南有2处") for t in texts)
    assert "已发布1个版本" in texts


def test_publish_button_on_the_draft_page(editor_client):
    draft = VersionFactory()
    url = reverse("admin:catalog_serviceitemversion_publish", args=[draft.pk])
    assert url.encode() in editor_client.get(version_url(draft)).content
    editor_client.post(url)
    draft.refresh_from_db()
    assert draft.status == c.VersionStatus.PUBLISHED


def test_check_action_lists_problems_without_publishing(editor_client):
    draft = VersionFactory(visits=2, depth=c.OnlineDepth.ONLINE)
    response = run_action(editor_client, "check_guides", [draft])
    draft.refresh_from_db()
    assert draft.is_draft
    texts = message_texts(response)
    assert any("到办事现场次数最多为1次" in t for t in texts)
    assert not AuditEntry.objects.exists()


def test_new_draft_action(editor_client, editor):
    v1 = published_version()
    response = run_action(editor_client, "new_drafts", [v1])
    assert "已新建1个草稿版本" in message_texts(response)
    draft = v1.item.versions.get(version=2)
    assert draft.is_draft and draft.materials.count() == 2
    response = run_action(editor_client, "new_drafts", [v1])
    assert any("已有草稿版本" in t for t in message_texts(response))
    assert AuditEntry.objects.filter(action="catalog.version_new_draft").count() == 1


def test_retire_action_asks_for_a_reason(editor_client, editor):
    version = published_version()
    response = run_action(editor_client, "retire_versions", [version])
    assert response.status_code == 200
    assert "废止原因" in response.content.decode()
    version.refresh_from_db()
    assert version.status == c.VersionStatus.PUBLISHED

    response = run_action(
        editor_client, "retire_versions", [version], post="yes", reason="  "
    )
    assert "请填写废止原因" in response.content.decode()
    version.refresh_from_db()
    assert version.status == c.VersionStatus.PUBLISHED

    response = run_action(
        editor_client, "retire_versions", [version], post="yes", reason="事项取消"
    )
    version.refresh_from_db()
    assert version.status == c.VersionStatus.RETIRED
    assert "已废止1个版本" in message_texts(response)
    entry = AuditEntry.objects.get(action="catalog.version_retire")
    assert entry.actor == editor and entry.changes["reason"] == "事项取消"


def test_drafts_cannot_be_retired(editor_client):
    draft = VersionFactory()
    response = run_action(
        editor_client, "retire_versions", [draft], post="yes", reason="取消"
    )
    assert any("只有已发布的版本可以废止" in t for t in message_texts(response))
    draft.refresh_from_db()
    assert draft.is_draft


def test_published_versions_cannot_be_deleted_from_the_changelist(editor_client):
    version = published_version()
    draft = VersionFactory()
    run_action(editor_client, "delete_selected", [version, draft], post="yes")
    assert ServiceItemVersion.objects.filter(pk=version.pk).exists()
    run_action(editor_client, "delete_selected", [draft], post="yes")
    assert not ServiceItemVersion.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(action="admin.delete").count() == 1


def test_item_add_creates_draft_v1_through_the_service(editor_client, editor):
    response = editor_client.post(
        reverse("admin:catalog_serviceitem_add"),
        {
            "basic_code": "NEW000000001",
            "name": "建筑工程施工许可证核发",
            "item_type": c.ItemType.LICENSING,
            "hot": "0",
        },
    )
    assert response.status_code == 302
    item = ServiceItem.objects.get(basic_code="NEW000000001")
    assert item.versions.get().is_draft
    assert AuditEntry.objects.filter(
        action="catalog.item_create", actor=editor
    ).exists()
    response = editor_client.post(
        reverse("admin:catalog_serviceitem_add"),
        {"basic_code": "bad", "name": "x", "item_type": "01", "hot": "0"},
    )
    assert response.status_code == 200
    assert "基本编码应为12位" in str(response.context["adminform"].form.errors)


def test_stage_steps_are_edited_on_the_stage_page(editor_client):
    draft = VersionFactory()
    stage = draft.stages.get()
    url = reverse("admin:catalog_processstage_change", args=[stage.pk])
    data = changeform_data(editor_client.get(url))
    data["steps-0-limit_days"] = "3"
    data["steps-1-name"] = "税务登记"
    data["steps-1-department_kind"] = "税务"
    data["steps-1-limit_days"] = "2"
    data["steps-1-order"] = "2"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert sorted(stage.steps.values_list("limit_days", flat=True)) == [2, 3]
    assert AuditEntry.objects.filter(action="catalog.version_children_update").exists()
    # A published stage is read-only.
    published = published_version()
    url = reverse("admin:catalog_processstage_change", args=[published.stages.get().pk])
    assert editor_client.post(url, data).status_code == 403


# --- implementations and variances ---------------------------------------------


def test_variance_is_recorded_through_the_service(editor_client, editor):
    impl = implementation_for(published_version())
    url = reverse("admin:catalog_implementation_change", args=[impl.pk])
    data = changeform_data(editor_client.get(url))
    data["variances-TOTAL_FORMS"] = "1"
    data.update(
        {
            "variances-0-field": "channels",
            "variances-0-local_value": "窗口办理、快递申请",
            "variances-0-reason": "高原牧区网络条件差",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context and [
        f.errors for f in response.context["inline_admin_formsets"][0].formset
    ]
    variance = Variance.objects.get()
    assert variance.local_value == [c.Channel.WINDOW, c.Channel.POST]
    assert variance.standard_value == [c.Channel.WINDOW, c.Channel.ONLINE]
    assert variance.approved_by == editor
    assert AuditEntry.objects.filter(action="catalog.variance_record").exists()


def test_variance_equal_to_standard_is_a_form_error(editor_client):
    impl = implementation_for(published_version())
    url = reverse("admin:catalog_implementation_change", args=[impl.pk])
    data = changeform_data(editor_client.get(url))
    data["variances-TOTAL_FORMS"] = "1"
    data.update(
        {
            "variances-0-field": "promised_limit_value",
            "variances-0-local_value": "10",
            "variances-0-reason": "同标准",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    errors = str(response.context["inline_admin_formsets"][0].formset.errors)
    assert "本地值与标准值（10）相同" in errors
    assert not Variance.objects.exists()


def _seed_variances(editor, regions):
    kangding = published_version(item__name="普通护照签发", name="普通护照签发")
    impl_kd = implementation_for(kangding)
    services.variance_record(
        implementation=impl_kd,
        field="promised_limit_value",
        local_value=5,
        reason="县级压缩时限",
        approved_by=editor,
    )
    from tests.factories import DepartmentFactory

    luding_body = DepartmentFactory(region=regions["513322"], name="泸定县公安局")
    impl_ld = implementation_for(published_version(), department=luding_body)
    services.variance_record(
        implementation=impl_ld,
        field="channels",
        local_value=[c.Channel.WINDOW],
        reason="暂不支持网上办理",
        approved_by=editor,
    )
    return impl_kd, impl_ld


@pytest.fixture
def regions(db):
    from tests.factories import ganzi_regions

    return ganzi_regions()


def test_variance_report_lists_and_filters_by_county(editor_client, editor, regions):
    _seed_variances(editor, regions)
    response = editor_client.get(REPORT_URL)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 2
    passport = next(r for r in rows if r["item"] == "普通护照签发")
    assert passport["standard"] == "10" and passport["local"] == "5"
    assert passport["reason"] == "县级压缩时限"
    assert passport["region"] == "康定市"
    assert passport["approved_by"] == str(editor)
    text = response.content.decode()
    assert "县级压缩时限" in text and "窗口办理、网上办理" in text

    response = editor_client.get(REPORT_URL, {"region": "513322"})
    rows = response.context["rows"]
    assert [r["local"] for r in rows] == ["窗口办理"]

    response = editor_client.get(REPORT_URL, {"region": "999999"})
    assert len(response.context["rows"]) == 2
    assert any("未知的区县" in t for t in message_texts(response))


def test_variance_report_download(editor_client, editor, regions):
    _seed_variances(editor, regions)
    response = editor_client.get(REPORT_XLSX_URL, {"region": "513301"})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("基本编码", "事项名称")
    assert (
        len(rows) == 2 and rows[1][1] == "普通护照签发" and rows[1][8] == "县级压缩时限"
    )


def test_variance_report_for_supervisors_not_clerks(client, supervisor, clerk):
    client.force_login(supervisor)
    assert client.get(REPORT_URL).status_code == 200
    client.force_login(clerk)
    assert client.get(REPORT_URL).status_code == 403
    assert client.get(REPORT_XLSX_URL).status_code == 403


# --- the audit log --------------------------------------------------------------


def test_audit_log_refuses_changes_even_for_superusers(client, superuser):
    published_version()
    entry = AuditEntry.objects.first()
    client.force_login(superuser)
    changelist = reverse("admin:portal_auditentry_changelist")
    change = reverse("admin:portal_auditentry_change", args=[entry.pk])
    assert client.get(changelist).status_code == 200
    response = client.get(change)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert client.get(reverse("admin:portal_auditentry_add")).status_code == 403
    assert client.post(change, {"action": "forged"}).status_code == 403
    delete = reverse("admin:portal_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        changelist,
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [entry.pk], "post": "yes"},
    )
    assert AuditEntry.objects.filter(pk=entry.pk, action=entry.action).exists()


def test_reference_data_changes_are_audited(editor_client, editor, regions):
    region = regions["513322"]
    url = reverse("admin:catalog_region_change", args=[region.pk])
    data = changeform_data(editor_client.get(url))
    data["name"] = "泸定县（测试）"
    assert editor_client.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(action="admin.change")
    assert entry.actor == editor and entry.changes == {"name": "泸定县（测试）"}


# --- query counts stay flat -------------------------------------------------------


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _more_items(n: int) -> None:
    from itertools import count

    from tests.factories import staff

    start = Material.objects.count()
    for i in count(start):
        if i == start + n:
            break
        impl = implementation_for(published_version())
        staff(f"clerk-{i}", "clerk", department=impl.department)
        services.variance_record(
            implementation=impl,
            field="promised_limit_value",
            local_value=5,
            reason="压缩",
            approved_by=impl.item.current_version.published_by,
        )
        VersionFactory()


@pytest.mark.parametrize(
    "url",
    [
        ITEM_CHANGELIST,
        VERSION_CHANGELIST,
        reverse("admin:catalog_implementation_changelist"),
        reverse("admin:catalog_department_changelist"),
        reverse("admin:catalog_processstage_changelist"),
        reverse("admin:catalog_staffprofile_changelist"),
        reverse("admin:portal_auditentry_changelist"),
        reverse("admin:portal_user_changelist"),
        REPORT_URL,
    ],
)
def test_changelist_query_count_is_flat(client, superuser, editor, url):
    client.force_login(superuser if "portal/user" in url else editor)
    _more_items(2)
    first = _count_queries(client, url)
    _more_items(4)
    assert _count_queries(client, url) == first


def test_implementation_add_goes_through_the_service(editor_client, editor):
    from tests.factories import DepartmentFactory

    version = published_version()
    body = DepartmentFactory()
    url = reverse("admin:catalog_implementation_add")
    data = {
        "item": version.item_id,
        "region": body.region_id,
        "department": body.pk,
        "code": body.credit_code + "4" + version.item.basic_code,
        "hours": "工作日 9:00-17:00",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 302
    impl = version.item.implementations.get()
    assert impl.is_active is False  # the unchecked box wins over the default
    assert AuditEntry.objects.filter(
        action="catalog.implementation_create", actor=editor
    ).exists()
    data["code"] = body.credit_code + "4" + "000000000000"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "实施编码后12位与事项基本编码不一致" in str(
        response.context["adminform"].form.errors
    )
