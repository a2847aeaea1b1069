"""Limits every request meets before a view runs (portal.middleware):
lone surrogates and NUL characters, bodies over the limit, and the JSON
shape of the API's 404.

Reproductions: ``{"form_data": {"purpose": "\\ud800"}}`` answered 500 from
the request fingerprint, the form-data size check and the submission path
(with and without Idempotency-Key, and on PATCH); ``/api/v1/applications/abc/``
answered Django's HTML 404; a multipart body of any size to an anonymous
form was read (and its files spooled to disk) by the CSRF check.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from applications.models import Application
from people.models import ApplicantProfile
from portal.models import User
from tests.applications.factories import applicable_version, hall_and_implementation

pytestmark = pytest.mark.django_db

SURROGATE_BODY = (
    '{"implementation": "X", "form_data": {"purpose": "\\ud800"}, '
    '"reason": "ok", "username": "u", "password": "p"}'
)


def _api_patterns(resolver=None, prefix: str = "") -> list[str]:
    """Every URL pattern under /api/ (the resolver walked, nothing listed)."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _api_patterns(entry, route)
        elif (
            isinstance(entry, URLPattern)
            and route.startswith("api/")
            and "^" not in route  # the catalog API's catch-all 404
        ):
            found.append(route)
    return found


def _url(route: str, pk: int) -> str:
    """The route with every integer converter filled with ``pk``."""
    route = re.sub(r"<int:\w+>", str(pk), route)
    return "/" + route.replace("<str:number>", "GZ20260101000001").replace(
        "<str:identifier>", "1.2.156.3005.2.X"
    )


def _methods(route: str) -> list[str]:
    match = get_resolver().resolve(_url(route, 1))
    view = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    names = ["get", "post", "put", "patch", "delete"]
    return [m for m in names if view is None or hasattr(view, m)]


@pytest.fixture
def world_api(world):
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(world.users["clerk1"])
    return api, world.apps["a_submitted"].pk


def test_every_api_url_is_walked():
    routes = _api_patterns()
    assert "api/v1/applications/<int:pk>/accept/" in routes
    assert "api/v1/auth/token/" in routes and "api/v1/catalog/items/" in routes
    assert len(routes) >= 15


@pytest.mark.parametrize("route", _api_patterns())
def test_a_lone_surrogate_in_a_json_body_is_a_400_on_every_api_url(world_api, route):
    api, pk = world_api
    before = Application.objects.count(), User.objects.count()
    for method in _methods(route):
        if method == "get":
            continue
        r = getattr(api, method)(
            _url(route, pk), SURROGATE_BODY, content_type="application/json"
        )
        assert r.status_code == 400, (method, route, r.status_code)
        body = r.json()
        assert body["code"] == "surrogate_characters_not_allowed"
        assert body["field"] == "form_data.purpose" and "U+D800" in body["detail"]
    assert (Application.objects.count(), User.objects.count()) == before


@pytest.mark.parametrize("route", _api_patterns())
def test_a_nul_in_the_query_string_is_a_400_on_every_api_url(world_api, route):
    api, pk = world_api
    for method in _methods(route):
        r = getattr(api, method)(_url(route, pk) + "?query_code=A%00B")
        assert r.status_code == 400, (method, route, r.status_code)
        assert r.json() == {
            "code": "invalid_character",
            "detail": "查询参数 query_code 含有不允许的字符",
            "field": "query_code",
        }


@pytest.fixture
def citizen_api(world):
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(world.users["a"])
    return api


@pytest.mark.parametrize(
    "form_data",
    [{"purpose": "\ud800"}, {"\udfff": "新办"}, {"members": [{"name": "a\ud83d"}]}],
)
@pytest.mark.parametrize("key", [None, "k-1"])
def test_reproduction_surrogates_in_form_data_were_a_500(
    world, citizen_api, form_data, key
):
    """Creation with and without an Idempotency-Key."""
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    body = json.dumps(
        {
            "implementation": world.objects["impl1"].code,
            "form_data": form_data,
            "submit": True,
        }
    )
    before = Application.objects.count()
    r = citizen_api.post(
        "/api/v1/applications/", body, content_type="application/json", **headers
    )
    assert r.status_code == 400
    assert r.json()["code"] == "surrogate_characters_not_allowed"
    assert r.json()["field"].startswith("form_data.")
    assert Application.objects.count() == before


