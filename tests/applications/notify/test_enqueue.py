"""notification_enqueue: who gets what, once per event, sent after commit."""

import pytest
from django.core import mail
from django.db import transaction

from applications import constants as c
from applications.models import StatusChange
from applications.services.notify import application_recipients, notification_enqueue
from people.constants import OutboxChannel, OutboxStatus
from people.models import OutboxMessage
from people.services.outbox import Recipient
from tests.people.outbox.helpers import PHONE, sms_lines

from .helpers import EMAIL, make_application

pytestmark = pytest.mark.django_db

S = c.ApplicationStatus


def test_enqueue_writes_one_email_and_one_sms(sms_dir):
    application = make_application()

    messages = notification_enqueue(application=application, event=S.ACCEPTED)

    assert sorted((m.channel, m.recipient) for m in messages) == [
        (OutboxChannel.EMAIL, EMAIL),
        (OutboxChannel.SMS, PHONE),
    ]
    for message in messages:
        message.refresh_from_db()
        assert message.status == OutboxStatus.PENDING
        assert message.attempts == 0
        assert (message.subject_type, message.subject_id) == (
            "applications.application",
            str(application.pk),
        )
        assert message.reference == application.number
        assert message.dedupe_key.startswith(f"{application.pk}:accepted:")
    sms = next(m for m in messages if m.channel == OutboxChannel.SMS)
    assert sms.body.startswith("【甘孜州政务服务网】")


def test_enqueue_twice_creates_nothing_new(sms_dir):
    application = make_application()

    first = notification_enqueue(application=application, event=S.ACCEPTED)
    second = notification_enqueue(application=application, event=S.ACCEPTED)

    assert len(first) == 2
    assert second == []
    assert OutboxMessage.objects.about(application).count() == 2


def test_second_supplement_request_is_a_new_event(sms_dir, django_user_model):
    """After a resubmission, a second one-time notice must still reach them."""
    application = make_application(status=S.SUPPLEMENT_REQUESTED)
    clerk = django_user_model.objects.create(username="clerk")

    def record(to_status):
        StatusChange.objects.create(
            application=application,
            from_status=S.SUBMITTED,
            to_status=to_status,
            actor=clerk,
            at=application.submitted_at,
        )

    record(S.SUPPLEMENT_REQUESTED)
    assert (
        len(notification_enqueue(application=application, event=S.SUPPLEMENT_REQUESTED))
        == 2
    )
    assert (
        notification_enqueue(application=application, event=S.SUPPLEMENT_REQUESTED)
        == []
    )

    record(S.SUPPLEMENT_REQUESTED)
    again = notification_enqueue(application=application, event=S.SUPPLEMENT_REQUESTED)

    assert len(again) == 2
    assert OutboxMessage.objects.about(application).count() == 4


def test_each_event_has_its_own_messages(sms_dir):
    application = make_application()

    notification_enqueue(application=application, event=S.ACCEPTED)
    notification_enqueue(application=application, event=S.APPROVED)

    assert OutboxMessage.objects.about(application).count() == 4


def test_recipients_fall_back_to_the_account(sms_dir):
    application = make_application(profile=False, account_email="acct@example.cn")

    assert application_recipients(application=application) == [
        Recipient(OutboxChannel.EMAIL, "acct@example.cn")
    ]


def test_profile_email_wins_over_account_email(sms_dir):
    application = make_application(account_email="acct@example.cn")

    emails = [
        r.address
        for r in application_recipients(application=application)
        if r.channel == OutboxChannel.EMAIL
    ]
    assert emails == [EMAIL]


def test_applicant_without_contact_gets_nothing(sms_dir):
    application = make_application(email="", phone="")

    assert notification_enqueue(application=application, event=S.ACCEPTED) == []
    assert not OutboxMessage.objects.exists()


def test_explicit_recipients_and_duplicates(sms_dir):
    application = make_application()

    messages = notification_enqueue(
        application=application,
        event=S.REFUSED,
        recipients=[
            ("sms", "13900001111"),
            Recipient(OutboxChannel.SMS, "13900002222"),
            ("sms", "13900001111"),  # the same number twice: one message
        ],
    )

    assert [m.recipient for m in messages] == ["13900001111", "13900002222"]
    assert [m.dedupe_key.rsplit(":", 1)[1] for m in messages] == ["0", "1"]


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"event": "teleported"}, "unknown notification event"),
        ({"event": S.DRAFT}, "unknown notification event"),
        ({"event": S.ACCEPTED, "recipients": [("fax", "0836")]}, "unknown channel"),
    ],
)
def test_bad_arguments_refused_and_nothing_written(sms_dir, kwargs, text):
    application = make_application()

    with pytest.raises(ValueError, match=text):
        notification_enqueue(application=application, **kwargs)
    assert not OutboxMessage.objects.exists()


def test_draft_without_number_gets_nothing(sms_dir):
    application = make_application(number=None, status=S.DRAFT)

    assert notification_enqueue(application=application, event=S.WITHDRAWN) == []
    assert not OutboxMessage.objects.exists()


def test_sent_only_after_commit(sms_dir, django_capture_on_commit_callbacks):
    application = make_application()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            messages = notification_enqueue(application=application, event=S.ACCEPTED)
        # Written, but nothing has gone out before the commit.
        assert len(messages) == 2
        assert mail.outbox == []
        assert sms_lines(sms_dir) == []

    assert len(callbacks) == 1  # one task for the event's messages
    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    assert [line["to"] for line in sms_lines(sms_dir)] == [PHONE]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {
        OutboxStatus.SENT
    }


def test_rolled_back_change_sends_nothing(sms_dir, django_capture_on_commit_callbacks):
    application = make_application()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notification_enqueue(application=application, event=S.ACCEPTED)
        raise RuntimeError("the acceptance failed after the enqueue")

    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []
    assert sms_lines(sms_dir) == []


def test_broker_down_leaves_message_for_the_sweep(
    sms_dir, django_capture_on_commit_callbacks, monkeypatch
):
    from people.tasks import send_outbox_messages

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis unreachable")

    monkeypatch.setattr(send_outbox_messages, "delay", broker_down)
    application = make_application()

    with django_capture_on_commit_callbacks(execute=True):
        notification_enqueue(application=application, event=S.ACCEPTED)

    # No exception reached the caller; the rows wait for beat.
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {
        OutboxStatus.PENDING
    }


def test_overlong_address_is_skipped_not_fatal(sms_dir):
    application = make_application()
    too_long = "a" * 190 + "@example.cn"

    messages = notification_enqueue(
        application=application,
        event=S.ACCEPTED,
        recipients=[("email", too_long), ("sms", PHONE)],
    )

    assert [m.channel for m in messages] == [OutboxChannel.SMS]
