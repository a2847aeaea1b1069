"""What one submission writes, in every table of the project.

The rows one submission adds are counted in every model Django knows
(``apps.get_models()``) and compared with the inventory written out below.
A new side effect of submitting (another table written, one row more) turns
this red, so it is seen and agreed on in review: change the inventory in the
same commit as the behaviour, and say why.
"""

import pytest
from django.apps import apps

from applications import constants as c
from applications.models import Application
from portal.audit import audit_verify
from tests.applications.counter.helpers import (
    WALK_IN_ID,
    WALK_IN_NAME,
    WALK_IN_PHONE,
    apply_form_data,
    food_version,
    logged_in,
    provide_all,
    token,
)
from tests.applications.factories import (
    GOOD_FORM,
    api_client,
    clerk_at,
    hall_and_implementation,
)

pytestmark = pytest.mark.django_db
LIST = "/api/v1/applications/"


def _counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy
    }


def _added(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    assert after.keys() == before.keys()
    return {
        label: after[label] - before[label]
        for label in sorted(after)
        if after[label] != before[label]
    }


# POST /api/v1/applications/ with submit, form data only, an Idempotency-Key;
# the item has two optional materials; the applicant has a mobile number only.
API_SUBMISSION = {
    "applications.application": 1,
    "applications.applicationcounter": 1,  # the item's first number today
    "applications.applicationmaterial": 2,  # one per material of the version
    "applications.idempotencyrecord": 1,
    "people.outboxmessage": 1,  # SMS "申请已提交"
    "applications.statuschange": 1,  # draft -> submitted
    "portal.auditentry": 2,  # applications.create, applications.submitted
}

# The one-window desk: a clerk starts an application for a registered
# walk-in, fills the form, provides every needed material (one scan uploaded,
# one tolerated gap, one commitment, one electronic file) and submits.
COUNTER_SUBMISSION = {
    "applications.application": 1,
    "applications.applicationcounter": 1,
    "applications.applicationmaterial": 5,
    "applications.idempotencyrecord": 2,  # the form step's and the submit's token
    "people.outboxmessage": 1,
    "applications.statuschange": 1,
    "applications.uploadedfile": 2,  # 营业执照, 经营场所平面图
    # create, 4 x provide_material, submitted
    "portal.auditentry": 6,
}


def test_an_api_submission_writes_exactly_this(optional_implementation, applicant):
    client = api_client(applicant)
    before = _counts()
    r = client.post(
        LIST,
        {
            "implementation": optional_implementation.code,
            "form_data": GOOD_FORM,
            "submit": True,
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="inventory",
    )
    assert r.status_code == 201, r.json()
    assert _added(before, _counts()) == API_SUBMISSION
    assert audit_verify()[1] is None


def test_a_counter_submission_writes_exactly_this():
    hall, implementation = hall_and_implementation(food_version())
    clerk = clerk_at(hall, "clerk-inventory")
    client = logged_in(clerk)
    r = client.post(  # registers the walk-in (not part of the submission)
        "/counter/intake/",
        {
            "action": "register",
            "walkin-full_name": WALK_IN_NAME,
            "walkin-id_number": WALK_IN_ID,
            "walkin-phone": WALK_IN_PHONE,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    start = f"/counter/intake/new/{implementation.code}/"
    page = client.get(start).content.decode()

    before = _counts()
    r = client.post(start, {**apply_form_data(), "token": token(page)})
    application = Application.objects.get()
    provide_all(client, f"/counter/intake/{application.pk}/materials/", application)
    page = client.get(f"/counter/intake/{application.pk}/submit/").content.decode()
    r = client.post(f"/counter/intake/{application.pk}/submit/", {"token": token(page)})
    assert r.status_code == 302
    application.refresh_from_db()
    assert application.status == c.ApplicationStatus.SUBMITTED
    assert application.channel == c.IntakeChannel.COUNTER
    assert _added(before, _counts()) == COUNTER_SUBMISSION
    assert audit_verify()[1] is None
