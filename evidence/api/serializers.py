"""Serializers of the evidence API; every name starts with ``Evidence`` (unique in OpenAPI)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import constants as c
from ..models import Certificate, SigningKey


class EvidenceIssuerSerializer(serializers.Serializer):
    name = serializers.CharField()
    credit_code = serializers.CharField()


class EvidenceHolderSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Masked for a natural person (张**).")
    code = serializers.CharField(help_text="Masked ID number or credit code.")


class EvidenceVerifySerializer(serializers.Serializer):
    identifier = serializers.CharField()
    exists = serializers.BooleanField()
    valid = serializers.BooleanField(
        help_text="Exists, status valid, within its dates, signature and file hash ok."
    )
    status = serializers.ChoiceField(
        choices=c.CertificateStatus.choices, allow_null=True
    )
    signature_ok = serializers.BooleanField()
    file_hash_ok = serializers.BooleanField()
    type_name = serializers.CharField(allow_null=True)
    issuer = EvidenceIssuerSerializer(allow_null=True)
    holder = EvidenceHolderSerializer(allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    key_id = serializers.CharField(allow_null=True)


class EvidenceKeySerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    department_credit_code = serializers.CharField(source="department.credit_code")
    algorithm = serializers.SerializerMethodField()

    class Meta:
        model = SigningKey
        fields = [
            "key_id",
            "department",
            "department_credit_code",
            "algorithm",
            "public_key",
            "valid_from",
            "valid_until",
            "revoked_at",
        ]

    def get_algorithm(self, obj) -> str:
        return "Ed25519"


class EvidenceCertificateSerializer(serializers.ModelSerializer):
    type_code = serializers.CharField(source="certificate_type.code")
    type_name = serializers.CharField(source="certificate_type.name")
    issuer = serializers.CharField(source="issuer.name")
    holder = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "identifier",
            "type_code",
            "type_name",
            "issuer",
            "holder_kind",
            "holder",
            "issued_on",
            "valid_from",
            "valid_until",
            "status",
            "data",
            "file_sha256",
            "pdf_url",
        ]

    def get_pdf_url(self, obj) -> str:
        return reverse("evidence:wallet-download", args=[obj.identifier])

    @extend_schema_field(EvidenceHolderSerializer)
    def get_holder(self, obj) -> dict:
        # The caller holds it: the name in full, the number still masked.
        return {"name": obj.holder_name, "code": obj.holder_masked}
