"""Building blocks for the desk tests: a realistic item, pages driven by Client."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from catalog import constants as cc
from people.privacy import make_id_number
from tests.applications.factories import (
    GOOD_FORM,
    applicable_version,
    pdf_bytes,
)

ITEM_NAME = "食品经营许可证核发"
REVIEW_BODY = "康定市人民政府"
LITIGATION_BODY = "康定市人民法院"
MATERIALS = [
    {"name": "营业执照"},
    {"name": "经营场所平面图", "medium": cc.MaterialMedium.ELECTRONIC},
    {"name": "房屋租赁合同", "necessity": cc.MaterialNecessity.TOLERATED},
    {"name": "健康证明", "necessity": cc.MaterialNecessity.COMMITMENT},
    {"name": "其他补充材料", "necessity": cc.MaterialNecessity.OPTIONAL},
]
WALK_IN_ID = make_id_number("51330119850315002")
WALK_IN_NAME = "扎西卓玛"
WALK_IN_PHONE = "13912345678"


def wrong_check_digit(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def food_version():
    return applicable_version(
        materials=[dict(m) for m in MATERIALS],
        item__name=ITEM_NAME,
        review_body=REVIEW_BODY,
        litigation_body=LITIGATION_BODY,
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token(html: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages)


def upload(name: str = "扫描件.pdf", content: bytes | None = None):
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content)


def provide_all(client: Client, base: str, application) -> None:
    """Post every needed material through the desk's material pages."""
    for am in application.materials.select_related("material"):
        m = am.material
        url = f"{base}{m.pk}/"
        prefix = f"m{m.pk}"
        if m.necessity == cc.MaterialNecessity.OPTIONAL:
            continue
        if m.necessity == cc.MaterialNecessity.TOLERATED:
            data = {
                "provision": "tolerated",
                f"{prefix}-promise_text": "承诺十日内补交租赁合同原件",
                f"{prefix}-promised_by": soon(),
            }
        elif m.necessity == cc.MaterialNecessity.COMMITMENT:
            data = {
                "provision": "commitment",
                f"{prefix}-promise_text": "本人承诺已取得健康证明，如不实愿承担责任",
                f"{prefix}-agree": "on",
            }
        else:
            data = {"provision": "upload", f"{prefix}-file": upload(f"{m.name}.pdf")}
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]


def apply_form_data() -> dict:
    return {**GOOD_FORM, "action": "next"}


def soon() -> str:
    """A promise date ten days ahead (within every test item's limits)."""
    return (timezone.localdate() + dt.timedelta(days=10)).isoformat()
