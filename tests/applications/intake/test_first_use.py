"""From "apply" to an account and back; a new form prefilled; the county first."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from applications import constants as c
from applications.models import Application
from applications.services.drafts import application_save_draft
from applications.services.submission import application_start
from catalog import constants as cc
from people.privacy import make_id_number
from tests.applications.factories import (
    api_client,
    applicable_version,
    hall_and_implementation,
)
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

POST = "邮政速递（免费寄递）"
DELIVERY_SCHEMA = {
    "type": "object",
    "required": ["contact_phone", "delivery"],
    "properties": {
        "contact_phone": {"type": "string", "title": "联系电话"},
        "delivery": {
            "type": "string",
            "title": "结果领取方式",
            "enum": ["窗口领取", POST],
        },
        "mail_address": {"type": "string", "title": "邮寄地址", "maxLength": 200},
    },
    "allOf": [
        {
            "if": {
                "properties": {"delivery": {"const": POST}},
                "required": ["delivery"],
            },
            "then": {"required": ["mail_address"]},
        }
    ],
}


def test_apply_while_logged_out_says_why_and_offers_registration(implementation):
    start = reverse("applications:apply", args=[implementation.code])
    r = Client().get(start)
    assert r.status_code == 302
    login = Client().get(r["Location"]).content.decode()
    assert "请先登录或注册" in login
    register = reverse("accounts:register") + "?next=" + start
    assert register in login
    # The registration page carries the way back, and hands it to the login.
    page = Client().get(register).content.decode()
    assert f'name="next" value="{start}"' in page
    r = Client().post(
        reverse("accounts:register"),
        {
            "next": start,
            "username": "gesang",
            "full_name": "格桑",
            "id_number": make_id_number("51330119920202123"),
            "phone": "13800002222",
            "email": "",
            "password1": "Ge-sang-Mei-2026",
            "password2": "Ge-sang-Mei-2026",
        },
    )
    assert r.status_code == 302
    assert r["Location"] == reverse("portal:login") + "?next=" + start.replace(
        "/", "%2F"
    )
    client = Client()
    r = client.post(
        r["Location"],
        {"username": "gesang", "password": "Ge-sang-Mei-2026", "next": start},
    )
    assert r.status_code == 302 and r["Location"] == start


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/apply/", "//evil.example/x", "javascript:alert(1)"],
)
def test_a_next_off_the_site_is_ignored(applicant, target):
    from tests.people.factories import PASSWORD

    applicant.set_password(PASSWORD)
    applicant.save()
    r = Client().post(
        reverse("portal:login"),
        {"username": applicant.username, "password": PASSWORD, "next": target},
    )
    assert r.status_code == 302 and "evil" not in r["Location"]
    assert not r["Location"].startswith("javascript")
    page = Client().get(reverse("accounts:register"), {"next": target})
    form = page.content.decode().split('class="register-form"')[1].split("</form>")[0]
    assert 'name="next"' not in form


def test_a_new_form_is_prefilled_from_the_profile(applicant, implementation):
    client = Client()
    client.force_login(applicant)
    html = client.get(
        reverse("applications:apply", args=[implementation.code])
    ).content.decode()
    assert 'name="contact_phone" value="13800001111"' in html


def test_a_guide_with_several_counties_asks_the_county_first(applicant, version):
    _hall, first = hall_and_implementation(version)
    _hall, second = hall_and_implementation(
        version, region=RegionFactory(code="513322", name="泸定县")
    )
    guide = reverse("catalog:item_detail", args=[version.item.basic_code])
    client = Client()
    client.force_login(applicant)
    html = client.get(guide).content.decode()
    assert 'name="implementation"' in html and "——请选择县（市）——" in html
    choose = reverse("catalog:item_apply", args=[version.item.basic_code])
    r = client.get(choose, {"implementation": second.code})
    assert r["Location"] == reverse("applications:apply", args=[second.code])
    # The next guide preselects the county chosen last.
    html = client.get(guide).content.decode()
    assert f'value="{second.code}" selected' in html
    assert "——请选择县（市）——" not in html
    # A code that is not this item's goes back to the guide's list.
    r = client.get(choose, {"implementation": "NOPE"})
    assert r["Location"].endswith("#implementations")
    assert first.code  # both offered
    assert first.code in client.get(guide).content.decode()


def test_a_guide_with_one_implementation_links_straight_to_the_form(implementation):
    guide = reverse("catalog:item_detail", args=[implementation.item.basic_code])
    html = Client().get(guide).content.decode()
    assert reverse("applications:apply", args=[implementation.code]) in html
    assert 'name="implementation"' not in html


# --- conditional fields through the service and the API ---------------------------


@pytest.fixture
def delivery_implementation():
    version = applicable_version(
        form_schema=DELIVERY_SCHEMA,
        materials=[{"name": "补充说明", "necessity": cc.MaterialNecessity.OPTIONAL}],
    )
    return hall_and_implementation(version)[1]


def test_an_address_sent_without_post_is_not_stored(applicant, delivery_implementation):
    application, _ = application_start(
        user=applicant,
        implementation=delivery_implementation,
        channel=c.IntakeChannel.ONLINE,
        form_data={
            "contact_phone": "13800001111",
            "delivery": "窗口领取",
            "mail_address": "康定市炉城镇",
        },
    )
    assert "mail_address" not in application.form_data
    saved = application_save_draft(
        application=application,
        user=applicant,
        form_data={
            "contact_phone": "13800001111",
            "delivery": POST,
            "mail_address": "x",
        },
    )
    assert saved.form_data["mail_address"] == "x"


def test_the_api_refuses_post_without_an_address(applicant, delivery_implementation):
    r = api_client(applicant).post(
        "/api/v1/applications/",
        {
            "implementation": delivery_implementation.code,
            "form_data": {"contact_phone": "13800001111", "delivery": POST},
            "submit": True,
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="post-1",
    )
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "form_invalid"
    assert r.json()["field"] == "$.mail_address"
    assert not Application.objects.exclude(status=c.ApplicationStatus.DRAFT).exists()


def test_the_web_form_asks_for_the_address_when_post_is_chosen(
    applicant, delivery_implementation
):
    client = Client()
    client.force_login(applicant)
    start = reverse("applications:apply", args=[delivery_implementation.code])
    html = client.get(start).content.decode()
    box = html.split('name="mail_address"')[0].rsplit('<div class="field"', 1)[1]
    assert box.split(">", 1)[0].endswith(" hidden")
    r = client.post(
        start,
        {"contact_phone": "13800001111", "delivery": POST, "action": "next"},
    )
    application = Application.objects.get()
    assert r["Location"].endswith("?check=1")
    page = client.get(r["Location"]).content.decode()
    box = page.split('name="mail_address"')[0].rsplit('<div class="field"', 1)[1]
    assert not box.split(">", 1)[0].endswith(" hidden")
    assert "请填写“邮寄地址”" in page
    assert application.form_data == {"contact_phone": "13800001111", "delivery": POST}


# --- messages where the eye is ----------------------------------------------------


def test_a_flagged_material_shows_as_to_be_corrected_until_replaced(
    implementation, applicant
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.applications.factories import ApplicationFactory, pdf_bytes

    app = ApplicationFactory(
        supplement=True, implementation=implementation, applicant=applicant
    )
    client = Client()
    client.force_login(applicant)
    am = app.materials.exclude(problem="").get()
    page = client.get(f"/my/applications/{app.pk}/materials/").content.decode()
    card = page.split(f'id="m-{am.material_id}"')[1].split("</section>")[0]
    assert "待补正" in card and "已提供" not in card
    assert "必要材料已齐全" not in page and "需要提供或补正" in page
    assert page.count("照片不清晰") == 1  # the notice's words once, at the card
    r = client.post(
        f"/my/applications/{app.pk}/materials/{am.material_id}/",
        {
            "provision": "upload",
            f"m{am.material_id}-file": SimpleUploadedFile("new.pdf", pdf_bytes()),
        },
    )
    assert r["Location"].endswith(f"#m-{am.material_id}")
    page = client.get(f"/my/applications/{app.pk}/materials/").content.decode()
    card = page.split(f'id="m-{am.material_id}"')[1].split("</section>")[0]
    assert "待补正" not in card and "已提供" in card


def test_a_refused_upload_names_the_file_at_its_card_once(implementation, applicant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.applications.factories import ApplicationFactory

    app = ApplicationFactory(implementation=implementation, applicant=applicant)
    client = Client()
    client.force_login(applicant)
    last = app.materials.order_by("material__order").last().material_id
    page = client.get(f"/my/applications/{app.pk}/materials/").content.decode()
    # Every form of the card posts back to the card itself.
    assert f'action="/my/applications/{app.pk}/materials/{last}/#m-{last}"' in page
    r = client.post(
        f"/my/applications/{app.pk}/materials/{last}/",
        {
            "provision": "upload",
            f"m{last}-file": SimpleUploadedFile("户口本.docx", b"PK\x03\x04 word"),
        },
    )
    assert r.status_code == 400
    page = r.content.decode()
    card = page.split(f'id="m-{last}"')[1].split("</section>")[0]
    message = "“户口本.docx”未能上传：只接受PDF、JPG、PNG、OFD格式的文件"
    assert message in card and page.count(message) == 1
    assert "autofocus" in card.split(f'name="m{last}-file"')[1].split(">")[0]
