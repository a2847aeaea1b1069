from django.db import connection
from django.http import HttpResponse, JsonResponse

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
