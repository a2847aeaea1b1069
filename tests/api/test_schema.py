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
