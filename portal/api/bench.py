"""The benchmark floor: one authenticated insert, nothing else (bench/submit.py).

Routed only when settings.BENCH_ENDPOINTS is on, so it never exists in a
deployment. It uses the same authentication, parsing and middleware as the
real API, so the ratio to it measures the cost of the real work.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.models import LoadProbe


@extend_schema(exclude=True)
class FloorView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    def post(self, request):
        probe = LoadProbe.objects.create(user=request.user, payload=request.data)
        return Response({"id": probe.pk}, status=201)
