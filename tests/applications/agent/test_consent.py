"""An agent cannot authorise themself: an authorisation comes into force only by
the citizen (own account, a code to the registered phone, or a signed paper a
hall clerk witnessed), for at most a year, and the citizen hears of it.

The exact reproduction of the issue: an agent who knows a citizen's name and ID
number recorded an authorisation valid until 2099 with a typed statement,
applied, and had it accepted, and the citizen was never told.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import constants as c
from applications.models import AgentAuthorization, Application
from applications.selectors_people import active_authorization
from applications.services import people as authorizations
from applications.services.drafts import application_create
from applications.visibility import authorization_in_force, authorization_in_force_q
from people.models import OneTimeCode, OutboxMessage
from people.privacy import decrypt_id_number
from people.services.outbox import ERASED_BODY
from portal.errors import PermissionDeniedError, ServiceError
from tests.applications.counter.helpers import logged_in
from tests.applications.factories import agent_user, citizen, clerk_at
from tests.people.outbox.helpers import sms_lines

# Real commits: codes and texts are sent after commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

NEW_AUTH = "/accounts/authorizations/new/"
STATEMENT = "本人委托代办员办理本人名下的全部政务服务事项，长期有效。"
AGENT_IP = "192.0.2.50"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _sms(settings, tmp_path):
    settings.SMS_BACKEND = "people.outbox.backends.FileSmsBackend"
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"
    cache.delete(f"otp:verify-failures:{AGENT_IP}")
    yield
    cache.delete(f"otp:verify-failures:{AGENT_IP}")


@pytest.fixture
def agent():
    return agent_user("agent-consent")


@pytest.fixture
def person():
    return _with_phone(citizen("consent-a", full_name="扎西"), "13800002222")


@pytest.fixture
def other_person():
    return _with_phone(citizen("consent-b", full_name="卓玛"), "13900003333")


def _with_phone(user, phone):
    user.applicant.phone = phone
    user.applicant.save(update_fields=["phone"])
    return user


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def _texts(settings, phone) -> list[str]:
    return [
        line["text"]
        for line in sms_lines(settings.NOTIFY_FILE_DIR)
        if line["to"] == phone
    ]


def _code_sent_to(settings, phone) -> str:
    texts = [t for t in _texts(settings, phone) if "验证码" in t]
    assert texts, "no code was sent"
    return re.search(r"验证码(\d{6})", texts[-1]).group(1)


def _request(agent, person, **kwargs):
    data = {
        "agent": agent,
        "citizen": person,
        "valid_until": _days(30),
        "signed_statement": STATEMENT,
        "request_ip": AGENT_IP,
    }
    data.update(kwargs)
    return authorizations.agent_authorization_request(**data)


def _in_force(authorization, agent) -> bool:
    authorization.refresh_from_db()
    by_rule = authorization_in_force(authorization, agent=agent)
    by_filter = AgentAuthorization.objects.filter(
        authorization_in_force_q(agent=agent), pk=authorization.pk
    ).exists()
    assert by_rule == by_filter
    return by_rule


# --- the exact reproduction ------------------------------------------------------


def _post_as_agent(client, person, valid_until):
    return client.post(
        NEW_AUTH,
        {
            "citizen_id_number": decrypt_id_number(
                person.applicant.id_number_encrypted
            ),
            "citizen_full_name": person.applicant.full_name,
            "valid_until": valid_until.isoformat(),
            "signed_statement": STATEMENT,
        },
        REMOTE_ADDR=AGENT_IP,
    )


def test_the_reproduction_yields_no_authorisation_in_force(
    settings, agent, person, hall_impl
):
    _hall, implementation = hall_impl
    client = logged_in(agent)
    # Until 2099: refused outright (the cap).
    response = _post_as_agent(client, person, dt.date(2099, 12, 31))
    assert response.status_code == 200
    assert "最长365天" in " ".join(response.context["form"].errors["valid_until"])
    assert not AgentAuthorization.objects.exists()
    # Within the cap: recorded, but only as a request the citizen must confirm.
    response = _post_as_agent(client, person, _days(300))
    authorization = AgentAuthorization.objects.get()
    assert response["Location"] == f"/accounts/authorizations/{authorization.pk}/code/"
    assert authorization.confirmed_at is None
    assert not _in_force(authorization, agent)
    assert active_authorization(agent=agent, citizen=person) is None
    # The citizen is told, on their registered phone, with the agent's name.
    [text] = _texts(settings, "13800002222")
    assert "请求代您办理" in text and str(agent) in text
    # The agent cannot start an application for the citizen, by page or service.
    assert (
        client.post(
            "/agent/new/",
            {
                "id_number": decrypt_id_number(person.applicant.id_number_encrypted),
                "full_name": person.applicant.full_name,
            },
        ).status_code
        == 403
    )
    with pytest.raises(PermissionDeniedError) as exc:
        application_create(
            user=agent,
            implementation=implementation,
            channel=c.IntakeChannel.AGENT,
            applicant=person,
            agent_authorization=authorization,
        )
    assert "尚未确认" in exc.value.detail
    assert not Application.objects.exists()


def test_an_application_filed_after_confirmation_stops_when_pending_again(
    settings, agent, person, hall_impl
):
    """The rule is one: pending (or revoked) is out of force for every check."""
    _hall, implementation = hall_impl
    authorization = _request(agent, person)
    authorizations.agent_authorization_confirm(
        authorization=authorization, citizen=person
    )
    assert _in_force(authorization, agent)
    application = application_create(
        user=agent,
        implementation=implementation,
        channel=c.IntakeChannel.AGENT,
        applicant=person,
        agent_authorization=authorization,
    )
    assert application.agent_authorization == authorization
    AgentAuthorization.objects.filter(pk=authorization.pk).update(
        confirmed_at=None, confirmed_via=""
    )
    assert not _in_force(authorization, agent)
    assert not Application.objects.visible_to(agent).filter(pk=application.pk).exists()


# --- the three ways into force -----------------------------------------------------


def test_the_code_the_citizen_reads_out_brings_it_into_force(settings, agent, person):
    authorization = _request(agent, person)
    code = _code_sent_to(settings, "13800002222")
    client = logged_in(agent)
    url = f"/accounts/authorizations/{authorization.pk}/code/"
    response = client.post(
        url, {"action": "confirm", "code": code}, REMOTE_ADDR=AGENT_IP
    )
    assert response.status_code == 302
    assert _in_force(authorization, agent)
    assert authorization.confirmed_via == c.AuthorizationConfirmation.SMS_CODE
    assert any("您已授权代办员" in t for t in _texts(settings, "13800002222"))


def test_the_citizen_confirms_or_declines_in_their_account(settings, agent, person):
    settings.OTP_RESEND_SECONDS = 0
    first = _request(agent, person)
    second = _request(agent, person, valid_until=_days(10))
    client = logged_in(person)
    page = client.get("/accounts/authorizations/").content.decode()
    assert "待委托人确认" in page and "拒绝" in page
    assert (
        client.post(f"/accounts/authorizations/{first.pk}/confirm/").status_code == 302
    )
    assert _in_force(first, agent)
    assert first.confirmed_via == c.AuthorizationConfirmation.ACCOUNT
    assert (
        client.post(f"/accounts/authorizations/{second.pk}/revoke/").status_code == 302
    )
    second.refresh_from_db()
    assert second.state_on(timezone.localdate()) == "declined"
    assert not _in_force(second, agent)
    # A declined request cannot be confirmed afterwards, by code or account.
    with pytest.raises(ServiceError) as exc:
        authorizations.agent_authorization_confirm(authorization=second, citizen=person)
    assert exc.value.code == "authorization_already_revoked"


def test_the_citizen_grants_from_their_account(settings, agent, person):
    client = logged_in(person)
    response = client.post(
        "/accounts/authorizations/grant/",
        {"agent_username": agent.username, "valid_until": _days(365).isoformat()},
    )
    assert response.status_code == 302
    authorization = AgentAuthorization.objects.get()
    assert _in_force(authorization, agent)
    assert authorization.recorded_by == person
    [text] = _texts(settings, "13800002222")
    assert "您已授权代办员" in text


def test_a_clerk_records_a_signed_paper_as_witness(settings, agent, person, hall):
    clerk = clerk_at(hall, "clerk-consent")
    client = logged_in(clerk)
    data = {
        "citizen_id_number": decrypt_id_number(person.applicant.id_number_encrypted),
        "citizen_full_name": "扎西",
        "agent_username": agent.username,
        "valid_until": _days(100).isoformat(),
        "witnessed": "on",
    }
    # Without the scan: refused.
    response = client.post("/counter/authorizations/new/", data)
    assert response.status_code == 400
    assert not AgentAuthorization.objects.exists()
    data["document"] = SimpleUploadedFile("签字授权书.pdf", PDF)
    response = client.post("/counter/authorizations/new/", data)
    assert response.status_code == 302
    authorization = AgentAuthorization.objects.get()
    assert _in_force(authorization, agent)
    assert authorization.witnessed_by == clerk
    assert authorization.confirmed_via == c.AuthorizationConfirmation.COUNTER_PAPER
    assert any("您已授权代办员" in t for t in _texts(settings, "13800002222"))


@pytest.mark.parametrize("who", ["agent", "citizen"])
def test_only_clerks_record_papers(who, agent, person):
    user = agent if who == "agent" else person
    assert logged_in(user).get("/counter/authorizations/new/").status_code == 403


def test_revocation_is_told_to_the_citizen(settings, agent, person):
    authorization = authorizations.agent_authorization_grant(
        citizen=person, agent=agent, valid_until=_days(30)
    )
    authorizations.agent_authorization_revoke(authorization=authorization, by=person)
    assert not _in_force(authorization, agent)
    assert any("的授权已撤销" in t for t in _texts(settings, "13800002222"))


# --- bad input --------------------------------------------------------------------


def test_a_code_for_another_citizen_proves_nothing(
    settings, agent, person, other_person
):
    mine = _request(agent, person)
    _request(agent, other_person)
    others_code = _code_sent_to(settings, "13900003333")
    with pytest.raises(ServiceError) as exc:
        authorizations.agent_authorization_confirm_code(
            authorization=mine, agent=agent, code=others_code, request_ip=AGENT_IP
        )
    assert exc.value.code == "code_invalid"
    assert not _in_force(mine, agent)


def test_a_code_works_once(settings, agent, person):
    authorization = _request(agent, person)
    code = _code_sent_to(settings, "13800002222")
    authorizations.agent_authorization_confirm_code(
        authorization=authorization, agent=agent, code=code, request_ip=AGENT_IP
    )
    authorizations.agent_authorization_revoke(authorization=authorization, by=person)
    with pytest.raises(ServiceError) as exc:
        authorizations.agent_authorization_confirm_code(
            authorization=authorization, agent=agent, code=code, request_ip=AGENT_IP
        )
    assert exc.value.code == "code_expired"
    assert not _in_force(authorization, agent)
    assert OneTimeCode.objects.get().used_at is not None


def test_an_expired_code_is_refused(settings, agent, person):
    authorization = _request(agent, person)
    code = _code_sent_to(settings, "13800002222")
    later = timezone.now() + dt.timedelta(
        minutes=settings.ONE_TIME_CODE_MINUTES, seconds=1
    )
    with time_machine.travel(later), pytest.raises(ServiceError) as exc:
        authorizations.agent_authorization_confirm_code(
            authorization=authorization, agent=agent, code=code, request_ip=AGENT_IP
        )
    assert exc.value.code == "code_expired"
    assert not _in_force(authorization, agent)


def test_a_newer_code_replaces_the_older(settings, agent, person):
    settings.OTP_RESEND_SECONDS = 0
    authorization = _request(agent, person)
    old = _code_sent_to(settings, "13800002222")
    authorizations.agent_authorization_send_code(
        authorization=authorization, agent=agent, request_ip=AGENT_IP
    )
    new = _code_sent_to(settings, "13800002222")
    if old != new:  # one in a million they are equal
        with pytest.raises(ServiceError):
            authorizations.agent_authorization_confirm_code(
                authorization=authorization, agent=agent, code=old, request_ip=AGENT_IP
            )
    authorizations.agent_authorization_confirm_code(
        authorization=authorization, agent=agent, code=new, request_ip=AGENT_IP
    )
    assert _in_force(authorization, agent)


@pytest.mark.parametrize("path", ["request", "grant", "paper"])
def test_validity_beyond_the_cap_is_refused(settings, path, agent, person, hall):
    clerk = clerk_at(hall, "clerk-cap")

    def make(valid_until):
        if path == "request":
            return _request(agent, person, valid_until=valid_until)
        if path == "grant":
            return authorizations.agent_authorization_grant(
                citizen=person, agent=agent, valid_until=valid_until
            )
        return authorizations.agent_authorization_record_paper(
            clerk=clerk,
            agent=agent,
            citizen=person,
            valid_until=valid_until,
            document=SimpleUploadedFile("a.pdf", PDF),
        )

    settings.OTP_RESEND_SECONDS = 0
    for too_far in (_days(366), dt.date(2099, 12, 31)):
        with pytest.raises(ServiceError) as exc:
            make(too_far)
        assert exc.value.code == "valid_until_too_far"
    assert not AgentAuthorization.objects.exists()
    assert make(_days(365)).valid_until == _days(365)
    settings.AGENT_AUTHORIZATION_MAX_DAYS = 30
    with pytest.raises(ServiceError) as exc:
        make(_days(31))
    assert exc.value.code == "valid_until_too_far"


def test_wrong_codes_kill_the_code_and_then_throttle(settings, agent, person):
    settings.OTP_VERIFY_ADDRESS_LIMIT = 7
    authorization = _request(agent, person)
    code = _code_sent_to(settings, "13800002222")
    wrong = "000000" if code != "000000" else "111111"
    client = logged_in(agent)
    url = f"/accounts/authorizations/{authorization.pk}/code/"
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        r = client.post(url, {"action": "confirm", "code": wrong}, REMOTE_ADDR=AGENT_IP)
        assert r.status_code == 200
    # Dead now: even the right code is refused.
    r = client.post(url, {"action": "confirm", "code": code}, REMOTE_ADDR=AGENT_IP)
    assert "验证码已失效" in r.content.decode()
    assert not _in_force(authorization, agent)
    # The address's budget of wrong codes: 429 with Retry-After.
    client.post(url, {"action": "confirm", "code": wrong}, REMOTE_ADDR=AGENT_IP)
    r = client.post(url, {"action": "confirm", "code": wrong}, REMOTE_ADDR=AGENT_IP)
    assert r.status_code == 429
    assert 0 < int(r["Retry-After"]) <= settings.OTP_VERIFY_WINDOW_SECONDS + 1


def test_codes_to_one_phone_are_throttled(settings, agent, person):
    authorization = _request(agent, person)
    client = logged_in(agent)
    url = f"/accounts/authorizations/{authorization.pk}/code/"
    r = client.post(url, {"action": "resend"}, REMOTE_ADDR=AGENT_IP)
    assert r.status_code == 429
    assert 0 < int(r["Retry-After"]) <= settings.OTP_RESEND_SECONDS + 1
    assert OneTimeCode.objects.count() == 1


def test_the_code_page_is_the_agents_own(agent, person, other_person):
    authorization = _request(agent, person)
    url = f"/accounts/authorizations/{authorization.pk}/code/"
    for user in (person, other_person, agent_user("agent-else")):
        assert logged_in(user).get(url).status_code == 404
    assert logged_in(agent).get(url).status_code == 200
    # And only the citizen confirms from an account.
    confirm = f"/accounts/authorizations/{authorization.pk}/confirm/"
    for user in (agent, other_person):
        logged_in(user).post(confirm)
    assert not _in_force(authorization, agent)


def test_codes_never_reach_a_log_nor_stay_in_the_outbox(
    settings, agent, person, caplog
):
    with caplog.at_level(logging.DEBUG):
        authorization = _request(agent, person)
        code = _code_sent_to(settings, "13800002222")
        authorizations.agent_authorization_confirm_code(
            authorization=authorization, agent=agent, code=code, request_ip=AGENT_IP
        )
    for record in caplog.records:
        text = record.getMessage()
        assert code not in text and "13800002222" not in text, text
    row = OneTimeCode.objects.get()
    assert code not in row.code_hash and code not in row.text_template
    code_message = OutboxMessage.objects.get(dedupe_key=f"otp:{row.pk}")
    assert code_message.body == ERASED_BODY
