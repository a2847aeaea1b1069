import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from applications import constants as c
from applications.models import Application, StatusChange, UploadedFile
from portal.models import AuditEntry
from tests.applications.factories import (
    GOOD_FORM,
    ApplicationFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db
S = c.ApplicationStatus


@pytest.fixture
def browser(applicant):
    client = Client()
    client.force_login(applicant)
    return client


def _token(html: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)


def test_online_apply_flow_in_the_browser(browser, implementation, applicant):
    start = f"/apply/{implementation.code}/"
    r = browser.get(start)
    assert r.status_code == 200
    html = r.content.decode()
    # Generated from the JSON Schema: labels, required marks, help, enum, types.
    assert "联系电话" in html and "11位手机号码" in html
    assert 'class="req"' in html
    assert '<option value="新办">新办</option>' in html
    assert 'type="number"' in html and 'type="checkbox"' in html
    token = _token(html)

    # Save as you go: the draft exists before the form is complete.
    r = browser.post(
        start, {"contact_phone": "13800001111", "action": "save", "token": token}
    )
    app = Application.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/my/applications/{app.pk}/form/"
    assert app.form_data == {"contact_phone": "13800001111", "agree": False}
    # The same token again (a double click) does not make a second draft.
    browser.post(
        start, {"contact_phone": "13800001111", "action": "save", "token": token}
    )
    assert Application.objects.count() == 1

    # "Next" with the schema broken: field-level Chinese errors, draft kept.
    r = browser.post(
        f"/my/applications/{app.pk}/form/",
        {"contact_phone": "12", "household_size": "50", "action": "next"},
        follow=True,
    )
    html = r.content.decode()
    assert "请选择“申请用途”" in html
    assert "“联系电话”格式不正确" in html
    assert "“家庭人口”不能大于30" in html
    app.refresh_from_db()
    assert app.form_data["household_size"] == 50

    r = browser.post(
        f"/my/applications/{app.pk}/form/",
        {**GOOD_FORM, "household_size": "3", "action": "next"},
    )
    assert r["Location"] == f"/my/applications/{app.pk}/materials/"

    materials = {am.material.name: am.material_id for am in app.materials.all()}
    for name in ("居民身份证", "申请表"):
        mid = materials[name]
        r = browser.post(
            f"/my/applications/{app.pk}/materials/{mid}/",
            {
                "provision": "upload",
                f"m{mid}-file": SimpleUploadedFile(f"{name}.pdf", pdf_bytes()),
            },
        )
        assert r.status_code == 302, r.content.decode()[:500]
    mid = materials["房屋租赁合同"]
    r = browser.post(
        f"/my/applications/{app.pk}/materials/{mid}/",
        {
            "provision": "tolerated",
            f"m{mid}-promise_text": "十日内补交原件",
            f"m{mid}-promised_by": (timezone.localdate() + dt.timedelta(days=10)),
        },
    )
    assert r.status_code == 302
    mid = materials["无犯罪记录证明"]
    r = browser.post(
        f"/my/applications/{app.pk}/materials/{mid}/",
        {"provision": "commitment", f"m{mid}-promise_text": "本人承诺"},
    )
    assert r.status_code == 400 and "请勾选确认签署承诺" in r.content.decode()
    r = browser.post(
        f"/my/applications/{app.pk}/materials/{mid}/",
        {
            "provision": "commitment",
            f"m{mid}-promise_text": "本人承诺",
            f"m{mid}-agree": "on",
        },
    )
    assert r.status_code == 302

    r = browser.get(f"/my/applications/{app.pk}/review/")
    html = r.content.decode()
    assert "提交前还需完善" not in html
    token = _token(html)
    # A double click: two posts with the same token make one submission.
    first = browser.post(f"/my/applications/{app.pk}/review/", {"token": token})
    second = browser.post(f"/my/applications/{app.pk}/review/", {"token": token})
    assert first.status_code == second.status_code == 302
    assert (
        first["Location"] == second["Location"] == f"/my/applications/{app.pk}/receipt/"
    )
    app.refresh_from_db()
    assert app.status == S.SUBMITTED
    assert StatusChange.objects.filter(application=app).count() == 1

    r = browser.get(f"/my/applications/{app.pk}/receipt/")
    html = r.content.decode()
    assert app.number in html and app.query_code in html

    r = browser.get(f"/my/applications/{app.pk}/")
    html = r.content.decode()
    assert "已提交" in html and "居民身份证.pdf" in html and "容缺后补" in html


def test_apply_needs_login_and_a_published_item(implementation, browser):
    r = Client().get(f"/apply/{implementation.code}/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert browser.get("/apply/NOSUCHCODE/").status_code == 404


def test_wrong_type_in_form_is_shown_and_nothing_saved(browser, implementation):
    r = browser.get(f"/apply/{implementation.code}/")
    r = browser.post(
        f"/apply/{implementation.code}/",
        {"household_size": "三口", "token": _token(r.content.decode())},
    )
    assert r.status_code == 200
    assert "输入整数" in r.content.decode() or "整数" in r.content.decode()
    assert not Application.objects.exists()


def test_material_errors_are_shown_at_the_material(browser, implementation, applicant):
    app = ApplicationFactory(implementation=implementation, applicant=applicant)
    mid = app.materials.first().material_id
    target = f"/my/applications/{app.pk}/materials/{mid}/"
    r = browser.post(
        target,
        {"provision": "upload", f"m{mid}-file": SimpleUploadedFile("a.pdf", b"MZ\x90")},
    )
    assert r.status_code == 400
    assert "只接受PDF、JPG、PNG、OFD格式的文件" in r.content.decode()
    r = browser.post(
        target,
        {
            "provision": "upload",
            f"m{mid}-file": SimpleUploadedFile("a.pdf", pdf_bytes()),
        },
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert r.status_code == 413 and "文件不能超过20MB" in r.content.decode()
    r = browser.post(
        target,
        {
            "provision": "tolerated",
            f"m{mid}-promise_text": "x",
            f"m{mid}-promised_by": (
                timezone.localdate() + dt.timedelta(days=10)
            ).isoformat(),
        },
    )
    assert r.status_code == 400 and "不支持容缺后补" in r.content.decode()
    assert not UploadedFile.objects.exists()


def test_review_shows_what_is_missing(browser, implementation, applicant):
    app = ApplicationFactory(implementation=implementation, applicant=applicant)
    r = browser.get(f"/my/applications/{app.pk}/review/")
    html = r.content.decode()
    assert "缺少材料：居民身份证" in html
    r = browser.post(f"/my/applications/{app.pk}/review/", {"token": "t1"})
    assert r.status_code == 400 and "申请还有" in r.content.decode()
    app.refresh_from_db()
    assert app.status == S.DRAFT


def test_withdraw_from_my_applications(browser, implementation, applicant):
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    html = browser.get(f"/my/applications/{app.pk}/").content.decode()
    assert "撤回" in html
    r = browser.post(f"/my/applications/{app.pk}/withdraw/", {"reason": "不办了"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == S.WITHDRAWN
    html = browser.get(f"/my/applications/{app.pk}/").content.decode()
    assert "已撤回" in html and 'action="/my/applications/' not in html


def test_supplement_notice_shown_and_resubmitted(browser, implementation, applicant):
    app = ApplicationFactory(
        supplement=True, implementation=implementation, applicant=applicant
    )
    html = browser.get(f"/my/applications/{app.pk}/").content.decode()
    assert "一次性告知" in html and "照片不清晰" in html and "去补正材料" in html
    am = app.materials.exclude(problem="").get()
    r = browser.post(
        f"/my/applications/{app.pk}/materials/{am.material_id}/",
        {
            "provision": "upload",
            f"m{am.material_id}-file": SimpleUploadedFile("new.pdf", pdf_bytes()),
        },
    )
    assert r.status_code == 302
    html = browser.get(f"/my/applications/{app.pk}/review/").content.decode()
    r = browser.post(f"/my/applications/{app.pk}/review/", {"token": _token(html)})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == S.SUBMITTED


def test_public_tracking_page(implementation, applicant):
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    client = Client()
    r = client.get("/track/")
    assert r.status_code == 200 and "查询码" in r.content.decode()
    r = client.get("/track/", {"number": app.number, "query_code": app.query_code})
    html = r.content.decode()
    assert r.status_code == 200
    assert app.version.name in html and "已提交" in html
    assert "扎西" not in html and "13800001111" not in html
    r = client.get("/track/", {"number": app.number, "query_code": "AAAAAAAA"})
    assert r.status_code == 404 and "办件编号或查询码不正确" in r.content.decode()
    r = client.get("/track/", {"number": app.number, "query_code": ""})
    assert r.status_code == 200 and "field-error" in r.content.decode()


def test_file_is_served_with_safe_headers_and_logged(
    browser, implementation, applicant
):
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    upload = UploadedFile.objects.filter(application_material__application=app).first()
    r = browser.get(f"/files/{upload.pk}/")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["X-Content-Type-Options"] == "nosniff"
    # PDFs are downloaded, never shown inline, and nothing served here runs script.
    assert r["Content-Disposition"].startswith("attachment;")
    assert r["Content-Security-Policy"] == "sandbox"
    assert "filename" in r["Content-Disposition"]
    assert b"".join(r.streaming_content) == pdf_bytes()
    assert AuditEntry.objects.filter(action="applications.file_view").count() == 1
    assert browser.get("/files/999999/").status_code == 404


def test_my_list_query_count_is_flat(
    implementation, applicant, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        client = Client()
        client.force_login(applicant)
        with CaptureQueriesContext(connection) as ctx:
            r = client.get("/my/applications/")
        assert r.status_code == 200
        return len(ctx.captured_queries)

    ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    few = count()
    for _ in range(4):
        ApplicationFactory(implementation=implementation, applicant=applicant)
    assert count() == few


def test_tolerated_date_picker_is_bounded_by_the_item():
    """The date input carries min (tomorrow) and max (the item's limit)."""
    from applications.forms import ToleratedForm

    latest = timezone.localdate() + dt.timedelta(days=28)
    html = str(ToleratedForm(prefix="m1", latest=latest)["promised_by"])
    assert f'max="{latest.isoformat()}"' in html
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert f'min="{tomorrow.isoformat()}"' in html
