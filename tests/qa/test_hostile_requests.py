"""Requests built to break the server: NUL bytes, deeply nested and oversized
JSON, wrong content types. Each must get a clear 4xx answer (JSON with a stable
code in the API), never a server error, and write nothing.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from applications.models import Application
from tests.applications.factories import (
    applicable_version,
    citizen,
    hall_and_implementation,
)

pytestmark = pytest.mark.django_db

NUL_PATHS = [
    "/items/%00/",
    "/items/%00/print/",
    "/items/%00/guide.pdf",
    "/departments/%00/",
    "/regions/%00/",
    "/themes/%00/",
    "/apply/%00/",
    "/counter/intake/new/%00/",
    "/agent/new/%00/",
]
NUL_API_PATHS = [
    "/api/v1/track/%00/?query_code=ABCDEFGH",
    "/api/v1/catalog/items/%00/",
]

MEMBERS_SCHEMA = {
    "type": "object",
    "properties": {
        "purpose": {"type": "string", "title": "申请用途"},
        "members": {"type": "array", "title": "家庭成员"},
    },
}


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def user():
    return citizen("zhaxi")


@pytest.fixture
def implementation():
    return hall_and_implementation()[1]


@pytest.fixture
def api(user):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("path", NUL_PATHS)
@pytest.mark.parametrize("logged_in", [False, True])
def test_nul_byte_in_a_path_is_not_found(path, logged_in, user):
    client = Client(raise_request_exception=False)
    if logged_in:
        client.force_login(user)
    r = client.get(path)
    assert r.status_code == 404, (path, r.status_code)


@pytest.mark.parametrize("path", NUL_API_PATHS)
def test_nul_byte_in_an_api_path_is_a_json_404(path):
    r = APIClient(raise_request_exception=False).get(path)
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


@pytest.mark.parametrize("depth", [2000, 100_000])
def test_deeply_nested_json_body_is_a_400_with_a_code(api, implementation, depth):
    body = (
        f'{{"implementation": "{implementation.code}", '
        f'"form_data": {{"a": {_nested(depth)}}}}}'
    )
    r = api.post("/api/v1/applications/", body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["code"] == "json_too_deep"
    assert not Application.objects.exists()


def test_deeply_nested_json_at_the_token_endpoint_is_a_400():
    body = f'{{"username": {_nested(5000)}, "password": "x"}}'
    r = APIClient(raise_request_exception=False).post(
        "/api/v1/auth/token/", body, content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json()["code"] == "json_too_deep"


def test_body_over_the_memory_limit_is_a_413_with_a_code(api, implementation, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    body = json.dumps(
        {"implementation": implementation.code, "form_data": {"a": "x" * 200_000}}
    )
    r = api.post("/api/v1/applications/", body, content_type="application/json")
    assert r.status_code == 413
    assert r.json()["code"] == "request_too_large"
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "body, content_type, status, code",
    [
        ("<a/>", "application/xml", 415, "unsupported_media_type"),
        ("{bad", "application/json", 400, "parse_error"),
        (b'{"implementation": "\xff"}', "application/json", 400, "parse_error"),
        ("[1, 2]", "application/json", 400, "invalid"),
    ],
)
def test_wrong_content_types_and_bodies(api, body, content_type, status, code):
    r = api.post("/api/v1/applications/", body, content_type=content_type)
    assert r.status_code == status
    assert r.json()["code"] == code


def test_deeply_nested_json_in_a_form_field_is_a_form_error(user):
    version = applicable_version(form_schema=MEMBERS_SCHEMA)
    _, implementation = hall_and_implementation(version)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    r = client.post(
        f"/apply/{implementation.code}/",
        {"purpose": "新办", "members": _nested(5000), "action": "save"},
    )
    assert r.status_code == 200
    assert r.context["form"].errors["members"] == ["请按 JSON 格式填写"]
    assert not Application.objects.exists()


@pytest.mark.parametrize("area", ["1e999", "-1e999", "1" + "0" * 400])
def test_a_number_too_large_for_json_is_a_form_error(user, implementation, area):
    """Python turns 1e999 into float('inf'), which PostgreSQL's jsonb refuses."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    r = client.post(
        f"/apply/{implementation.code}/",
        {"contact_phone": "13800001111", "purpose": "新办", "area": area},
    )
    assert r.status_code == 200
    assert r.context["form"].errors["area"]
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "members", ["[1e999]", "[NaN]", '{"a": -Infinity}', '["a\\u0000b"]']
)
def test_json_text_jsonb_cannot_store_is_a_form_error(user, members):
    version = applicable_version(form_schema=MEMBERS_SCHEMA)
    _, implementation = hall_and_implementation(version)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    r = client.post(
        f"/apply/{implementation.code}/",
        {"purpose": "新办", "members": members, "action": "save"},
    )
    assert r.status_code == 200
    assert r.context["form"].errors["members"]
    assert not Application.objects.exists()


# --- applications/services/cases.py: form data jsonb cannot store, or too deep --

NUL_FORMS = [{"purpose": "新办\u0000"}, {"a": ["x\u0000y"]}, {"k\u0000": 1}]


@pytest.mark.parametrize("form_data", NUL_FORMS)
def test_nul_in_form_data_is_refused_with_a_code(api, implementation, form_data):
    r = api.post(
        "/api/v1/applications/",
        {"implementation": implementation.code, "form_data": form_data},
        format="json",
    )
    assert r.status_code == 400
    assert r.json()["code"] == "form_invalid"
    assert not Application.objects.exists()


def test_form_data_nesting_is_limited(api, implementation):
    r = api.post(
        "/api/v1/applications/",
        {
            "implementation": implementation.code,
            "form_data": {"a": json.loads(_nested(50))},
        },
        format="json",
    )
    assert r.status_code == 400
    assert r.json()["code"] == "form_too_deep"
    assert not Application.objects.exists()
