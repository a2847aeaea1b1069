"""Demo data of the applications app (development only; see portal's load_demo).

The demo citizen gets a real-name profile so they can apply online, a demo
enterprise they represent, and the demo township agent an authorisation to
apply for them. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from catalog.codes import make_credit_code
from catalog.models import Region
from portal.models import User

from . import constants as c
from .models import AgentAuthorization, ApplicantProfile, Enterprise, EnterpriseMember
from .privacy import make_id_number, stored_id_number_fields

CITIZEN_ID = make_id_number("51330119900307452")
ENTERPRISE_CREDIT_CODE = make_credit_code("91513301MA6XK8YQ3")


def load_applications_demo() -> dict[str, int]:
    """Returns counts of rows created (zero on a second run)."""
    created = {"profiles": 0, "enterprises": 0, "authorizations": 0}
    with transaction.atomic():
        citizen = User.objects.filter(username="applicant").first()
        agent = User.objects.filter(username="agent").first()
        if citizen is None:
            return created
        region = Region.objects.filter(code="513301").first()
        if not ApplicantProfile.objects.filter(user=citizen).exists():
            ApplicantProfile.objects.create(
                user=citizen,
                full_name=citizen.display_name or "扎西卓玛",
                **stored_id_number_fields(CITIZEN_ID),
                phone=citizen.phone,
                email="applicant@example.com",
                region=region,
            )
            created["profiles"] += 1
        enterprise, new = Enterprise.objects.get_or_create(
            credit_code=ENTERPRISE_CREDIT_CODE,
            defaults={
                "name": "康定雪域高原餐饮有限公司",
                "legal_representative": citizen.display_name or "扎西卓玛",
                "region": region,
                "address": "康定市炉城街道东大街18号",
            },
        )
        created["enterprises"] += int(new)
        EnterpriseMember.objects.get_or_create(
            enterprise=enterprise,
            user=citizen,
            defaults={"role": c.EnterpriseRole.LEGAL_REPRESENTATIVE},
        )
        if (
            agent is not None
            and not AgentAuthorization.objects.filter(
                agent=agent, citizen=citizen, revoked_at__isnull=True
            ).exists()
        ):
            AgentAuthorization.objects.create(
                agent=agent,
                citizen=citizen,
                signed_statement=(
                    "本人扎西卓玛委托姑咱镇便民服务点代办员泽仁多吉代为申请政务服务事项，"
                    "代办期间提交的材料由本人负责。"
                ),
                signed_at=timezone.now(),
                valid_until=timezone.localdate() + dt.timedelta(days=365),
            )
            created["authorizations"] += 1
    return created
