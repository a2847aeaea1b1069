"""Message texts: Chinese, with number, query code and tracking hint; no ID number."""

import datetime as dt

import pytest
from django.utils import timezone

from applications import constants as c
from applications.models import SupplementNotice
from applications.services.notify import (
    EVENTS,
    notification_enqueue,
    notification_text,
    scrub,
)

from .helpers import ID_NUMBER, QUERY_CODE, make_application

pytestmark = pytest.mark.django_db

S = c.ApplicationStatus


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_every_event_names_number_code_and_tracking(event):
    application = make_application()

    subject, body = notification_text(application=application, event=event)

    assert application.number in subject
    assert application.number in body
    assert f"查询码：{QUERY_CODE}" in body
    assert application.version.name in body
    assert "办件查询" in body
    assert ID_NUMBER not in subject + body
    assert "扎西" not in body  # no names either


def test_messages_in_outbox_carry_number_and_no_id_number(sms_dir):
    application = make_application()

    messages = notification_enqueue(application=application, event=S.ACCEPTED)

    for message in messages:
        assert application.number in message.body
        assert ID_NUMBER not in message.body
        assert ID_NUMBER[6:14] not in message.body  # nor the birth date part


def test_accepted_gives_the_promised_date():
    application = make_application()
    application.accepted_at = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    application.promised_date = dt.date(2026, 3, 16)

    _, body = notification_text(application=application, event=S.ACCEPTED)

    assert "已于2026年3月2日受理" in body
    assert "承诺办结日期：2026年3月16日" in body


def test_supplement_lists_every_material_of_the_latest_notice(django_user_model):
    application = make_application(status=S.SUPPLEMENT_REQUESTED)
    clerk = django_user_model.objects.create(username="clerk")
    SupplementNotice.objects.create(
        application=application,
        items=[{"material_id": 1, "name": "旧材料", "problem": "旧问题"}],
        issued_by=clerk,
        issued_at=timezone.now() - dt.timedelta(days=3),
        due_date=dt.date(2026, 12, 1),
    )
    SupplementNotice.objects.create(
        application=application,
        items=[
            {"material_id": 1, "name": "居民身份证", "problem": "复印件不清晰"},
            {"material_id": 2, "name": "申请表", "problem": "缺少申请人签字"},
        ],
        issued_by=clerk,
        issued_at=timezone.now(),
        due_date=dt.date(2026, 12, 18),
    )

    _, body = notification_text(application=application, event=S.SUPPLEMENT_REQUESTED)
    assert "请于2026年12月18日前" in body

    assert "一次性补齐" in body
    assert "1. 居民身份证：复印件不清晰" in body
    assert "2. 申请表：缺少申请人签字" in body
    assert "旧材料" not in body


def test_refusal_gives_reason_and_basis_with_id_numbers_masked():
    application = make_application(status=S.REFUSED)
    application.refusal_reason = f"申请人{ID_NUMBER}不属于本事项的服务对象"
    application.refusal_basis = "《中华人民共和国行政许可法》第三十二条"

    _, body = notification_text(application=application, event=S.REFUSED)

    assert "不予受理" in body
    assert "依据：《中华人民共和国行政许可法》第三十二条" in body
    assert ID_NUMBER not in body
    assert f"申请人{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}不属于" in body


def test_scrub_masks_only_id_shaped_numbers():
    assert (
        scrub(f"号码{ID_NUMBER}。") == f"号码{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}。"
    )
    assert scrub("电话13812345678") == "电话13812345678"
    # A longer code that merely contains 18 digits is not an ID number.
    assert scrub("X" + ID_NUMBER + "1") == "X" + ID_NUMBER + "1"


def test_detail_is_added_and_scrubbed():
    application = make_application()

    _, body = notification_text(
        application=application, event=S.REJECTED, detail=f"核验{ID_NUMBER}未通过"
    )

    assert "说明：核验" in body
    assert ID_NUMBER not in body
