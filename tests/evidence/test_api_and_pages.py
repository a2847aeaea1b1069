import itertools

import pytest
from django.core.cache import cache
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

from evidence import throttling
from evidence.documents import verification_url
from evidence.services.issuing import certificate_revoke
from people.models import Enterprise, EnterpriseMember
from tests.factories import UserFactory, staff
from tests.people.factories import applicant

from .factories import (
    CITIZEN_ID,
    ENTERPRISE_CODE,
    cert_type,
    department_with_key,
    license_for,
)

pytestmark = pytest.mark.django_db
_addresses = itertools.count(1)


@pytest.fixture
def address():
    ip = f"203.0.113.{next(_addresses)}"
    yield ip
    cache.delete(f"throttle_evidence_verify_{ip}")


@pytest.fixture
def holder():
    """A citizen with a profile who represents the enterprise holding the licence."""
    user = applicant("wallet-owner", first17=CITIZEN_ID[:17])
    enterprise = Enterprise.objects.create(
        name="康定测试餐饮有限公司",
        credit_code=ENTERPRISE_CODE,
        legal_representative="扎西",
        region_code="513301",
    )
    EnterpriseMember.objects.create(enterprise=enterprise, user=user, role="legal_rep")
    return user


@pytest.fixture
def certs():
    dep = department_with_key()
    lic = license_for(issuer=dep)
    hukou = license_for(
        issuer=dep,
        holder_number=CITIZEN_ID,
        holder_name="扎西",
        t=cert_type("002", "居民户口簿", "natural", schema={}),
        data={},
    )
    return dep, lic, hukou


def _verify(client, ident, address):
    return client.get(f"/api/v1/evidence/verify/{ident}/", REMOTE_ADDR=address)


def test_verify_api_answers_without_personal_data(certs, address):
    _, lic, hukou = certs
    body = _verify(APIClient(), hukou.identifier, address).json()
    assert body["valid"] and body["signature_ok"] and body["file_hash_ok"]
    assert body["status"] == "valid"
    assert body["holder"] == {
        "name": "扎*",
        "code": CITIZEN_ID[:6] + "********" + CITIZEN_ID[-4:],
    }
    assert CITIZEN_ID not in str(body) and "data" not in body
    assert _verify(APIClient(), lic.identifier.lower(), address).json()["valid"]


def test_verify_api_revoked_unknown_malformed(certs, address):
    dep, lic, _ = certs
    certificate_revoke(
        identifier=lic.identifier,
        reason="登记错误",
        actor=staff("rev", "department_head", department=dep),
    )
    body = _verify(APIClient(), lic.identifier, address).json()
    assert (body["valid"], body["status"], body["signature_ok"]) == (
        False,
        "revoked",
        True,
    )
    unknown = lic.identifier.rsplit(".", 3)[0] + ".ZZ9.001."
    from evidence.codes import mod37_36_check_char, parse_identifier

    p = parse_identifier(lic.identifier)
    unknown += mod37_36_check_char(p.type_code + p.issuer_code + "ZZ9" + "001")
    body = _verify(APIClient(), unknown, address).json()
    assert body["exists"] is False and body["valid"] is False and body["holder"] is None
    bad = lic.identifier[:-1] + ("0" if lic.identifier[-1] != "0" else "1")
    r = _verify(APIClient(), bad, address)
    assert r.status_code == 400 and r.json()["code"] == "identifier_check"
    r = _verify(APIClient(), "hello", address)
    assert r.status_code == 400 and r.json()["code"] == "identifier_prefix"


def test_verify_is_throttled_page_and_api_alike(certs, address, monkeypatch):
    monkeypatch.setattr(throttling.VerifyThrottle, "rate", "2/min")
    ident = certs[1].identifier
    assert _verify(APIClient(), ident, address).status_code == 200
    assert (
        Client().get(f"/evidence/verify/{ident}/", REMOTE_ADDR=address).status_code
        == 200
    )
    assert _verify(APIClient(), ident, address).status_code == 429
    page = Client().get(f"/evidence/verify/{ident}/", REMOTE_ADDR=address)
    assert page.status_code == 429 and page["Retry-After"]


def test_verify_page(certs, address):
    c = Client()
    lic = certs[1]
    r = c.get(f"/evidence/verify/{lic.identifier}/", REMOTE_ADDR=address)
    assert r.status_code == 200 and "真实有效" in r.content.decode()
    r = c.get(
        "/evidence/verify/", {"identifier": lic.identifier.lower()}, REMOTE_ADDR=address
    )
    assert r.status_code == 302 and r["Location"].endswith(f"/{lic.identifier}/")
    wrong = "R" if lic.identifier.endswith("Q") else "Q"  # never the real one
    r = c.get(f"/evidence/verify/{lic.identifier[:-1]}{wrong}/", REMOTE_ADDR=address)
    assert r.status_code == 400 and "校验位" in r.content.decode()


def test_pdf_carries_the_verification_link(certs):
    lic = certs[1]
    with lic.file.open("rb") as fh:
        text = "".join(page.extract_text() for page in PdfReader(fh).pages)
    assert verification_url(lic.identifier) in text.replace("\n", "")


def test_keys_are_public(certs):
    keys = APIClient().get("/api/v1/evidence/keys/").json()
    assert keys[0]["algorithm"] == "Ed25519" and keys[0]["valid_until"] is None
    assert "PRIVATE" not in str(keys)


def test_certificate_list_own_and_enterprise(
    certs, holder, django_assert_max_num_queries
):
    api = APIClient()
    api.force_authenticate(holder)
    with django_assert_max_num_queries(8):
        body = api.get("/api/v1/evidence/certificates/").json()
    assert {r["type_name"] for r in body["results"]} == {"营业执照", "居民户口簿"}
    stranger = UserFactory(username="stranger")
    api.force_authenticate(stranger)
    assert api.get("/api/v1/evidence/certificates/").json()["results"] == []
    assert APIClient().get("/api/v1/evidence/certificates/").status_code in (401, 403)


def test_wallet_pages_and_wrong_user(certs, holder):
    lic = certs[1]
    c = Client()
    c.force_login(holder)
    page = c.get("/my/certificates/").content.decode()
    assert "营业执照" in page and "居民户口簿" in page
    detail = c.get(f"/my/certificates/{lic.identifier}/")
    assert (
        detail.status_code == 200
        and verification_url(lic.identifier) in detail.content.decode()
    )
    pdf = c.get(f"/my/certificates/{lic.identifier}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    other = Client()
    other.force_login(UserFactory(username="nosy"))
    assert other.get(f"/my/certificates/{lic.identifier}/").status_code == 404
    assert other.get(f"/my/certificates/{lic.identifier}/pdf/").status_code == 404
    assert Client().get("/my/certificates/").status_code == 302
