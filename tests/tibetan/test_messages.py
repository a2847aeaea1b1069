"""SMS and e-mail in the applicant's language: Tibetan for a citizen who
chose Tibetan, whatever language the clerk's page is in."""

from __future__ import annotations

import pytest
from django.utils import translation

from applications import constants as c
from applications.services.notify import notification_enqueue
from catalog.models import ServiceItemVersion
from people.constants import OutboxChannel
from people.models import ApplicantProfile
from tests.applications.notify.helpers import make_application
from tests.people.outbox.fixtures import sms_dir  # noqa: F401

pytestmark = pytest.mark.django_db
S = c.ApplicationStatus
SITE_BO = "དཀར་མཛེས་ཁུལ་གཞུང་དོན་ཞབས་ཞུའི་དྲ་ཚིགས"


def _tibetan_applicant(application, name_bo: str = "") -> None:
    ApplicantProfile.objects.filter(user_id=application.applicant_id).update(
        language="bo"
    )
    if name_bo:  # a published version: test data written past the freeze
        ServiceItemVersion.objects.filter(pk=application.version_id).update(
            name_bo=name_bo
        )
        application.version.refresh_from_db()


def test_an_sms_for_a_tibetan_language_applicant_is_in_tibetan(sms_dir):  # noqa: F811
    application = make_application()
    _tibetan_applicant(application, name_bo="ལེགས་སྐྱེས་ལག་ཁྱེར།")
    with translation.override("en"):  # the clerk's page is in English
        messages = notification_enqueue(application=application, event=S.ACCEPTED)
    sms = next(m for m in messages if m.channel == OutboxChannel.SMS)
    assert sms.body.startswith(f"【{SITE_BO}】")
    assert "“ལེགས་སྐྱེས་ལག་ཁྱེར།” " in sms.body
    assert "ལེན་ཟིན" in sms.body
    assert f"ཞུ་ཡིག་ཨང་རྟགས། {application.number}" in sms.body
    assert f"འཚོལ་ཞིབ་ཨང་གྲངས། {application.query_code}" in sms.body
    assert "办件编号" not in sms.body and "Application" not in sms.body
    email = next(m for m in messages if m.channel == OutboxChannel.EMAIL)
    assert email.subject.startswith(f"【{SITE_BO}】ལེན་ཟིན་པའི་བརྡ་ཐོ།")


def test_without_a_tibetan_item_name_the_chinese_name_is_used(sms_dir):  # noqa: F811
    application = make_application()
    _tibetan_applicant(application)
    messages = notification_enqueue(application=application, event=S.SUBMITTED)
    sms = next(m for m in messages if m.channel == OutboxChannel.SMS)
    assert f"“{application.version.name}”" in sms.body
    assert "ལེགས་པར་ཕུལ་ཟིན" in sms.body


def test_a_chinese_language_applicant_still_gets_chinese(sms_dir):  # noqa: F811
    application = make_application()
    with translation.override("bo"):  # even from a Tibetan page
        messages = notification_enqueue(application=application, event=S.ACCEPTED)
    sms = next(m for m in messages if m.channel == OutboxChannel.SMS)
    assert sms.body.startswith("【甘孜州政务服务网】") and "办件编号" in sms.body