def test_reproduction_a_surrogate_in_a_saved_draft_was_a_500(world, citizen_api):
    app = world.apps["a_draft"]
    r = citizen_api.patch(
        f"/api/v1/applications/{app.pk}/",
        json.dumps({"form_data": {"purpose": "\ud800"}}),
        content_type="application/json",
    )
    assert r.status_code == 400
    assert r.json()["code"] == "surrogate_characters_not_allowed"
    app.refresh_from_db()
    assert "\ud800" not in json.dumps(app.form_data)


def test_valid_pairs_and_escaped_backslashes_are_not_surrogates(world, citizen_api):
    app = world.apps["a_draft"]
    for text in ("藏历 😀", "\\ud800 is how JSON writes it"):
        r = citizen_api.patch(
            f"/api/v1/applications/{app.pk}/",
            json.dumps({"form_data": {"purpose": text}}),
            content_type="application/json",
        )
        assert r.status_code == 200, r.json()
        app.refresh_from_db()
        assert app.form_data["purpose"] == text


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("post", "/api/v1/auth/token/", {"username": "a\x00b", "password": "x"}),
        ("post", "/api/v1/applications/{pk}/withdraw/", {"reason": "a\x00"}),
        (
            "post",
            "/api/v1/applications/{pk}/refuse/",
            {"reason": "a\x00", "legal_basis": "b"},
        ),
        ("patch", "/api/v1/applications/{draft}/", {"form_data": {"a": "x\x00"}}),
        ("post", "/api/v1/applications/", {"implementation": "X\x00"}),
    ],
)
def test_nul_in_json_fields_is_each_fields_400(world, method, url, data):
    """NUL in JSON is the field's own error, with the codes the suite had."""
    user = world.users["clerk1"] if "refuse" in url else world.users["a"]
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(user)
    url = url.format(pk=world.apps["a_submitted"].pk, draft=world.apps["a_draft"].pk)
    r = getattr(api, method)(url, data, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] in {"null_characters_not_allowed", "form_invalid"}


def test_nul_in_an_api_form_post_is_a_400(world):
    r = APIClient(raise_request_exception=False).post(
        "/api/v1/auth/token/", {"username": "a\x00b", "password": "x"}
    )
    assert r.status_code == 400 and r.json()["code"] == "null_characters_not_allowed"


# --- pages: query strings and form posts ------------------------------------------------


PAGE_FORMS = [
    "/accounts/register/",
    "/accounts/login/",
    "/track/",
    "/my/applications/{draft}/form/",
    "/my/applications/{draft}/withdraw/",
]


@pytest.mark.parametrize("url", PAGE_FORMS)
@pytest.mark.parametrize("multipart", [False, True])
def test_nul_in_a_page_form_post_is_a_400_page(world, url, multipart):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["a"])
    data = {"username": "扎西", "purpose": "新办\x00", "reason": "x"}
    url = url.format(draft=world.apps["a_draft"].pk)
    if multipart:
        r = client.post(url, data)
    else:
        from urllib.parse import urlencode

        r = client.post(
            url, urlencode(data), content_type="application/x-www-form-urlencoded"
        )
    assert r.status_code == 400, (url, r.status_code)
    page = r.content.decode()
    assert "“purpose”含有不允许的字符" in page and "<h1>请求有误</h1>" in page


def test_nul_in_an_anonymous_registration_writes_nothing():
    # (the module's world may be there: nothing is added to it)
    before = User.objects.count(), ApplicantProfile.objects.count()
    client = Client(raise_request_exception=False)
    r = client.post(
        "/accounts/register/",
        {"username": "zhaxi", "full_name": "扎\x00西", "id_number": "1"},
    )
    assert r.status_code == 400
    assert (User.objects.count(), ApplicantProfile.objects.count()) == before
    assert not User.objects.filter(username="zhaxi").exists()


