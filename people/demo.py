"""Demo data of people (development only; see portal's load_demo).

The demo citizen gets a real-name profile so they can apply online, and a
demo enterprise they represent. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from django.db import transaction

from portal.models import User

from . import constants as c
from .codes import make_credit_code
from .models import ApplicantProfile, Enterprise, EnterpriseMember
from .privacy import make_id_number, stored_id_number_fields

CITIZEN_ID = make_id_number("51330119900307452")
ENTERPRISE_CREDIT_CODE = make_credit_code("91513301MA6XK8YQ3")
KANGDING = "513301"  # 康定市 (GB/T 2260)


def load_people_demo() -> dict[str, int]:
    """Returns counts of rows created (zero on a second run)."""
    created = {"profiles": 0, "enterprises": 0}
    with transaction.atomic():
        citizen = User.objects.filter(username="applicant").first()
        if citizen is None:
            return created
        if not ApplicantProfile.objects.filter(user=citizen).exists():
            ApplicantProfile.objects.create(
                user=citizen,
                full_name=citizen.display_name or "扎西卓玛",
                **stored_id_number_fields(CITIZEN_ID),
                phone=citizen.phone,
                email="applicant@example.com",
                region_code=KANGDING,
            )
            created["profiles"] += 1
        enterprise, new = Enterprise.objects.get_or_create(
            credit_code=ENTERPRISE_CREDIT_CODE,
            defaults={
                "name": "康定雪域高原餐饮有限公司",
                "legal_representative": citizen.display_name or "扎西卓玛",
                "region_code": KANGDING,
                "address": "康定市炉城街道东大街18号",
            },
        )
        created["enterprises"] += int(new)
        EnterpriseMember.objects.get_or_create(
            enterprise=enterprise,
            user=citizen,
            defaults={"role": c.EnterpriseRole.LEGAL_REPRESENTATIVE},
        )
    return created
