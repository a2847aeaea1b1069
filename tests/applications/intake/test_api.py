import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from applications import constants as c
from applications.models import (
    Application,
    IdempotencyRecord,
    SupplementNotice,
    UploadedFile,
)
from catalog import constants as cc
from tests.applications.factories import (
    GOOD_FORM,
    ApplicationFactory,
    applicable_version,
    hall_and_implementation,
    pdf_bytes,
    png_bytes,
)

pytestmark = pytest.mark.django_db
S = c.ApplicationStatus
LIST = "/api/v1/applications/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(app, action=""):
    return f"{LIST}{app.pk}/{action + '/' if action else ''}"


@pytest.fixture
def light_implementation():
    """An item whose only material can be satisfied without a file."""
    version = applicable_version(
        materials=[
            {"name": "无犯罪记录证明", "necessity": cc.MaterialNecessity.COMMITMENT},
            {"name": "补充说明", "necessity": cc.MaterialNecessity.OPTIONAL},
        ]
    )
    return hall_and_implementation(version)[1]


def commitment_body(impl, **extra):
    material = impl.item.current_version.materials.get(name="无犯罪记录证明")
    body = {
        "implementation": impl.code,
        "form_data": GOOD_FORM,
        "materials": [
            {
                "material": material.pk,
                "provision": "commitment",
                "promise_text": "本人承诺无犯罪记录",
            }
        ],
        "submit": True,
    }
    body.update(extra)
    return body


def test_full_api_journey(implementation, applicant, clerk):
    client = api(applicant)
    r = client.post(
        LIST, {"implementation": implementation.code, "form_data": {}}, format="json"
    )
    assert r.status_code == 201, r.json()
    data = r.json()
    app_id = data["id"]
    assert data["status"] == "draft" and data["number"] is None
    assert len(data["materials"]) == 5

    r = client.patch(f"{LIST}{app_id}/", {"form_data": GOOD_FORM}, format="json")
    assert r.status_code == 200 and r.json()["form_data"] == GOOD_FORM

    by_name = {m["name"]: m["material_id"] for m in data["materials"]}
    for name in ("居民身份证", "申请表"):
        r = client.post(
            f"{LIST}{app_id}/materials/",
            {
                "material": by_name[name],
                "file": SimpleUploadedFile("scan.png", png_bytes(), "image/png"),
            },
            format="multipart",
        )
        assert r.status_code == 201, r.json()
    r = client.post(
        f"{LIST}{app_id}/materials/",
        {
            "material": by_name["房屋租赁合同"],
            "provision": "tolerated",
            "promise_text": "十日内补交",
            "promised_by": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        },
        format="multipart",
    )
    assert r.status_code == 201, r.json()
    r = client.post(
        f"{LIST}{app_id}/materials/",
        {
            "material": by_name["无犯罪记录证明"],
            "provision": "commitment",
            "promise_text": "本人承诺",
        },
        format="multipart",
    )
    assert r.status_code == 201, r.json()
    uploaded = [m for m in r.json()["materials"] if m["name"] == "居民身份证"][0]
    assert uploaded["files"][0]["original_name"] == "scan.png"
    assert uploaded["files"][0]["content_type"] == "image/png"

    r = client.post(f"{LIST}{app_id}/submit/")
    assert r.status_code == 200, r.json()
    submitted = r.json()
    assert submitted["status"] == "submitted"
    assert submitted["number"].startswith(implementation.code)

    r = api(clerk).post(f"{LIST}{app_id}/accept/")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "accepted"
    assert r.json()["promised_date"]
    assert [h["to_status"] for h in r.json()["history"]] == ["submitted", "accepted"]


