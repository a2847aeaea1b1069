import datetime as dt
import logging

import pytest
from django.utils import timezone

from evidence import selectors, signing
from evidence.constants import CertificateStatus
from evidence.models import Certificate, SigningKey
from evidence.services.issuing import (
    certificate_revoke,
    certificates_expire_due,
)
from evidence.services.keys import signing_key_revoke, signing_key_rotate
from portal.errors import ServiceError
from portal.models import AuditEntry
from tests.factories import UserFactory, staff

from .factories import (
    CITIZEN_ID,
    ENTERPRISE_CODE,
    cert_type,
    department_with_key,
    license_for,
)

pytestmark = pytest.mark.django_db


def test_issue_signs_and_verifies():
    dep = department_with_key()
    cert = license_for(issuer=dep)
    assert cert.status == CertificateStatus.VALID
    assert (
        cert.holder_masked == "91513301******0001"[:8] + "******" + ENTERPRISE_CODE[-4:]
    )
    assert ENTERPRISE_CODE not in cert.statement
    result = selectors.verify(cert.identifier)
    assert (result.valid, result.signature_ok, result.file_hash_ok) == (
        True,
        True,
        True,
    )
    assert AuditEntry.objects.filter(action="evidence.issue").count() == 1
    # The private key is in the key folder, never in the database.
    key = cert.signing_key
    assert signing.load_private_key(key.key_id) is not None
    assert "PRIVATE" not in key.public_key


def test_signature_fails_after_data_change():
    cert = license_for(issuer=department_with_key())
    Certificate.objects.filter(pk=cert.pk).update(
        data={**cert.data, "legal_representative": "别人"}
    )
    result = selectors.verify(cert.identifier)
    assert not result.signature_ok and not result.valid
    assert result.file_hash_ok  # the file itself is untouched


@pytest.mark.parametrize(
    "field", ["valid_until", "holder_hash", "file_sha256", "statement"]
)
def test_signature_fails_after_any_stored_change(field):
    cert = license_for(issuer=department_with_key())
    change = {
        "valid_until": dt.date(2099, 1, 1),
        "holder_hash": "0" * 64,
        "file_sha256": "0" * 64,
        "statement": cert.statement.replace('"v":1', '"v":2'),
    }[field]
    Certificate.objects.filter(pk=cert.pk).update(**{field: change})
    assert not selectors.verify(cert.identifier).valid


def test_tampered_file_fails_hash_check():
    cert = license_for(issuer=department_with_key())
    data = cert.file.open("rb").read()
    cert.file.close()
    body, statement, sig = signing.split_signed_file(data)
    tampered = body.replace(b"/Title", b"/Titlx", 1)
    assert tampered != body
    with open(cert.file.path, "wb") as fh:
        fh.write(signing.attach_signature(tampered, statement, sig))
    result = selectors.verify(cert.identifier)
    assert result.signature_ok  # the stored statement is still the signed one
    assert not result.file_hash_ok and not result.valid


def test_rotation_keeps_old_certificates_verifying_and_revocation_breaks_them():
    dep = department_with_key()
    old = license_for(issuer=dep)
    new_key = signing_key_rotate(department=dep, actor=UserFactory(username="rot"))
    new = license_for(issuer=dep)
    assert new.signing_key == new_key and old.signing_key != new_key
    assert selectors.verify(old.identifier).valid
    assert selectors.verify(new.identifier).valid
    retired = SigningKey.objects.get(pk=old.signing_key_id)
    assert retired.valid_until is not None and retired.revoked_at is None

    signing_key_revoke(key_id=retired.key_id, reason="私钥泄露", actor=UserFactory())
    assert not selectors.verify(old.identifier).signature_ok
    assert selectors.verify(new.identifier).valid


def test_issue_without_key_is_refused_and_leaves_nothing():
    from tests.factories import DepartmentFactory

    with pytest.raises(ServiceError) as exc:
        license_for(issuer=DepartmentFactory())
    assert exc.value.code == "signing_key_missing"
    assert not Certificate.objects.exists()


def test_missing_private_key_is_503_without_leaking(settings, tmp_path, caplog):
    dep = department_with_key()
    settings.EVIDENCE_KEY_DIR = tmp_path / "elsewhere"
    with caplog.at_level(logging.INFO), pytest.raises(ServiceError) as exc:
        license_for(issuer=dep)
    assert (exc.value.code, exc.value.status) == ("signing_key_unavailable", 503)
    assert not Certificate.objects.exists()
    assert str(tmp_path) not in caplog.text


