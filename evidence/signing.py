"""Signatures of e-certificates: Ed25519 (``cryptography``), one key per department.

What is signed is a *statement*, canonical JSON (sorted keys, no spaces,
UTF-8) of::

    {"v": 1, "id": identifier, "issuer": credit code, "key": key id,
     "data_sha256": digest of the canonical certificate content,
     "file_sha256": digest of the PDF body}

The content digest covers type, holder (keyed hash), dates and data, so a
change to any of them or to the file makes the signature fail. The
downloadable PDF is the body followed by one trailer line::

    %GANZI-EVIDENCE-SIGNATURE <base64url statement>.<base64url signature>

PDF readers ignore a comment after ``%%EOF``; a third party splits it off,
hashes the body and checks the signature with the department's public key
from ``GET /api/v1/evidence/keys/`` (the README's offline snippet).

Private keys never enter the database or a log line. They are read from
``settings.EVIDENCE_SIGNING_KEYS`` (the environment: ``<key id>=<base64 of
the 32-byte seed>``, comma-separated) or from ``settings.EVIDENCE_KEY_DIR``
(``<key id>.pem``, PKCS#8, written with mode 0600). In development the
folder is ``var/evidence-keys``, a key store ``make run`` fills itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings

TRAILER = b"\n%GANZI-EVIDENCE-SIGNATURE "
STATEMENT_VERSION = 1


class KeyUnavailableError(Exception):
    """The private key of a key id is in neither the environment nor the folder."""


def canonical(value) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64(text: str | bytes) -> bytes:
    if isinstance(text, bytes):
        text = text.decode("ascii")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def content_digest(
    *,
    type_code: str,
    holder_kind: str,
    holder_hash: str,
    issued_on: str,
    valid_from: str,
    valid_until: str | None,
    data: dict,
) -> str:
    """SHA-256 of the canonical content the statement vouches for."""
    return sha256_hex(
        canonical(
            {
                "type": type_code,
                "holder_kind": holder_kind,
                "holder": holder_hash,
                "issued_on": issued_on,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "data": data,
            }
        )
    )


def make_statement(
    *, identifier: str, issuer: str, key_id: str, data_sha256: str, file_sha256: str
) -> bytes:
    return canonical(
        {
            "v": STATEMENT_VERSION,
            "id": identifier,
            "issuer": issuer,
            "key": key_id,
            "data_sha256": data_sha256,
            "file_sha256": file_sha256,
        }
    )


# --- the key store ---------------------------------------------------------------


def _env_keys() -> dict[str, str]:
    keys = {}
    for entry in (settings.EVIDENCE_SIGNING_KEYS or "").split(","):
        key_id, sep, seed = entry.strip().partition("=")
        if sep:
            keys[key_id.strip()] = seed.strip()
    return keys


def _key_path(key_id: str) -> Path:
    # Key ids are ours (credit code + sequence), never user input; still,
    # no path separators.
    if not key_id or "/" in key_id or "\\" in key_id or key_id.startswith("."):
        raise KeyUnavailableError(key_id)
    return Path(settings.EVIDENCE_KEY_DIR) / f"{key_id}.pem"


def load_private_key(key_id: str) -> Ed25519PrivateKey:
    seed = _env_keys().get(key_id)
    if seed is not None:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed))
    path = _key_path(key_id)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyUnavailableError(key_id) from exc
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyUnavailableError(key_id)
    return key


def store_private_key(key_id: str, key: Ed25519PrivateKey) -> Path:
    """Write a new private key to the key folder, readable by the owner only."""
    path = _key_path(key_id)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return path


def new_key_pair() -> tuple[Ed25519PrivateKey, str]:
    """A fresh key and its public half as base64 (raw 32 bytes)."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return key, base64.b64encode(public).decode("ascii")


def public_key_valid(public_key_b64: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))
    except (ValueError, TypeError):
        return False
    return True


def sign(key_id: str, statement: bytes) -> str:
    return base64.b64encode(load_private_key(key_id).sign(statement)).decode("ascii")


def signature_valid(public_key_b64: str, statement: bytes, signature_b64: str) -> bool:
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))
        public.verify(base64.b64decode(signature_b64), statement)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


# --- the signed file ---------------------------------------------------------------


def attach_signature(body: bytes, statement: bytes, signature_b64: str) -> bytes:
    """The downloadable PDF: body, then the trailer comment line."""
    sig = base64.b64decode(signature_b64)
    return body + TRAILER + f"{b64(statement)}.{b64(sig)}".encode("ascii") + b"\n"


def split_signed_file(data: bytes) -> tuple[bytes, bytes, str] | None:
    """(body, statement, signature base64) of a downloaded file, or None."""
    body, sep, tail = data.rpartition(TRAILER)
    if not sep:
        return None
    try:
        statement_b64, sig_b64 = tail.strip().split(b".")
        statement = unb64(statement_b64)
        signature = base64.b64encode(unb64(sig_b64)).decode("ascii")
    except (ValueError, UnicodeError):
        return None
    return body, statement, signature
