"""The online application wizard's refusals in Tibetan: the services' errors
and the form schema's checks come out in the page's language (the item's own
names stay as the catalog has them), with the same stable codes as in
Chinese."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from applications.constants import ApplicationStatus
from applications.models import Application
from tests.applications.factories import (
    ApplicationFactory,
    applicable_version,
    citizen,
    hall_and_implementation,
)

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")
TIBETAN = re.compile(r"[\u0f00-\u0fff]")


def _tibetan_client(user) -> Client:
    client = Client()
    client.post("/i18n/setlang/", {"language": "bo", "next": "/"})
    client.force_login(user)
    return client


def _without_names(text: str) -> str:
    """A message without the item's names it quotes (data, not UI)."""
    return re.sub(r"“[^”]*”", "", text)


def test_submitting_with_a_missing_material_is_refused_in_tibetan():
    implementation = hall_and_implementation(applicable_version())[1]
    applicant = citizen("pema-w", full_name="པདྨ")
    app = ApplicationFactory(implementation=implementation, applicant=applicant)
    client = _tibetan_client(applicant)
    review = f"/my/applications/{app.pk}/review/"
    page = client.get(review).content.decode()
    assert '<html lang="bo"' in page
    assert "ཡིག་ཆ་ཆད་འདུག 居民身份证" in page
    r = client.post(review, {"token": "t1"})
    assert r.status_code == 400
    text = r.content.decode()
    assert re.search(r"ཞུ་ཡིག་ལ་ད་དུང་འཐུས་ཚང་བཟོ་དགོས་པའི་ས་ \d+ འདུག", text)
    assert "申请还有" not in text and "缺少材料" not in text
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT


def test_the_api_refuses_in_tibetan_with_the_same_codes():
    implementation = hall_and_implementation(applicable_version())[1]
    client = APIClient()
    client.force_authenticate(citizen("zhaxi-w", full_name="扎西"))
    body = {
        "implementation": implementation.code,
        "form_data": {"contact_phone": "abc"},
        "submit": True,
    }

    def post(**headers):
        r = client.post("/api/v1/applications/", body, format="json", **headers)
        assert r.status_code == 400
        return r.json()

    tibetan, chinese = post(HTTP_ACCEPT_LANGUAGE="bo"), post()
    assert tibetan["code"] == chinese["code"] == "application_incomplete"
    assert [(e["code"], e.get("field")) for e in tibetan["errors"]] == [
        (e["code"], e.get("field")) for e in chinese["errors"]
    ]
    assert tibetan["detail"].startswith("ཞུ་ཡིག་ལ་ད་དུང་འཐུས་ཚང་བཟོ་དགོས་པའི་ས་")
    assert chinese["detail"].startswith("申请还有")
    details = [e["detail"] for e in tibetan["errors"]]
    # the schema's checks: a bad value, a missing field; a missing material
    assert "“联系电话” ཡི་རྣམ་གཞག་ནོར་འདུག" in details
    assert any(d.endswith("འབྲི་རོགས།") or d.endswith("འདེམས་རོགས།") for d in details)
    assert any(d.startswith("ཡིག་ཆ་ཆད་འདུག ") for d in details)
    for detail in details:
        assert TIBETAN.search(detail), detail
        assert not HAN.search(_without_names(re.sub(r"ཆད་འདུག .*$", "", detail)))
    assert "“联系电话”格式不正确" in [e["detail"] for e in chinese["errors"]]
    assert not Application.objects.exists()


def test_a_bad_upload_is_refused_in_tibetan():
    implementation = hall_and_implementation(applicable_version())[1]
    applicant = citizen("dawa-w", full_name="ཟླ་བ")
    app = ApplicationFactory(implementation=implementation, applicant=applicant)
    mid = app.materials.first().material_id
    client = _tibetan_client(applicant)
    target = f"/my/applications/{app.pk}/materials/{mid}/"
    r = client.post(
        target,
        {"provision": "upload", f"m{mid}-file": SimpleUploadedFile("a.pdf", b"MZ\x90")},
    )
    assert r.status_code == 400
    text = r.content.decode()
    assert "“a.pdf” ཕབ་མ་ཐུབ། PDF、JPG、PNG、OFD རྣམ་གཞག་གི་ཡིག་ཆ་ཁོ་ན་ལེན།" in text
    assert "只接受" not in text and "未能上传" not in text
    chinese = Client()
    chinese.force_login(applicant)
    r = chinese.post(
        target,
        {"provision": "upload", f"m{mid}-file": SimpleUploadedFile("a.pdf", b"MZ\x90")},
    )
    assert (
        r.status_code == 400
        and "只接受PDF、JPG、PNG、OFD格式的文件" in r.content.decode()
    )


def test_a_strangers_draft_is_still_a_404_in_tibetan():
    implementation = hall_and_implementation(applicable_version())[1]
    owner = citizen("owner-w", full_name="扎西")
    app = ApplicationFactory(implementation=implementation, applicant=owner)
    stranger = _tibetan_client(citizen("stranger-w", full_name="ཚེ་རིང"))
    r = stranger.get(f"/my/applications/{app.pk}/review/")
    assert r.status_code == 404 and '<html lang="bo"' in r.content.decode()
