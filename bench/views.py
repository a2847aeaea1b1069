"""The benchmark floor: one authenticated insert, nothing else.

The same authentication, parsing and middleware as the real API, so the ratio
of a submission to it measures the cost of the submission's own work.
"""

from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import FloorRow


class FloorView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    def post(self, request):
        row = FloorRow.objects.create(user=request.user, payload=request.data)
        return Response({"id": row.pk}, status=201)
