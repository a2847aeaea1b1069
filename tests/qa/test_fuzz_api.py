"""schemathesis over /api/schema/, as a citizen and as a hall clerk.

Bounded and deterministic (Hypothesis' derandomize: the same examples every
run; 10 per operation, each sent as both roles: about 160 examples and 320
requests over the 16 operations): it fails on any 5xx, a status code the
schema does not list, a content type it does not list, or a body that does
not match the response schema. Half the generated application ids are
replaced by real ones, so the object endpoints answer more than 404.
"""

from __future__ import annotations

import hashlib

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as openapi_checks

from applications.services.drafts import application_create
from tests.applications.factories import (
    GOOD_FORM,
    ApplicationFactory,
    citizen,
    clerk_at,
    hall_and_implementation,
)
from tests.people.factories import PASSWORD

EXAMPLES_PER_OPERATION = 10
CHECKS = [
    st_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


@pytest.fixture
def fuzz_world(db):
    """A citizen with applications in a few states, and their hall's clerk."""
    hall, impl = hall_and_implementation()
    applicant = citizen("fuzz-citizen", full_name="扎西")
    applicant.set_password(PASSWORD)
    applicant.save()
    clerk = clerk_at(hall, "fuzz-clerk")
    clerk.set_password(PASSWORD)
    clerk.save()
    apps = [
        ApplicationFactory(implementation=impl, applicant=applicant),
        ApplicationFactory(submitted=True, implementation=impl, applicant=applicant),
        application_create(
            user=applicant, implementation=impl, channel="api", form_data=GOOD_FORM
        ),
    ]
    return {"citizen": applicant, "clerk": clerk, "apps": apps, "impl": impl}


@pytest.fixture
def wsgi_calls(tokens):
    """The WSGI handler closes "old" connections around each request, which
    inside a test transaction means closing it: not for these calls (after
    the tokens: Django's test client connects the handlers again)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(fuzz_world, client):
    """The citizen logs in through the token endpoint; the clerk's token is
    issued by the login service directly (staff token logins need a TOTP
    code, tested in tests/security)."""
    from portal.tokens import api_token_issue

    r = client.post(
        "/api/v1/auth/token/",
        {"username": fuzz_world["citizen"].username, "password": PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    return {
        "citizen": r.json()["token"],
        "clerk": api_token_issue(user=fuzz_world["clerk"], client="fuzz")[1],
    }


def _schema():
    """Loaded from the running application's /api/schema/ (no database needed)."""
    from portal.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application)


schema = _schema()


def _pick(case, ids: list[int]) -> None:
    """Half the generated ids point at a real application (deterministically)."""
    pk = case.path_parameters.get("pk") if case.path_parameters else None
    if isinstance(pk, int) and pk % 2 == 0:
        digest = hashlib.sha256(str(pk).encode()).digest()
        case.path_parameters["pk"] = ids[digest[0] % len(ids)]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_within_its_schema(case, fuzz_world, tokens, wsgi_calls):
    ids = [app.pk for app in fuzz_world["apps"]]
    for role in ("citizen", "clerk"):
        _pick(case, ids)
        case.call_and_validate(
            headers={"Authorization": f"Token {tokens[role]}"}, checks=CHECKS
        )
