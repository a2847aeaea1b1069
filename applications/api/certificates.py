"""Once-only in the API: the offers of an application's materials, and consent withdrawal.

Attaching is the materials endpoint (``provision=certificate`` with
``certificate_ref`` and ``certificate_consent=true``), the one path every
channel uses.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.certificates import access_log_for_user, certificate_offers
from applications.selectors import application_get_for_user
from applications.services.materials import application_withdraw_certificate_consent

from .views import _detail, errors


class ApplicationCertificateOfferSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    name = serializers.CharField()
    issuer = serializers.CharField()
    valid_until = serializers.CharField()
    trust_level = serializers.CharField()


class ApplicationMaterialOffersSerializer(serializers.Serializer):
    material_id = serializers.IntegerField()
    material = serializers.CharField()
    provision = serializers.CharField()
    certificate_ref = serializers.CharField()
    offers = ApplicationCertificateOfferSerializer(many=True)


@extend_schema(tags=["applications"])
class ApplicationCertificateOffersView(APIView):
    """Per material that names a certificate type: the holder's valid certificates."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="可引用的电子证照",
        responses={
            200: ApplicationMaterialOffersSerializer(many=True),
            **errors(401, 404),
        },
    )
    def get(self, request, pk: int):
        application = application_get_for_user(user=request.user, pk=pk)
        rows = []
        for am in application.materials.select_related(
            "material", "material__certificate_type"
        ):
            if am.material.certificate_type_id is None:
                continue
            offers = certificate_offers(application=application, material=am.material)
            rows.append(
                {
                    "material_id": am.material_id,
                    "material": am.material.name,
                    "provision": am.provision,
                    "certificate_ref": am.certificate_ref,
                    "offers": [o.__dict__ for o in offers],
                }
            )
        return Response(ApplicationMaterialOffersSerializer(rows, many=True).data)


@extend_schema(tags=["applications"])
class ApplicationCertificateConsentWithdrawView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="撤回电子证照调取同意",
        request=None,
        responses={200: None, **errors(401, 403, 404, 409)},
    )
    def post(self, request, pk: int, material_id: int):
        application = application_get_for_user(user=request.user, pk=pk)
        application_withdraw_certificate_consent(
            application=application, user=request.user, material=material_id
        )
        return Response(_detail(request, pk))


class ApplicationAccessLogRowSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=["certificate", "file"])
    what = serializers.CharField()
    department = serializers.CharField()
    reader = serializers.CharField(help_text="Masked name of the staff member.")
    purpose = serializers.CharField()
    application_number = serializers.CharField()
    item_name = serializers.CharField()
    refused = serializers.BooleanField()


@extend_schema(tags=["evidence"])
class ApplicationAccessLogView(APIView):
    """Who read my data: staff reads of my certificates and my uploaded files, newest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="谁查看了我的数据",
        responses={200: ApplicationAccessLogRowSerializer(many=True), **errors(401)},
    )
    def get(self, request):
        rows = access_log_for_user(user=request.user)
        return Response(
            ApplicationAccessLogRowSerializer(
                [r.__dict__ for r in rows], many=True
            ).data
        )
