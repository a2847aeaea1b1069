"""The evidence office's admin: sharing rules and specs edited (audited),
certificates read-only without their face data, and the certificate import."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from evidence.models import Certificate, SharingRule
from evidence.services.importing import COLUMNS
from portal.models import AuditEntry
from tests.evidence.factories import ENTERPRISE_CODE, cert_type, department_with_key

pytestmark = pytest.mark.django_db


def test_an_editor_adds_a_sharing_rule_and_it_is_audited(editor_client):
    t, dep = cert_type(), department_with_key()
    response = editor_client.post(
        reverse("admin:evidence_sharingrule_add"),
        {
            "department": dep.pk,
            "certificate_type": t.pk,
            "item": "",
            "basis": "川办发〔2026〕1号",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = SharingRule.objects.get()
    assert (rule.department, rule.certificate_type, rule.item) == (dep, t, None)
    assert AuditEntry.objects.filter(
        action="admin.add", object_type="evidence.sharingrule", object_id=str(rule.pk)
    ).exists()
    listing = editor_client.get(reverse("admin:evidence_sharingrule_changelist"))
    assert "该部门办理的全部事项" in listing.content.decode()


def test_a_supervisor_reads_sharing_rules_but_cannot_change_them(client, supervisor):
    client.force_login(supervisor)
    assert (
        client.get(reverse("admin:evidence_sharingrule_changelist")).status_code == 200
    )
    assert client.get(reverse("admin:evidence_sharingrule_add")).status_code == 403
    log = reverse("admin:evidence_accesslogentry_changelist")
    assert client.get(log).status_code == 200


def test_certificates_are_read_only_and_hide_face_data(superuser, client):
    from tests.evidence.factories import license_for

    client.force_login(superuser)
    cert = license_for(issuer=department_with_key())
    url = reverse("admin:evidence_certificate_change", args=[cert.pk])
    page = client.get(url).content.decode()
    assert cert.identifier in page
    assert cert.holder_name not in page
    assert json.dumps(cert.data, ensure_ascii=False)[:12] not in page
    assert client.get(reverse("admin:evidence_certificate_add")).status_code == 403
    assert client.post(url, {"status": "revoked"}).status_code == 403
    cert.refresh_from_db()
    assert cert.status == "valid"


def test_the_template_imports_once_filled_and_a_bad_sheet_changes_nothing(
    editor_client,
):
    t, dep = cert_type(), department_with_key()
    template = editor_client.get(reverse("admin:evidence_certificate_import_template"))
    wb = load_workbook(io.BytesIO(template.content))
    ws = wb["电子证照"]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    values = {
        "证照类型代码": t.code,
        "颁发部门代码": dep.credit_code,
        "顺序号": "B7",
        "持证主体代码": ENTERPRISE_CODE,
        "持证主体名称": "甲公司",
        "签发日期": "2024-05-01",
        "照面信息": json.dumps(
            {"enterprise_name": "甲公司", "legal_representative": "扎西"},
            ensure_ascii=False,
        ),
    }
    ws.append([values.get(h, "") for h in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    url = reverse("admin:evidence_certificate_import")

    bad = io.BytesIO()
    ws.cell(row=2, column=list(COLUMNS).index("签发日期") + 1, value="2024-13-01")
    wb.save(bad)
    refused = editor_client.post(
        url, {"file": SimpleUploadedFile("c.xlsx", bad.getvalue())}
    )
    assert refused.status_code == 400
    assert "签发日期" in refused.content.decode()
    assert not Certificate.objects.exists()

    done = editor_client.post(
        url, {"file": SimpleUploadedFile("c.xlsx", buf.getvalue())}
    )
    assert done.status_code == 302
    assert Certificate.objects.get().serial == "B7"


def test_only_catalog_editors_import(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("admin:evidence_certificate_import")).status_code == 403
    assert (
        client.get(reverse("admin:evidence_certificate_import_template")).status_code
        == 403
    )
