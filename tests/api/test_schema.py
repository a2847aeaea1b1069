"""OpenAPI schema and the offline API docs."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db

CATALOG_COMPONENTS = {
    "CatalogItemList",
    "CatalogItemDetail",
    "CatalogRegion",
    "CatalogDepartment",
    "CatalogMaterial",
    "CatalogProcessStage",
    "CatalogProcessStep",
    "CatalogImplementation",
    "CatalogVariance",
    "ApiError",
}


def test_schema_describes_the_catalog_api(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in [
        "/api/v1/catalog/items/",
        "/api/v1/catalog/items/{basic_code}/",
        "/api/v1/catalog/regions/",
        "/api/v1/catalog/departments/",
        "/api/v1/auth/token/",
    ]:
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/catalog/items/"]["get"]["parameters"]}
    assert params == {
        "q",
        "region",
        "department",
        "type",
        "theme",
        "depth",
        "page",
        "page_size",
    }
    assert set(paths["/api/v1/catalog/items/"]) == {"get"}  # read-only
    components = schema["components"]["schemas"]
    assert set(components) >= CATALOG_COMPONENTS
    listed = components["PaginatedCatalogItemListList"]["properties"]
    assert {"count", "next", "previous", "results"} <= set(listed)
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_generates_without_warnings(tmp_path):
    # Warnings include two serializers sharing a component name.
    call_command(
        "spectacular",
        "--file",
        str(tmp_path / "openapi.yaml"),
        "--validate",
        "--fail-on-warn",
    )
    assert "CatalogItemDetail" in (tmp_path / "openapi.yaml").read_text()


URL_RE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_work_offline(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert not re.search(r"https?://", page), "external URL in the docs page"
    urls = URL_RE.findall(page)
    assert urls
    for url in urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"missing asset {url}"


def test_swagger_ui_does_not_call_the_online_validator(client):
    import html
    import json
    import re

    page = client.get("/api/docs/").content.decode()
    # The settings travel in a data- attribute (the CSP forbids inline init).
    raw = re.search(r'data-settings="([^"]*)"', page).group(1)
    assert json.loads(html.unescape(raw))["validatorUrl"] is None
    assert "/api/schema/" in page


def test_schema_describes_the_workflow_api(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    actions = ["claim", "release", "decide", "request-supplement", "extension"]
    for path in [
        "/api/v1/tasks/",
        "/api/v1/tasks/{id}/",
        *(f"/api/v1/tasks/{{id}}/{a}/" for a in actions),
        "/api/v1/tasks/{id}/extension/{ext_id}/approve/",
        "/api/v1/tasks/{id}/reassign/",
        "/api/v1/applications/{id}/timeline/",
    ]:
        assert path in paths, path
    listed = paths["/api/v1/tasks/"]["get"]
    params = {p["name"] for p in listed["parameters"]}
    assert params == {"state", "mark", "item", "q", "mine", "page", "page_size"}
    assert set(paths["/api/v1/tasks/{id}/decide/"]) == {"post"}
    decide = paths["/api/v1/tasks/{id}/decide/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(decide["responses"])
    components = schema["components"]["schemas"]
    assert {
        "TaskList",
        "TaskDetail",
        "TaskDecideRequest",
        "Extension",
        "ExtensionDecideRequest",
        "Timeline",
        "PaginatedTaskListList",
    } <= set(components)
    outcome = components["TaskDecideRequest"]["properties"]["outcome"]
    enum = outcome["allOf"][0]["$ref"].rsplit("/", 1)[-1]
    assert components[enum]["enum"] == ["approve", "reject"]
