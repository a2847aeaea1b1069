"""Part 9 wired in: every status change with a message enqueues it, after commit."""

import pytest
from django.core import mail

from applications import constants as c
from applications.services.acceptance import (
    application_accept,
    application_refuse,
    application_request_supplement,
)
from applications.services.drafts import application_create
from applications.services.status import application_transition
from applications.services.submission import application_submit
from applications.services.withdrawal import application_withdraw
from people.constants import OutboxChannel, OutboxStatus
from people.models import ApplicantProfile, OutboxMessage
from portal.errors import ServiceError
from tests.applications.factories import ApplicationFactory, fill_materials

pytestmark = pytest.mark.django_db
S = c.ApplicationStatus
EMAIL = "zhaxi@example.cn"


@pytest.fixture
def applicant(applicant):
    ApplicantProfile.objects.filter(user=applicant).update(email=EMAIL)
    return applicant


def _events(application) -> list[tuple[str, str]]:
    return sorted(
        (m.dedupe_key.split(":")[1], m.channel)
        for m in OutboxMessage.objects.about(application)
    )


def test_accept_writes_one_email_and_one_sms_sent_after_commit(
    implementation, applicant, clerk, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    OutboxMessage.objects.all().delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_accept(application=application, clerk=clerk)
        rows = list(OutboxMessage.objects.about(application))
        # Written with the acceptance, nothing sent before the commit.
        assert sorted(m.channel for m in rows) == ["email", "sms"]
        assert {m.status for m in rows} == {OutboxStatus.PENDING}
        assert mail.outbox == []
    assert len(callbacks) == 1  # one task for the event's messages
    for callback in callbacks:
        callback()

    assert _events(application) == [("accepted", "email"), ("accepted", "sms")]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {
        OutboxStatus.SENT
    }
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [EMAIL]
    assert application.number in mail.outbox[0].subject
    assert "受理通知" in mail.outbox[0].subject


def test_every_status_with_a_message_is_notified_once(implementation, applicant, clerk):
    application = application_create(
        user=applicant,
        implementation=implementation,
        channel=c.IntakeChannel.ONLINE,
        form_data={"contact_phone": "13800001111", "purpose": "新办"},
    )
    fill_materials(application, applicant)
    assert not OutboxMessage.objects.exists()  # a draft has nothing to tell
    application_submit(application=application, user=applicant)
    first = application.materials.first()
    application_request_supplement(
        application=application,
        clerk=clerk,
        items=[{"material_id": first.material_id, "problem": "照片不清晰"}],
    )
    fill_materials(application, applicant)
    application_submit(application=application, user=applicant)
    application_accept(application=application, clerk=clerk)
    application_transition(application=application, to_status=S.IN_REVIEW, actor=clerk)
    application_transition(application=application, to_status=S.APPROVED, actor=clerk)
    keys = sorted(
        m.dedupe_key.split(":", 1)[1]
        for m in OutboxMessage.objects.filter(channel=OutboxChannel.SMS)
    )
    assert keys == [
        "accepted:1:sms:0",
        "approved:1:sms:0",
        "submitted:1:sms:0",
        "submitted:2:sms:0",
        "supplement_requested:1:sms:0",
    ]
    notice = OutboxMessage.objects.get(
        dedupe_key__contains="supplement_requested:1:sms"
    )
    assert "照片不清晰" in notice.body


@pytest.mark.parametrize(
    ("stage", "act", "event"),
    [
        ("submitted", "refuse", "refused"),
        ("submitted", "withdraw", "withdrawn"),
        ("accepted", "reject", "rejected"),
    ],
)
def test_refusal_withdrawal_and_rejection_notify(
    implementation, applicant, clerk, stage, act, event
):
    application = ApplicationFactory(
        implementation=implementation, applicant=applicant, clerk=clerk, stage=stage
    )
    before = OutboxMessage.objects.count()
    if act == "refuse":
        application_refuse(
            application=application,
            clerk=clerk,
            reason="不属于本机关职权范围",
            legal_basis="《中华人民共和国行政许可法》第三十二条",
        )
    elif act == "withdraw":
        application_withdraw(application=application, user=applicant)
    else:
        application_transition(
            application=application, to_status=S.IN_REVIEW, actor=clerk
        )
        application_transition(
            application=application, to_status=S.REJECTED, actor=clerk
        )
    new = OutboxMessage.objects.order_by("pk")[before:]
    assert sorted((m.dedupe_key.split(":")[1], m.channel) for m in new) == [
        (event, "email"),
        (event, "sms"),
    ]


def test_a_refused_change_sends_nothing(implementation, applicant, clerk):
    application = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    before = OutboxMessage.objects.count()
    with pytest.raises(ServiceError):
        application_refuse(
            application=application, clerk=clerk, reason="", legal_basis=""
        )
    with pytest.raises(ServiceError):
        application_transition(
            application=application, to_status=S.APPROVED, actor=clerk
        )
    assert OutboxMessage.objects.count() == before


def test_withdrawing_a_draft_sends_nothing(implementation, applicant):
    application = ApplicationFactory(implementation=implementation, applicant=applicant)
    application_withdraw(application=application, user=applicant)
    assert not OutboxMessage.objects.exists()