def test_private_key_from_environment(settings, tmp_path):
    import base64

    from cryptography.hazmat.primitives import serialization

    dep = department_with_key()
    key = SigningKey.objects.get(department=dep)
    seed = signing.load_private_key(key.key_id).private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    settings.EVIDENCE_KEY_DIR = tmp_path / "empty"
    settings.EVIDENCE_SIGNING_KEYS = f"{key.key_id}={base64.b64encode(seed).decode()}"
    assert selectors.verify(license_for(issuer=dep).identifier).valid


def test_bad_holder_and_data_listed_without_personal_data():
    dep = department_with_key()
    bad_code = ENTERPRISE_CODE[:17] + ("0" if ENTERPRISE_CODE[17] != "0" else "1")
    with pytest.raises(ServiceError) as exc:
        license_for(
            issuer=dep,
            holder_number=bad_code,
            data={"enterprise_name": 5, "secret": "x"},
        )
    codes = {e.code for e in exc.value.errors}
    assert {"credit_code_check", "data_invalid", "data_required"} <= codes
    text = " ".join(str(e.detail) for e in exc.value.errors)
    assert bad_code not in text


def test_person_certificate_rejects_bad_id_number():
    t = cert_type("101", "居民户口簿", "natural", schema={})
    with pytest.raises(ServiceError) as exc:
        license_for(
            issuer=department_with_key(),
            holder_number=CITIZEN_ID[:-1] + "0"
            if CITIZEN_ID[-1] != "0"
            else CITIZEN_ID[:-1] + "1",
            t=t,
            data={},
        )
    assert exc.value.errors[0].code == "id_number_check"


def test_expire_sweep_is_idempotent():
    t = cert_type("201", "测试证", "legal", years=1)
    dep = department_with_key()
    cert = license_for(issuer=dep, t=t, issued_on=dt.date(2020, 1, 1))
    assert cert.valid_until == dt.date(2020, 12, 31)
    assert certificates_expire_due() == 1
    assert certificates_expire_due() == 0
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.EXPIRED
    result = selectors.verify(cert.identifier)
    assert result.signature_ok and not result.valid and result.status == "expired"


def test_revoke_by_a_head_of_the_issuer_only():
    dep = department_with_key()
    cert = license_for(issuer=dep)
    other = staff("other-rev", "reviewer", department=department_with_key())
    with pytest.raises(ServiceError) as exc:
        certificate_revoke(identifier=cert.identifier, reason="错误", actor=other)
    assert exc.value.status == 404
    reviewer = staff("own-rev", "reviewer", department=dep)
    with pytest.raises(ServiceError) as exc:
        certificate_revoke(identifier=cert.identifier, reason="错误", actor=reviewer)
    assert exc.value.status == 404  # a head of the issuing department revokes
    mine = staff("own-head", "department_head", department=dep)
    with pytest.raises(ServiceError):
        certificate_revoke(identifier=cert.identifier, reason=" ", actor=mine)
    certificate_revoke(identifier=cert.identifier, reason="登记错误", actor=mine)
    result = selectors.verify(cert.identifier)
    assert result.status == "revoked" and not result.valid and result.signature_ok
    with pytest.raises(ServiceError) as exc:
        certificate_revoke(identifier=cert.identifier, reason="再次", actor=mine)
    assert exc.value.code == "certificate_status_conflict"


def test_unknown_identifier():
    from evidence.codes import make_identifier

    ident = make_identifier(
        type_code=cert_type().code,
        issuer_code=department_with_key().credit_code,
        serial="1",
    )
    result = selectors.verify(ident)
    assert not result.exists and not result.valid


def test_reproducible_pdf():
    from evidence.documents import certificate_pdf

    kwargs = dict(
        identifier="X",
        type_name="营业执照",
        issuer_name="局",
        holder_name="公司",
        holder_masked="915***",
        issued_on=timezone.localdate(),
        valid_from=timezone.localdate(),
        valid_until=None,
        schema={},
        data={"a": "b"},
    )
    assert certificate_pdf(**kwargs) == certificate_pdf(**kwargs)


def test_issue_for_decision_lands_in_the_wallet_and_verifies(client):
    from evidence.services.issuing import certificate_issue_for_decision

    dep = department_with_key()
    cert = certificate_issue_for_decision(
        certificate_type=cert_type(),
        issuer=dep,
        holder_number=ENTERPRISE_CODE,
        holder_name="康定测试餐饮有限公司",
        data={
            "enterprise_name": "康定测试餐饮有限公司",
            "legal_representative": "扎西",
        },
        application_number="N1",
        actor=UserFactory(username="decider"),
    )
    assert "N1" in cert.source
    body = client.get(f"/api/v1/evidence/verify/{cert.identifier}/").json()
    assert body["valid"] is True