def test_create_and_submit_in_one_request(light_implementation, applicant):
    r = api(applicant).post(LIST, commitment_body(light_implementation), format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["status"] == "submitted"
    assert len(r.json()["query_code"]) == 8


def test_create_and_submit_refused_keeps_nothing(implementation, applicant):
    r = api(applicant).post(
        LIST,
        {
            "implementation": implementation.code,
            "form_data": {"contact_phone": "abc"},
            "submit": True,
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="retry-me",
    )
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "application_incomplete"
    fields = {e["field"] for e in body["errors"]}
    assert {"$.contact_phone", "$.purpose", "materials[0]"} <= fields
    assert all(e["detail"] for e in body["errors"])
    assert not Application.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_idempotency_key_replays_and_rejects_reuse(light_implementation, applicant):
    client = api(applicant)
    body = commitment_body(light_implementation)
    first = client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    again = client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == 201 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["number"] == first.json()["number"]
    other = client.post(
        LIST,
        commitment_body(
            light_implementation, form_data={**GOOD_FORM, "purpose": "变更"}
        ),
        format="json",
        HTTP_IDEMPOTENCY_KEY="abc-1",
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Application.objects.count() == 1
    bad = client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="空格 不行")
    assert bad.status_code == 400 and bad.json()["code"] == "idempotency_key_invalid"


def test_same_key_from_two_users_is_two_applications(
    light_implementation, applicant, other_citizen
):
    body = commitment_body(light_implementation)
    a = api(applicant).post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    b = api(other_citizen).post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


def test_create_bad_input(implementation, applicant):
    client = api(applicant)
    r = client.post(LIST, {"implementation": "X" * 31}, format="json")
    assert r.status_code == 400
    assert r.json() == {
        "code": "implementation_not_found",
        "detail": "未找到该实施编码对应的事项",
        "field": "implementation",
    }
    r = client.post(LIST, {"form_data": {}}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "implementation"
    r = client.post(
        LIST,
        {"implementation": implementation.code, "form_data": "text"},
        format="json",
    )
    assert r.status_code == 400 and r.json()["code"] == "form_invalid"
    assert api().post(LIST, {}, format="json").status_code == 401
    assert not Application.objects.exists()


def test_upload_bad_files(implementation, applicant, settings):
    app = ApplicationFactory(implementation=implementation, applicant=applicant)
    material_id = app.materials.first().material_id
    client = api(applicant)

    def post(name, content, **extra):
        return client.post(
            url(app, "materials"),
            {"material": material_id, "file": SimpleUploadedFile(name, content)},
            format="multipart",
            **extra,
        )

    r = post("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    assert r.status_code == 400 and r.json()["code"] == "file_type_not_allowed"
    assert r.json()["field"] == "file"

    # A client announcing a 200 MB body is refused before anything is read.
    r = post("big.pdf", pdf_bytes(), CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert r.status_code == 413 and r.json()["code"] == "file_too_large"

    # A body that only turns out too large while streaming is cut off too.
    settings.APPLICATION_UPLOAD_MAX_BYTES = 1024
    r = post("big.pdf", pdf_bytes() + b"0" * 4096)
    assert r.status_code == 413, r.json()
    assert r.status_code == 413 and r.json()["code"] == "file_too_large"
    settings.APPLICATION_UPLOAD_MAX_BYTES = 20 * 1024 * 1024

    r = post("../../etc/passwd.pdf", pdf_bytes())
    assert r.status_code == 201
    assert UploadedFile.objects.get().original_name == "passwd.pdf"

    r = client.post(
        url(app, "materials"), {"material": material_id}, format="multipart"
    )
    assert r.status_code == 400 and r.json()["code"] == "file_required"
    assert UploadedFile.objects.count() == 1


def test_submit_twice_and_on_retired_version(implementation, applicant):
    from catalog.services import version_retire
    from tests.factories import UserFactory

    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    r = api(applicant).post(url(app, "submit"))
    assert r.status_code == 409 and r.json()["code"] == "already_submitted"

    draft = ApplicationFactory(implementation=implementation, applicant=applicant)
    version_retire(
        version=draft.version, actor=UserFactory(username="ed"), reason="修订"
    )
    r = api(applicant).post(url(draft, "submit"))
    assert r.status_code == 409 and r.json()["code"] == "version_retired"
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.number is None


def test_clerk_actions(implementation, applicant, clerk, other_clerk):
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    for action in ("accept", "notify-supplement", "refuse"):
        r = api(other_clerk).post(url(app, action), {}, format="json")
        assert r.status_code == 404, action
        # The applicant sees the application but is no clerk of its hall.
        r = api(applicant).post(
            url(app, action),
            {"items": [], "reason": "", "legal_basis": ""},
            format="json",
        )
        assert r.status_code == 404, action
    r = api(clerk).post(
        url(app, "refuse"), {"reason": "", "legal_basis": ""}, format="json"
    )
    assert r.status_code == 400
    assert {e["code"] for e in r.json()["errors"]} == {
        "reason_required",
        "legal_basis_required",
    }
    ids = [am.material_id for am in app.materials.all()]
    r = api(clerk).post(
        url(app, "notify-supplement"),
        {"items": [{"material_id": 0, "problem": "x"}]},
        format="json",
    )
    assert r.status_code == 400 and r.json()["code"] == "material_unknown"
    assert r.json()["field"] == "items[0].material_id"
    r = api(clerk).post(
        url(app, "notify-supplement"),
        {
            "items": [
                {"material_id": ids[0], "problem": "复印件不清晰"},
                {"material_id": ids[1], "problem": "缺少签字"},
            ]
        },
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "supplement_requested"
    assert len(r.json()["supplement_notices"][0]["items"]) == 2
    assert SupplementNotice.objects.count() == 1


def test_withdraw(implementation, applicant, other_citizen):
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    assert api(other_citizen).post(url(app, "withdraw")).status_code == 404
    r = api(applicant).post(url(app, "withdraw"), {"reason": "不需要了"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    r = api(applicant).post(url(app, "withdraw"))
    assert r.status_code == 409 and r.json()["code"] == "withdraw_not_allowed"


# --- public tracking ------------------------------------------------------------------


def test_track_shows_progress_without_personal_data(implementation, applicant, clerk):
    app = ApplicationFactory(
        accepted=True, implementation=implementation, applicant=applicant, clerk=clerk
    )
    r = api().get(
        f"/api/v1/track/{app.number}/", {"query_code": app.query_code.lower()}
    )
    assert r.status_code == 200
    data = r.json()
    assert data["status"] == "accepted" and data["status_label"] == "已受理"
    assert data["item_name"] == app.version.name
    assert data["promised_date"] == app.promised_date.isoformat()
    assert [e["label"] for e in data["timeline"]] == ["已提交", "已受理"]
    text = r.content.decode()
    profile = applicant.applicant
    for secret in (
        profile.full_name,
        profile.id_number_masked,
        profile.phone,
        applicant.username,
        clerk.username,
        "13800001111",  # a form answer
    ):
        assert secret not in text


def test_track_wrong_code_and_unknown_number_look_the_same(implementation, applicant):
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    wrong = api().get(f"/api/v1/track/{app.number}/", {"query_code": "ZZZZZZZZ"})
    unknown = api().get(
        f"/api/v1/track/{app.number[:-4]}9999/", {"query_code": app.query_code}
    )
    missing = api().get(f"/api/v1/track/{app.number}/")
    assert wrong.status_code == unknown.status_code == missing.status_code == 404
    assert wrong.json() == unknown.json() == missing.json()
    assert wrong.json()["code"] == "tracking_not_found"


# --- query counts ------------------------------------------------------------------


def test_list_query_count_is_flat(
    implementation, applicant, clerk, django_assert_num_queries
):
    def count(user) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        # A fresh user object each time: roles and hall are cached on it.
        client = api(type(user).objects.get(pk=user.pk))
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(LIST)
        assert r.status_code == 200
        return len(ctx.captured_queries), r.json()["count"]

    ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    few_citizen = count(applicant)
    few_clerk = count(clerk)
    for _ in range(4):
        ApplicationFactory(
            submitted=True, implementation=implementation, applicant=applicant
        )
    many_citizen = count(applicant)
    many_clerk = count(clerk)
    assert few_citizen[1] == 1 and many_citizen[1] == 5
    assert many_clerk[1] == 5
    assert many_citizen[0] == few_citizen[0]
    assert many_clerk[0] == few_clerk[0]
    client = api(type(applicant).objects.get(pk=applicant.pk))
    with django_assert_num_queries(few_citizen[0]):
        client.get(LIST)
