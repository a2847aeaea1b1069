"""The README's offline verification snippet, run as written."""

import re
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from django.conf import settings as dj_settings

from evidence import signing
from evidence.services.keys import signing_key_revoke
from tests.factories import UserFactory

from .factories import department_with_key, license_for

pytestmark = pytest.mark.django_db


def snippet():
    readme = (Path(dj_settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    match = re.search(
        r"<!-- offline-verification -->\n```python\n(.*?)```", readme, re.S
    )
    assert match, "README lost its offline verification block"
    namespace: dict = {}
    exec(compile(match.group(1), "README.md", "exec"), namespace)  # noqa: S102
    return namespace["verify_certificate_pdf"]


def _pdf(cert) -> bytes:
    with cert.file.open("rb") as fh:
        return fh.read()


def test_snippet_verifies_a_downloaded_pdf_and_catches_tampering(client):
    verify_pdf = snippet()
    cert = license_for(issuer=department_with_key())
    keys = client.get("/api/v1/evidence/keys/").json()
    statement = verify_pdf(_pdf(cert), keys)
    assert statement["id"] == cert.identifier

    body, stmt, sig = signing.split_signed_file(_pdf(cert))
    with pytest.raises(ValueError, match="changed"):
        verify_pdf(signing.attach_signature(body + b"%x", stmt, sig), keys)
    # Any byte changed in the statement (here a space: same fields, same file
    # hash) and the signature no longer holds.
    forged = stmt.replace(b'{"', b'{ "', 1)
    assert forged != stmt
    # A forged statement with the right file hash fails the signature.
    with pytest.raises(InvalidSignature):
        verify_pdf(signing.attach_signature(body, forged, sig), keys)
    with pytest.raises(ValueError, match="no signature"):
        verify_pdf(body, keys)


def test_snippet_refuses_a_revoked_key(client):
    verify_pdf = snippet()
    cert = license_for(issuer=department_with_key())
    signing_key_revoke(
        key_id=cert.signing_key.key_id, reason="泄露", actor=UserFactory(username="sec")
    )
    keys = client.get("/api/v1/evidence/keys/").json()
    with pytest.raises(ValueError, match="revoked"):
        verify_pdf(_pdf(cert), keys)
