"""Every environment variable the project reads, in one place.

Each entry has a default and a one-line help. ``.env.example`` lists the same
names (a test keeps the two in step). Settings modules call :func:`env` and
never touch ``os.environ`` themselves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Var:
    default: str
    help: str


VARIABLES: dict[str, Var] = {
    "DJANGO_SECRET_KEY": Var(
        "dev-insecure-change-me", "Secret key; must be set in production."
    ),
    "DJANGO_DEBUG": Var("1", "1 for development pages and demo data, 0 in production."),
    "DJANGO_ALLOWED_HOSTS": Var(
        "127.0.0.1,localhost,testserver", "Comma-separated host names served."
    ),
    "DJANGO_CSRF_TRUSTED_ORIGINS": Var(
        "", "Comma-separated origins (https://host) trusted for CSRF."
    ),
    "DATABASE_URL": Var(
        "sqlite:///var/db.sqlite3",
        "Database URL; SQLite file by default, postgres://... in production.",
    ),
    "TEST_DATABASE_URL": Var(
        "postgres://root@127.0.0.1:5432/ganzi",
        "Database the test suite runs on (PostgreSQL).",
    ),
    "TEST_DATABASE_NAME": Var("test_ganzi", "Name of the throw-away test database."),
    "REDIS_URL": Var(
        "", "Redis URL for Celery and cache; empty uses the embedded fallback."
    ),
    "TEST_REDIS_URL": Var("redis://127.0.0.1:6379/15", "Redis the test suite runs on."),
    "PORT": Var("8000", "Port make run serves the web on."),
    "VAR_DIR": Var("var", "Folder for the SQLite file, uploads and the local broker."),
    "MEDIA_ROOT": Var("", "Folder for uploaded files; default VAR_DIR/media."),
    "STATIC_ROOT": Var("", "Folder collectstatic writes to; default VAR_DIR/static."),
    "ID_HASH_KEY": Var(
        "dev-id-hash-key", "Key of the keyed hash used to look up ID numbers."
    ),
    "ID_ENCRYPTION_KEY": Var(
        "dev-id-encryption-key",
        "Secret from which the key encrypting stored ID numbers is derived.",
    ),
    "EVIDENCE_KEY_DIR": Var(
        "",
        "Folder of the departments' Ed25519 private keys (<key id>.pem, mode 0600); "
        "default VAR_DIR/evidence-keys (development key store).",
    ),
    "EVIDENCE_SIGNING_KEYS": Var(
        "",
        "Private signing keys from the environment: comma-separated "
        "<key id>=<base64 of the 32-byte Ed25519 seed>; wins over the folder.",
    ),
    "PUBLIC_BASE_URL": Var(
        "http://127.0.0.1:8000",
        "Absolute address of the public site, printed in certificate QR codes.",
    ),
    "EMAIL_BACKEND": Var(
        "",
        "Django e-mail backend; empty: files in VAR_DIR/mail in development, "
        "elsewhere a log line without the text (both drop repeated Message-IDs).",
    ),
    "DEFAULT_FROM_EMAIL": Var("noreply@gzz.gov.cn", "Sender of outgoing e-mail."),
    "SMS_BACKEND": Var(
        "",
        "Class path of the SMS backend (a gateway's); empty: NOTIFY_FILE_DIR/"
        "sms.jsonl in development, elsewhere a log line without the text.",
    ),
    "NOTIFY_FILE_DIR": Var(
        "",
        "Folder of the file SMS backend and the development backends' ledgers of "
        "message ids; default VAR_DIR/notify.",
    ),
    "NOTIFY_MAX_ATTEMPTS": Var(
        "8", "Send attempts per e-mail/SMS before the outbox marks it failed."
    ),
    "APPLICATION_UPLOAD_MAX_BYTES": Var(
        "20971520", "Largest material file an applicant or clerk may upload, in bytes."
    ),
    "CATALOG_IMPORT_MAX_BYTES": Var(
        "5242880", "Largest catalog spreadsheet accepted for import, in bytes."
    ),
    "LOG_LEVEL": Var("INFO", "Root log level."),
    "SITE_NAME": Var(
        "甘孜州政务服务网",
        "The site's name: page titles and header, PDFs, e-mail and SMS sender.",
    ),
    "SITE_NAME_EN": Var(
        "Ganzi Government Services", "The site's name on the English pages."
    ),
    "SITE_NAME_BO": Var(
        "དཀར་མཛེས་ཁུལ་གཞུང་དོན་ཞབས་ཞུའི་དྲ་ཚིགས",
        "The site's name on the Tibetan pages and in Tibetan messages.",
    ),
    "PREFECTURE_CODE": Var(
        "513300",
        "GB/T 2260 code of the prefecture served (its counties are the regions).",
    ),
    "SUPPLEMENT_DUE_WORKING_DAYS": Var(
        "10",
        "Working days an applicant has to supplement after a one-time notice (local practice).",
    ),
    "SUPPLEMENT_DUE_MAX_WORKING_DAYS": Var(
        "30",
        "Latest supplement due date a clerk may set on a one-time notice, in working "
        "days after the notice (local practice).",
    ),
    "TRUSTED_PROXY_COUNT": Var(
        "0",
        "Reverse proxies in front of the web (1 behind nginx); their X-Forwarded-For "
        "hops name the client for rate limits and the audit log, no others.",
    ),
    "LOGIN_FAILURE_LIMIT": Var(
        "5",
        "Wrong passwords (or second-factor codes) for one user name from one "
        "address before that pair is locked.",
    ),
    "LOGIN_ADDRESS_FAILURE_LIMIT": Var(
        "100",
        "Failed logins from one address, whatever the user names, before the "
        "address is throttled (a hall behind one NAT address shares it).",
    ),
    "LOGIN_LOCKOUT_MINUTES": Var(
        "30", "Minutes a failure counts; a lock ends this long after the last one."
    ),
    "ONE_TIME_CODE_MINUTES": Var(
        "10", "Minutes an SMS one-time code (password reset, authorisation) works."
    ),
    "AGENT_AUTHORIZATION_MAX_DAYS": Var(
        "365", "Longest validity of an agent authorisation, in days from its grant."
    ),
    "REGISTER_RATE": Var(
        "20/hour", "Online registrations one client address may post (DRF rate)."
    ),
    "OTP_DEMO_BYPASS": Var(
        "",
        "1 lets staff without a second-factor device log in with the password "
        "alone (make run's demo users); empty follows DJANGO_DEBUG; refused in "
        "production.",
    ),
    "SESSION_STAFF_IDLE_MINUTES": Var(
        "30", "Staff sessions end after this many minutes without a request."
    ),
    "SESSION_STAFF_MAX_HOURS": Var(
        "12", "Staff sessions end this many hours after login, active or not."
    ),
    "SESSION_CITIZEN_IDLE_MINUTES": Var(
        "120", "Applicants' and agents' sessions end after this many idle minutes."
    ),
    "SESSION_CITIZEN_MAX_HOURS": Var(
        "24", "Applicants' and agents' sessions end this many hours after login."
    ),
    "API_TOKEN_STAFF_MAX_HOURS": Var(
        "12",
        "Staff API tokens end this many hours after login; use (or refresh) "
        "keeps them alive for SESSION_STAFF_IDLE_MINUTES until then.",
    ),
    "API_TOKEN_CITIZEN_MAX_HOURS": Var(
        "720",
        "Applicants' and agents' API tokens end this many hours after login; "
        "idle ones end after SESSION_CITIZEN_IDLE_MINUTES.",
    ),
    "SECURE_SSL_REDIRECT": Var(
        "1", "Production: redirect HTTP to HTTPS (0 behind a TLS proxy that does it)."
    ),
}


def env(name: str) -> str:
    """Value of a registered variable, or its default."""
    var = VARIABLES[name]
    return os.environ.get(name, var.default)


def env_bool(name: str) -> bool:
    return env(name).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in env(name).split(",") if item.strip()]


def per_test_worker_redis_url(url: str) -> str:
    """The Redis URL of this pytest-xdist worker (the suite's settings only).

    Under pytest-xdist each worker (gw0, gw1, ...) gets its own database
    (pytest-django adds the suffix) and its own Redis database, counting down
    from ``url``'s: gw0 keeps it, gw1 takes the one below. Subprocesses the
    tests start (Celery workers, gunicorn) inherit the derived URL through
    TEST_REDIS_URL, and a marker keeps them from deriving it a second time.
    Outside xdist the URL is returned unchanged.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or os.environ.get("GANZI_TEST_REDIS_DERIVED"):
        return url
    base, _, db = url.rpartition("/")
    index = int(db or 0) - int(worker[2:])
    if index < 0:
        raise RuntimeError(f"TEST_REDIS_URL leaves no Redis database for {worker}")
    derived = f"{base}/{index}"
    os.environ["TEST_REDIS_URL"] = derived
    os.environ["GANZI_TEST_REDIS_DERIVED"] = "1"
    return derived
