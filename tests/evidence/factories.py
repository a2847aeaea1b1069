"""Helpers for the evidence tests: types with specs, keys and certificates
made through the real services."""

from __future__ import annotations

from catalog.models import CertificateType
from evidence.models import CertificateSpec
from evidence.services.issuing import certificate_issue
from evidence.services.keys import signing_key_rotate
from people.codes import make_credit_code
from people.privacy import make_id_number
from tests.factories import DepartmentFactory, UserFactory

SAMR = "11100000MB0143028"
CITIZEN_ID = make_id_number("51330119900101123")
ENTERPRISE_CODE = make_credit_code("91513301MA0000001")

LICENSE_SCHEMA = {
    "type": "object",
    "properties": {
        "enterprise_name": {"type": "string", "title": "名称", "maxLength": 100},
        "legal_representative": {"type": "string", "title": "法定代表人"},
        "address": {"type": "string", "title": "住所"},
    },
    "required": ["enterprise_name", "legal_representative"],
}
ID_SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string", "title": "姓名"}},
}


def cert_type(
    suffix: str = "001",
    name: str = "营业执照",
    holder: str = "legal",
    schema: dict | None = None,
    years: int | None = None,
) -> CertificateType:
    t, _ = CertificateType.objects.get_or_create(
        code=make_credit_code(SAMR) + suffix,
        defaults={"name": name, "issuing_authority": "市场监管", "holder_kind": holder},
    )
    CertificateSpec.objects.update_or_create(
        certificate_type=t,
        defaults={
            "data_schema": LICENSE_SCHEMA if schema is None else schema,
            "validity_years": years,
        },
    )
    return t


def department_with_key(**kwargs):
    dep = DepartmentFactory(**kwargs)
    signing_key_rotate(department=dep, actor=UserFactory(username="key-admin"))
    return dep


def license_for(*, issuer, holder_number: str = ENTERPRISE_CODE, t=None, **kwargs):
    return certificate_issue(
        certificate_type=t or cert_type(),
        issuer=issuer,
        holder_number=holder_number,
        holder_name=kwargs.pop("holder_name", "康定测试餐饮有限公司"),
        data=kwargs.pop(
            "data",
            {
                "enterprise_name": "康定测试餐饮有限公司",
                "legal_representative": "扎西",
                "address": "康定市东大街1号",
            },
        ),
        actor=kwargs.pop("actor", None) or UserFactory(username="issuer-clerk"),
        **kwargs,
    )
