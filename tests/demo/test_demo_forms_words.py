"""Every demo item's form: real controls, and its values as words on every
page and in the receipt PDF (never a JSON or Python literal)."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from applications.constants import IntakeChannel
from applications.documents import receipt_pdf
from applications.form_display import form_display
from applications.selectors import form_errors
from applications.services.submission import application_start
from catalog import constants as cc
from catalog.models import Implementation
from people.models import EnterpriseMember
from people.privacy import make_id_number
from portal.models import User
from tests.demo.fixtures import demo_data, demo_keys  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]

# A list, dict or Python constant as code writes it, in visible text.
LITERAL = re.compile(r"""[\[{]\s*['"]|['"]\s*[\]}]|\b(?:True|False|None|null)\b""")


def visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]*>", " ", page))


def sample(prop: dict, name: str):
    """A valid answer for one property (the first option, one row, ...)."""
    if "enum" in prop:
        return prop["enum"][0]
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items", {})
        if "enum" in items:
            return items["enum"][:2]
        return [
            {k: sample(p, k) for k, p in items.get("properties", {}).items()},
        ]
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return max(1, prop.get("minimum", 1))
    if prop.get("format") == "date":
        return "2026-11-30"
    if prop.get("format") == "id-number":
        return make_id_number("51330119900101001")
    if "pattern" in prop:
        return {
            "phone": "13800000000",
            "contact_phone": "13800000000",
        }.get(name, "91513301MA62X0A1XY" if "credit" in name else "13800000000")
    return "测试内容"[: prop.get("maxLength", 20)]


def demo_implementations():
    return (
        Implementation.objects.filter(
            is_active=True, item__current_version__status=cc.VersionStatus.PUBLISHED
        )
        .select_related("item__current_version")
        .order_by("item_id", "code")
    )


def test_every_demo_form_renders_controls_and_reads_as_words():
    user = User.objects.get(username="applicant")
    enterprise = (
        EnterpriseMember.objects.filter(user=user).select_related("enterprise").first()
    )
    client = Client()
    client.force_login(user)
    seen_items = set()
    checked = 0
    for impl in demo_implementations():
        version = impl.item.current_version
        schema = version.form_schema or {}
        if impl.item_id in seen_items or not schema.get("properties"):
            continue
        seen_items.add(impl.item_id)
        page = client.get(reverse("applications:apply", args=[impl.code]))
        assert page.status_code == 200, impl.code
        text = visible_text(page.content.decode())
        assert not LITERAL.search(text), (impl.code, LITERAL.search(text))
        assert "JSON" not in text, impl.code
        body = page.content.decode()
        for name, prop in schema["properties"].items():
            if prop.get("type") == "array":  # a checkbox group or rows of inputs
                assert (
                    f'type="checkbox" name="{name}"' in body
                    or f'name="{name}-0-' in body
                ), (impl.code, name)
        data = {name: sample(p, name) for name, p in schema["properties"].items()}
        assert form_errors(schema=schema, data=data) == [], version.name
        legal = cc.ServedParty.NATURAL not in (version.served_parties or [])
        application, _ = application_start(
            user=user,
            implementation=impl,
            channel=IntakeChannel.ONLINE,
            enterprise=enterprise.enterprise if legal and enterprise else None,
            form_data=data,
        )
        shown = form_display(schema, application.form_data)
        assert len(shown) == len(application.form_data), version.name
        for url in (
            reverse("applications:review", args=[application.pk]),
            reverse("applications:my_detail", args=[application.pk]),
        ):
            text = visible_text(client.get(url).content.decode())
            assert not LITERAL.search(text), (url, LITERAL.search(text))
        application.number = "513300000000000000000000000000020261203000001"
        document = receipt_pdf(application, tracking_url="https://example.test/t")
        pages = PdfReader(io.BytesIO(document)).pages
        pdf_text = "".join(p.extract_text() for p in pages)
        compact = re.sub(r"\s+", "", pdf_text)
        assert not LITERAL.search(pdf_text), (version.name, LITERAL.search(pdf_text))
        for name, prop in schema["properties"].items():
            if prop.get("type") == "array" and "enum" in prop.get("items", {}):
                assert "、".join(data[name]) in compact, (version.name, name)
        checked += 1
    assert checked >= 20


def _demo_application(item_name: str):
    user = User.objects.get(username="applicant")
    impl = next(
        i for i in demo_implementations() if i.item.current_version.name == item_name
    )
    version = impl.item.current_version
    data = {n: sample(p, n) for n, p in version.form_schema["properties"].items()}
    legal = cc.ServedParty.NATURAL not in (version.served_parties or [])
    member = EnterpriseMember.objects.filter(user=user).first()
    application, _ = application_start(
        user=user,
        implementation=impl,
        channel=IntakeChannel.ONLINE,
        enterprise=member.enterprise if legal and member else None,
        form_data=data,
    )
    application.number = "513300000000000000000000000000020261203000002"
    return user, application


def _pdf_text(document: bytes) -> str:
    pages = PdfReader(io.BytesIO(document)).pages
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in pages))


def test_the_receipt_names_the_applicant_and_every_department():
    user, application = _demo_application("企业开办")
    text = _pdf_text(receipt_pdf(application, tracking_url="https://example.test/t"))
    assert user.applicant.full_name in text
    steps = {
        s.department.name if s.department_id else s.department_kind
        for stage in application.version.stages.all()
        for s in stage.steps.all()
    }
    assert len(steps) >= 3
    line = text.split("参与办理部门")[1].split("申请人")[0]
    assert application.implementation.department.name in line
    assert line.count("、") >= 2, line
    assert "须本人到场" not in text


def test_an_in_person_item_says_so_on_the_receipt_and_the_citizens_page():
    user, application = _demo_application("普通护照签发")
    text = _pdf_text(receipt_pdf(application, tracking_url="https://example.test/t"))
    assert "须本人到场" in text and "指纹" in text
    assert "请携带" in text and "本人居民身份证原件" in text
    client = Client()
    client.force_login(user)
    page = client.get(reverse("applications:my_detail", args=[application.pk]))
    html = page.content.decode()
    assert "须本人到场" in html and "指纹" in html


def test_demo_postal_delivery_shows_its_address_with_javascript_and_after_a_reload():
    user = User.objects.get(username="applicant")
    client = Client()
    client.force_login(user)
    impl = next(
        i
        for i in demo_implementations()
        if i.item.current_version.name == "普通护照签发"
    )
    page = client.get(reverse("applications:apply", args=[impl.code])).content.decode()
    box = page.split('name="mail_address"')[0].rsplit('<div class="field"', 1)[1]
    assert "data-when=" in box and "邮政速递（免费寄递）" in html.unescape(box)
    assert box.split(">", 1)[0].endswith(" hidden")
    # The fields come in the order the item's author wrote them.
    names = re.findall(r'<(?:input|select|textarea)[^>]* name="(\w+)"', page)
    fields = [
        n for n in names if n in impl.item.current_version.form_schema["properties"]
    ]
    assert fields == [
        n for n in impl.item.current_version.form_schema["x-order"] if n in fields
    ]
    assert fields.index("mail_address") == fields.index("delivery") + 2
