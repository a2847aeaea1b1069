"""The counter (and a township agent) records the language a walk-in without
an online account reads: Chinese by default, or Tibetan; the documents and
messages then follow it (issue 13). Bad values are refused clearly; a user
without counter rights (or an agent without the citizen's authorisation)
cannot set it; a citizen with an account chooses for themselves."""

import pytest

from applications import constants as c
from applications.services.people import intake_record_language
from people.constants import OutboxChannel
from people.models import ApplicantProfile, OutboxMessage
from people.services.applicants import (
    applicant_record_language,
    applicant_register_at_counter,
)
from portal.errors import PermissionDeniedError, ServiceError
from portal.models import AuditEntry, User
from tests.applications.factories import agent_user, authorization, citizen
from tests.factories import staff
from tests.tibetan.test_documents import text_of

from .helpers import WALK_IN_ID, WALK_IN_NAME, WALK_IN_PHONE, logged_in
from .test_intake import intake_walk_in

pytestmark = pytest.mark.django_db
S = c.ApplicationStatus


def _register(client, **extra):
    return client.post(
        "/counter/intake/",
        {
            "action": "register",
            "walkin-full_name": WALK_IN_NAME,
            "walkin-id_number": WALK_IN_ID,
            "walkin-phone": WALK_IN_PHONE,
            **extra,
        },
    )


def _walk_in() -> ApplicantProfile:
    return ApplicantProfile.objects.get(full_name=WALK_IN_NAME)


def test_the_registration_form_offers_the_language_chinese_by_default(clerk):
    client = logged_in(clerk)
    html = client.post(
        "/counter/intake/", {"action": "find", "find-id_number": WALK_IN_ID}
    ).content.decode()
    assert "申请人使用的语言" in html and "藏文（བོད་ཡིག）" in html
    assert '<option value="zh-hans" selected>中文</option>' in html
    r = _register(client)  # no choice sent: Chinese
    assert r.status_code == 302
    assert _walk_in().language == ""


def test_the_counter_registers_a_walk_in_who_reads_tibetan(clerk):
    client = logged_in(clerk)
    r = _register(client, **{"walkin-language": "bo"})
    assert r.status_code == 302 and r["Location"] == "/counter/intake/items/"
    assert _walk_in().language == "bo"
    html = client.get("/counter/intake/items/").content.decode()
    assert '<option value="bo" selected>藏文（བོད་ཡིག）</option>' in html
    assert 'action="/counter/intake/language/"' in html


def test_a_walk_ins_tibetan_language_makes_the_receipt_bilingual(implementation, clerk):
    client = logged_in(clerk)
    application = intake_walk_in(client, implementation)  # registered Chinese
    assert _walk_in().language == ""
    r = client.post("/counter/intake/language/", {"language": "bo"})
    assert r.status_code == 302 and r["Location"] == "/counter/intake/items/"
    profile = _walk_in()
    assert profile.language == "bo"
    entry = AuditEntry.objects.get(action="applicant.record_language")
    assert entry.actor == clerk and entry.object_id == str(profile.pk)
    assert "已记录申请人使用的语言" in client.get(r["Location"]).content.decode()

    client.post(f"/counter/applications/{application.pk}/accept/")
    application.refresh_from_db()
    assert application.status == S.ACCEPTED
    r = client.get(f"/counter/applications/{application.pk}/receipt.pdf")
    text = text_of(r.content)
    assert "ཞུ་ཡིག་ལེན་ཟིན་པའི་བརྡ་ཐོ" in text and "受理通知书" in text
    assert "ཞུ་ཡིག་ཨང་རྟགས" in text and "办件编号" in text
    # The acceptance SMS follows the language too.
    sms = OutboxMessage.objects.about(application).get(
        channel=OutboxChannel.SMS, dedupe_key__contains=":accepted"
    )
    assert "ལེན་ཟིན" in sms.body and "办件编号" not in sms.body


def test_an_unknown_language_is_refused_and_nothing_is_saved(clerk):
    client = logged_in(clerk)
    r = _register(client, **{"walkin-language": "fr"})
    assert r.status_code == 400
    assert "语言只能选择中文或藏文" in r.content.decode()
    assert not ApplicantProfile.objects.filter(full_name=WALK_IN_NAME).exists()

    assert _register(client).status_code == 302
    r = client.post("/counter/intake/language/", {"language": "xx"}, follow=True)
    assert "语言只能选择中文或藏文" in r.content.decode()
    assert _walk_in().language == ""


@pytest.mark.parametrize("language", ["fr", "en", "zh-hant"])
def test_the_services_refuse_an_unknown_language(clerk, language):
    with pytest.raises(ServiceError) as caught:
        applicant_register_at_counter(
            clerk=clerk,
            full_name=WALK_IN_NAME,
            id_number=WALK_IN_ID,
            phone=WALK_IN_PHONE,
            language=language,
        )
    assert caught.value.code == "language_invalid"
    assert caught.value.field == "language"
    user = applicant_register_at_counter(
        clerk=clerk, full_name=WALK_IN_NAME, id_number=WALK_IN_ID, phone=WALK_IN_PHONE
    )
    with pytest.raises(ServiceError) as caught:
        applicant_record_language(actor=clerk, user=user, language=language)
    assert caught.value.code == "language_invalid"
    assert _walk_in().language == ""


def test_a_user_without_counter_rights_cannot_set_the_language(clerk):
    walk_in = applicant_register_at_counter(
        clerk=clerk, full_name=WALK_IN_NAME, id_number=WALK_IN_ID, phone=WALK_IN_PHONE
    )
    reviewer = staff("reviewer-x", "reviewer")
    other = citizen("someone-else")
    for user in (reviewer, other):
        r = logged_in(user).post("/counter/intake/language/", {"language": "bo"})
        assert r.status_code == 403, user
        with pytest.raises(PermissionDeniedError):
            intake_record_language(actor=user, applicant=walk_in, language="bo")
        with pytest.raises(PermissionDeniedError):
            applicant_record_language(actor=user, user=walk_in, language="bo")
    # An agent only for a citizen whose authorisation they hold.
    agent = agent_user("agent-lang")
    with pytest.raises(PermissionDeniedError):
        intake_record_language(actor=agent, applicant=walk_in, language="bo")
    assert _walk_in().language == ""


def test_a_citizen_with_an_account_chooses_their_own_language(clerk):
    user = citizen("has-account", full_name="洛桑")
    assert user.has_usable_password()
    with pytest.raises(ServiceError) as caught:
        intake_record_language(actor=clerk, applicant=user, language="bo")
    assert caught.value.code == "applicant_has_account"
    assert ApplicantProfile.objects.get(user=user).language == ""


def test_an_agent_records_the_language_of_a_citizen_they_act_for(clerk):
    walk_in = applicant_register_at_counter(
        clerk=clerk, full_name=WALK_IN_NAME, id_number=WALK_IN_ID, phone=WALK_IN_PHONE
    )
    agent = agent_user("agent-lang")
    authorization(agent=agent, citizen=walk_in)
    client = logged_in(agent)
    r = client.post("/agent/new/", {"id_number": WALK_IN_ID, "full_name": WALK_IN_NAME})
    assert r.status_code == 302 and r["Location"] == "/agent/new/items/"
    html = client.get("/agent/new/items/").content.decode()
    assert 'action="/agent/new/language/"' in html
    r = client.post("/agent/new/language/", {"language": "bo"})
    assert r.status_code == 302 and r["Location"] == "/agent/new/items/"
    assert _walk_in().language == "bo"
    assert User.objects.get(pk=walk_in.pk).has_usable_password() is False
