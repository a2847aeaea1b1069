"""Demo data of the e-certificate library (development only; see portal's load_demo).

What the common types carry (data fields, validity), a signing key for each
issuing department (private halves in the dev key store, var/evidence-keys),
and the certificates the demo citizen (扎西卓玛) and the demo enterprise
(康定雪域高原餐饮有限公司) hold, so once-only reuse can be tried from
``make run``. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from catalog.models import CertificateType, Department
from people.models import ApplicantProfile, Enterprise
from people.privacy import decrypt_id_number
from portal.models import User

from . import signing
from .models import Certificate, CertificateSpec
from .services.issuing import certificate_issue
from .services.keys import active_key, signing_key_rotate


def _t(title: str, **extra) -> dict:
    return {"type": "string", "title": title, **extra}


def _date(title: str) -> dict:
    return {"type": "string", "title": title, "format": "date"}


# type name: (validity in years or None, data properties, required)
SPECS: dict[str, tuple[int | None, dict, list[str]]] = {
    "居民身份证": (
        20,
        {
            "name": _t("姓名"),
            "gender": _t("性别", enum=["男", "女"]),
            "ethnicity": _t("民族"),
            "birth_date": _date("出生"),
            "address": _t("住址", maxLength=200),
        },
        ["name", "gender", "birth_date"],
    ),
    "居民户口簿": (
        None,
        {
            "name": _t("姓名"),
            "household_head": _t("户主姓名"),
            "relation": _t("与户主关系"),
            "address": _t("住址", maxLength=200),
        },
        ["name", "household_head"],
    ),
    "营业执照": (
        None,
        {
            "entity_name": _t("名称", maxLength=100),
            "credit_code": _t("统一社会信用代码"),
            "entity_type": _t("类型"),
            "legal_representative": _t("法定代表人"),
            "registered_capital": _t("注册资本"),
            "established_on": _date("成立日期"),
            "address": _t("住所", maxLength=200),
            "business_scope": _t("经营范围", maxLength=1000),
        },
        ["entity_name", "credit_code", "legal_representative"],
    ),
    "食品经营许可证": (
        5,
        {
            "entity_name": _t("经营者名称"),
            "address": _t("经营场所"),
            "business_type": _t("主体业态"),
            "license_no": _t("许可证编号"),
        },
        ["entity_name", "license_no"],
    ),
    "不动产权证书": (
        None,
        {
            "certificate_no": _t("不动产权证书号", maxLength=60),
            "property_address": _t("坐落", maxLength=200),
            "area": _t("面积"),
            "usage": _t("用途"),
        },
        ["certificate_no", "property_address"],
    ),
    "结婚证": (
        None,
        {
            "name": _t("持证人"),
            "spouse_name": _t("配偶姓名"),
            "registered_on": _date("登记日期"),
            "certificate_no": _t("结婚证字号"),
        },
        ["name", "spouse_name", "registered_on"],
    ),
    "出生医学证明": (
        None,
        {
            "child_name": _t("新生儿姓名"),
            "birth_date": _date("出生日期"),
            "birth_place": _t("出生地点"),
        },
        ["child_name", "birth_date"],
    ),
    "中华人民共和国残疾人证": (
        None,
        {"name": _t("姓名"), "category": _t("残疾类别"), "grade": _t("残疾等级")},
        ["name", "category", "grade"],
    ),
    "社会保障卡": (
        10,
        {"name": _t("姓名"), "card_no": _t("社会保障号码（卡号）")},
        ["name"],
    ),
}

# Demo certificates: (type name, issuing department's short name, holder, data)
CITIZEN_CERTIFICATES = [
    (
        "居民身份证",
        "康定市公安局",
        {
            "name": "扎西卓玛",
            "gender": "女",
            "ethnicity": "藏族",
            "birth_date": "1990-03-07",
            "address": "四川省康定市炉城街道东大街18号",
        },
    ),
    (
        "居民户口簿",
        "康定市公安局",
        {
            "name": "扎西卓玛",
            "household_head": "扎西卓玛",
            "relation": "户主",
            "address": "四川省康定市炉城街道东大街18号",
        },
    ),
    (
        "社会保障卡",
        "康定市人力资源和社会保障局",
        {"name": "扎西卓玛", "card_no": "A51330100001"},
    ),
    (
        "结婚证",
        "康定市民政局",
        {
            "name": "扎西卓玛",
            "spouse_name": "次仁",
            "registered_on": "2016-05-20",
            "certificate_no": "J513301-2016-000123",
        },
    ),
    (
        "不动产权证书",
        "康定市不动产登记中心",
        {
            "certificate_no": "川（2021）康定市不动产权第0001234号",
            "property_address": "康定市炉城街道东大街18号2单元301室",
            "area": "89.5平方米",
            "usage": "住宅",
        },
    ),
]
ENTERPRISE_CERTIFICATES = [("营业执照", "康定市市场监督管理局")]
ISSUED_ON = dt.date(2024, 3, 15)


def _department(name: str) -> Department | None:
    return (
        Department.objects.filter(name=name).first()
        or Department.objects.filter(short_name=name).first()
    )


def _ensure_key(department: Department, actor) -> None:
    """An active key whose private half is in the key store (make one if not)."""
    key = active_key(department)
    if key is not None:
        try:
            signing.load_private_key(key.key_id)
            return
        except signing.KeyUnavailableError:
            pass  # the dev key store was wiped: rotate to a fresh key
    signing_key_rotate(department=department, actor=actor)


def load_evidence_demo() -> dict[str, int]:
    """Returns counts of rows created (zero on a second run)."""
    created = {"certificate_specs": 0, "certificates": 0}
    with transaction.atomic():
        types = {t.name: t for t in CertificateType.objects.all()}
        for name, (years, props, required) in SPECS.items():
            t = types.get(name)
            if t is None:
                continue
            _, new = CertificateSpec.objects.get_or_create(
                certificate_type=t,
                defaults={
                    "validity_years": years,
                    "data_schema": {
                        "type": "object",
                        "properties": props,
                        "required": required,
                    },
                },
            )
            created["certificate_specs"] += int(new)
        actor = User.objects.filter(username="admin").first()
        citizen = User.objects.filter(username="applicant").first()
        profile = ApplicantProfile.objects.filter(user=citizen).first()
        enterprise = (
            Enterprise.objects.filter(members__user=citizen).first()
            if citizen
            else None
        )
        wanted = []
        if profile is not None:
            number = decrypt_id_number(profile.id_number_encrypted)
            wanted += [
                (t, d, number, profile.full_name, data)
                for t, d, data in CITIZEN_CERTIFICATES
            ]
        if enterprise is not None:
            for t, d in ENTERPRISE_CERTIFICATES:
                data = {
                    "entity_name": enterprise.name,
                    "credit_code": enterprise.credit_code,
                    "entity_type": "有限责任公司（自然人投资或控股）",
                    "legal_representative": enterprise.legal_representative,
                    "registered_capital": "伍拾万元整",
                    "established_on": "2019-06-18",
                    "address": enterprise.address,
                    "business_scope": "餐饮服务；食品销售（仅销售预包装食品）",
                }
                wanted.append((t, d, enterprise.credit_code, enterprise.name, data))
        for type_name, dep_name, number, holder_name, data in wanted:
            t = types.get(type_name)
            dep = _department(dep_name)
            if t is None or dep is None:
                continue
            serial = f"DEMO{t.code[-3:]}{dep.pk:04d}"
            if Certificate.objects.filter(
                certificate_type=t, issuer=dep, serial=serial
            ).exists():
                continue
            _ensure_key(dep, actor)
            certificate_issue(
                certificate_type=t,
                issuer=dep,
                holder_number=number,
                holder_name=holder_name,
                data=data,
                actor=actor,
                issued_on=ISSUED_ON,
                serial=serial,
                source="演示数据",
            )
            created["certificates"] += 1
        # Departments that issue a certificate on approval (an item whose
        # version names a result type, implemented by them) need a key, or
        # approving their cases fails with signing_key_missing.
        issuing = Department.objects.filter(
            implementations__item__versions__result_certificate_type__isnull=False
        ).distinct()
        for dep in issuing:
            _ensure_key(dep, actor)
    return created
