from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse

from .request_context import client_ip, current_ip


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


class RejectNulPathMiddleware:
    """A path with a NUL byte names nothing: 404 before any view runs.

    PostgreSQL text cannot hold NUL (psycopg raises ValueError), so a view that
    looked ``/items/%00/`` up would answer a server error instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" not in request.path_info:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"code": "not_found", "detail": "未找到"}, status=404)
        raise Http404
