"""Demo data of the applications app (development only; see portal's load_demo).

The demo township agent gets an authorisation to apply for the demo citizen
(whose profile and enterprise are people's demo data, loaded first).
Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from portal.models import User

from .constants import AuthorizationConfirmation
from .models import AgentAuthorization


def load_applications_demo() -> dict[str, int]:
    """Returns counts of rows created (zero on a second run)."""
    created = {"authorizations": 0}
    with transaction.atomic():
        citizen = User.objects.filter(username="applicant").first()
        agent = User.objects.filter(username="agent").first()
        if citizen is None or agent is None:
            return created
        if not AgentAuthorization.objects.filter(
            agent=agent, citizen=citizen, revoked_at__isnull=True
        ).exists():
            AgentAuthorization.objects.create(
                agent=agent,
                citizen=citizen,
                signed_statement=(
                    "本人扎西卓玛委托姑咱镇便民服务点代办员泽仁多吉代为申请政务服务事项，"
                    "代办期间提交的材料由本人负责。"
                ),
                signed_at=timezone.now(),
                valid_until=timezone.localdate() + dt.timedelta(days=365),
                # As if granted from the citizen's own account.
                confirmed_at=timezone.now(),
                confirmed_via=AuthorizationConfirmation.ACCOUNT,
                recorded_by=citizen,
            )
            created["authorizations"] += 1
    return created