@pytest.mark.parametrize("url", ["/items/", "/track/", "/", "/accounts/login/"])
def test_nul_in_a_page_query_string_is_a_400_page(url):
    r = Client(raise_request_exception=False).get(url + "?next=%00")
    assert r.status_code == 400
    assert "查询参数 next 含有不允许的字符" in r.content.decode()


def test_a_surrogate_typed_as_json_text_into_a_form_field_is_a_form_error(world):
    schema = {
        "type": "object",
        "properties": {
            "purpose": {"type": "string", "title": "申请用途"},
            "members": {"type": "array", "title": "家庭成员"},
        },
    }
    _, implementation = hall_and_implementation(applicable_version(form_schema=schema))
    client = Client(raise_request_exception=False)
    client.force_login(world.users["a"])
    before = Application.objects.count()
    r = client.post(
        f"/apply/{implementation.code}/",
        {"purpose": "新办", "members": '["\\ud800"]', "action": "save"},
    )
    assert r.status_code == 200
    assert r.context["form"].errors["members"]
    assert Application.objects.count() == before


# --- bodies over the limit -----------------------------------------------------------------


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


HUGE = str(200 * 1024 * 1024)


@pytest.mark.parametrize(
    "url", ["/accounts/register/", "/accounts/login/", "/track/", "/items/"]
)
@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data; boundary=x", "application/x-www-form-urlencoded"],
)
def test_a_body_over_the_limit_is_refused_unread_on_anonymous_forms(url, content_type):
    r = Client(raise_request_exception=False).generic(
        "POST",
        url,
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=HUGE,
        **{"wsgi.input": Unreadable()},
    )
    assert r.status_code == 413
    page = r.content.decode()
    assert "<h1>提交的内容过大</h1>" in page and "200MB" in page


@pytest.mark.parametrize(
    ("url", "content_type", "code"),
    [
        ("/api/v1/auth/token/", "application/json", "request_too_large"),
        ("/api/v1/auth/token/", "multipart/form-data; boundary=x", "file_too_large"),
        ("/api/v1/applications/", "application/json", "request_too_large"),
        ("/api/v1/catalog/items/", "text/plain", "request_too_large"),
    ],
)
def test_a_body_over_the_limit_is_a_json_413_under_the_api(url, content_type, code):
    r = APIClient(raise_request_exception=False).generic(
        "POST",
        url,
        content_type=content_type,
        CONTENT_LENGTH=HUGE,
        **{"wsgi.input": Unreadable()},
    )
    assert r.status_code == 413
    assert r.json()["code"] == code


def test_the_limits_are_settings(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    r = Client(raise_request_exception=False).post(
        "/accounts/login/",
        "username=" + "x" * 2000,
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 413
    settings.REQUEST_BODY_MAX_BYTES = 1000
    r = Client(raise_request_exception=False).post(
        "/accounts/login/", {"username": "x", "f": ("x" * 2000)}
    )
    assert r.status_code == 413


def test_a_body_within_the_limit_still_reaches_the_form():
    r = Client(raise_request_exception=False).post(
        "/accounts/login/", {"username": "nobody", "password": "wrong"}
    )
    assert r.status_code == 200


# --- the API's 404 --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/applications/abc/",
        "/api/v1/applications/abc/submit/",
        "/api/v1/applications/-1/",
        "/api/v1/nothing-here/",
        "/api/v2/",
    ],
)
@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_an_unmatched_api_path_is_the_json_404(world, path, method):
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(world.users["a"])
    r = getattr(api, method)(path)
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/json")
    assert r.json() == {"code": "not_found", "detail": "未找到"}


def test_a_missing_slash_under_the_api_still_redirects():
    r = APIClient().get("/api/v1/catalog/items")
    assert r.status_code == 301 and r["Location"] == "/api/v1/catalog/items/"


def test_pages_keep_their_html_404():
    r = Client().get("/no-such-page/")
    assert r.status_code == 404 and r["Content-Type"].startswith("text/html")
