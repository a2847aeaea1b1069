"""Request-level guards: health probe, request context, limits, outages.

Every URL gets the same answers here, before any view runs: a body declared
too large is refused unread (413), a NUL character in the path (404), a
query string or a form field (400) is refused with a code, and a database
that cannot be reached answers 503 with ``Retry-After``. Under ``/api/`` the
answer is the API's JSON error shape (portal.api.errors); elsewhere a short
Chinese page (templates/400.html, 413.html, 503.html) that needs no database.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .errors import human_size
from .request_context import client_ip, current_ip
from .strict_json import body_lone_surrogate

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_response(
    request,
    status: int,
    code: str,
    detail: str,
    *,
    field: str | None = None,
    headers: dict | None = None,
) -> HttpResponse:
    """The API's error shape under /api/, the status's own page elsewhere."""
    if is_api(request):
        body = {"code": code, "detail": detail}
        if field is not None:
            body["field"] = field
        response = JsonResponse(body, status=status)
    else:
        html = render_to_string(f"{status}.html", {"detail": detail})
        response = HttpResponse(html, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class HealthCheckMiddleware:
    """Answer /healthz/ before host checks and HTTPS redirects (for probes).

    It checks the database with one cheap query; nothing else is touched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz/":
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:  # noqa: BLE001 - any failure means unhealthy
            return JsonResponse({"status": "database unavailable"}, status=503)
        return HttpResponse("ok", content_type="text/plain")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


def _visible(name: str) -> str:
    return name.replace("\x00", "")


class RequestLimitsMiddleware:
    """Size and character limits of every request, before a view reads it.

    * A body whose declared length is over the limit is refused before a
      byte of it is read: REQUEST_BODY_MAX_BYTES for multipart (one file and
      its fields), DATA_UPLOAD_MAX_MEMORY_SIZE for any other body. Anonymous
      forms included: the CSRF check would otherwise read it first.
    * A NUL character (PostgreSQL text cannot hold it) in the path answers
      404; in a query string or a page's form field 400 ``invalid_character``.
    * A lone surrogate anywhere in a JSON body (portal.strict_json) answers
      400 ``surrogate_characters_not_allowed`` with the string's path. NUL in
      JSON stays each field's own error (DRF's null_characters_not_allowed,
      form_invalid for form data), which every field that is read gives.
    * Under /api/, a 404 or 500 that a view did not shape (no URL matched,
      ``/api/v1/applications/abc/``) answers the JSON error shape.

    Page form bodies are parsed here (as the CSRF check would a moment
    later), so a body Django cannot parse answers 400 here too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self._refusal(request)
        if refused is not None:
            return refused
        return self._api_shaped(request, self.get_response(request))

    def _refusal(self, request):
        if "\x00" in request.path_info:
            if is_api(request):
                return error_response(request, 404, "not_found", _("未找到"))
            raise Http404
        refused = self._too_large(request)
        if refused is not None:
            return refused
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return error_response(
                    request,
                    400,
                    "invalid_character",
                    _("查询参数 %(name)s 含有不允许的字符") % {"name": _visible(key)},
                    field=_visible(key),
                )
        if request.content_type == "application/json":
            return self._json_refusal(request)
        if request.method == "POST" and not is_api(request):
            return self._form_refusal(request)
        return None

    @staticmethod
    def _json_refusal(request):
        try:
            raw = request.body
        except RequestDataTooBig:
            return error_response(request, 413, "request_too_large", _("请求内容过大"))
        found = body_lone_surrogate(raw)
        if found is None:
            return None
        path, point = found
        return error_response(
            request,
            400,
            "surrogate_characters_not_allowed",
            _("不能含有不成对的代理字符（%(point)s）") % {"point": point},
            field=path or None,
        )

    def _too_large(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except (TypeError, ValueError):
            length = 0
        if request.content_type == "multipart/form-data":
            if length > settings.REQUEST_BODY_MAX_BYTES:
                limit = settings.APPLICATION_UPLOAD_MAX_BYTES
                return error_response(
                    request,
                    413,
                    "file_too_large",
                    _("文件不能超过%(limit)s（该请求约%(size)s）")
                    % {"limit": human_size(limit), "size": human_size(length)},
                    field="file",
                )
        elif length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return error_response(
                request,
                413,
                "request_too_large",
                _("请求内容过大（约%(size)s，不能超过%(limit)s）")
                % {"size": human_size(length), "limit": human_size(limit)},
            )
        return None

    def _form_refusal(self, request):
        if request.content_type not in FORM_TYPES:
            return None
        try:
            post = request.POST
        except RequestDataTooBig:
            return error_response(request, 413, "request_too_large", _("请求内容过大"))
        except (TooManyFieldsSent, TooManyFilesSent):
            return error_response(
                request, 400, "too_many_fields", _("提交的字段或文件过多")
            )
        except MultiPartParserError:
            return error_response(request, 400, "parse_error", _("请求内容格式错误"))
        for key, values in post.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return error_response(
                    request,
                    400,
                    "invalid_character",
                    _("提交的内容“%(name)s”含有不允许的字符（空字符）")
                    % {"name": _visible(key)},
                    field=_visible(key),
                )
        return None

    @staticmethod
    def _api_shaped(request, response):
        if not is_api(request) or response.status_code not in (404, 500):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code == 404:
            return error_response(request, 404, "not_found", _("未找到"))
        return error_response(request, 500, "server_error", _("服务器内部错误"))


# Errors that mean the database cannot be reached (or dropped the connection,
# or cancelled the statement): worth retrying, not a bug in the request.
UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable(exc: BaseException) -> bool:
    return isinstance(exc, UNAVAILABLE)


def service_unavailable_response(request) -> HttpResponse:
    return error_response(
        request,
        503,
        "service_unavailable",
        _("服务暂时不可用，请稍后再试"),
        headers={"Retry-After": str(settings.SERVICE_UNAVAILABLE_RETRY_AFTER)},
    )


class ServiceUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with Retry-After.

    The API's JSON shape under /api/ (portal.api.errors does the same for
    DRF views), the styled page templates/503.html elsewhere, in development
    too, where Django would show a traceback. Logged with the path only.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unavailable(exception):
            return None
        logger.error(
            "database unavailable: %s %s (%s)",
            request.method,
            request.path_info,
            type(exception).__name__,
        )
        return service_unavailable_response(request)
