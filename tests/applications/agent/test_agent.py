"""Agent intake (代办): with an authorisation only, own cases only, revocable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications import constants as c
from applications.models import AgentAuthorization, Application
from applications.services.drafts import application_create, application_save_draft
from applications.services.submission import application_submit
from people.privacy import decrypt_id_number, make_id_number
from portal.errors import PermissionDeniedError
from portal.roles import Role
from tests.applications.counter.helpers import (
    ITEM_NAME,
    apply_form_data,
    logged_in,
    provide_all,
    token,
    wrong_check_digit,
)
from tests.applications.factories import (
    GOOD_FORM,
    ApplicationFactory,
    applicable_version,
    authorization,
    hall_and_implementation,
)
from tests.factories import RegionFactory, ServiceHallFactory, ganzi_regions, staff

pytestmark = pytest.mark.django_db
S = c.ApplicationStatus
NEW_AUTH = "/accounts/authorizations/new/"


def _id_number(user) -> str:

    return decrypt_id_number(user.applicant.id_number_encrypted)


def find(client, citizen, name=None):
    return client.post(
        "/agent/new/",
        {
            "id_number": _id_number(citizen),
            "full_name": name or citizen.applicant.full_name,
        },
    )


def start_draft(client, implementation) -> Application:
    start = f"/agent/new/{implementation.code}/"
    r = client.get(start)
    assert r.status_code == 200, r.content.decode()[:500]
    r = client.post(start, {**apply_form_data(), "token": token(r.content.decode())})
    application = Application.objects.latest("pk")
    assert r["Location"] == f"/agent/applications/{application.pk}/materials/"
    return application


def test_agent_applies_for_a_citizen_with_an_authorisation(
    agent, applicant, implementation, hall, clerk
):
    grant = authorization(agent=agent, citizen=applicant, item=implementation.item)
    client = logged_in(agent)
    assert client.get("/agent/").status_code == 200
    r = find(client, applicant)
    assert r.status_code == 302 and r["Location"] == "/agent/new/items/"
    html = client.get("/agent/new/items/", {"q": "食品"}).content.decode()
    assert ITEM_NAME in html and "已授权" in html

    application = start_draft(client, implementation)
    assert application.channel == c.IntakeChannel.AGENT
    assert application.applicant == applicant and application.submitted_by == agent
    assert application.agent_authorization == grant
    assert application.hall == hall

    provide_all(client, f"/agent/applications/{application.pk}/materials/", application)
    r = client.get(f"/agent/applications/{application.pk}/submit/")
    r = client.post(
        f"/agent/applications/{application.pk}/submit/",
        {"token": token(r.content.decode())},
    )
    assert r["Location"] == f"/agent/applications/{application.pk}/"
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    html = client.get(r["Location"]).content.decode()
    assert application.number in html and application.query_code in html

    # The citizen sees it in 我的办件, with who applied and the way to revoke.
    citizen = logged_in(applicant)
    assert application.number in citizen.get("/my/applications/").content.decode()
    html = citizen.get(f"/my/applications/{application.pk}/").content.decode()
    assert "代为申请" in html and "/accounts/authorizations/" in html
    # The hall's clerk has it in the queue.
    assert application.number in logged_in(clerk).get("/counter/").content.decode()


def test_citizen_without_any_authorisation_is_refused_with_a_way_forward(
    agent, applicant, implementation
):
    client = logged_in(agent)
    r = find(client, applicant)
    html = r.content.decode()
    assert r.status_code == 403
    assert "没有给您有效的代办授权" in html and NEW_AUTH in html
    # Going straight to an item does not help: no citizen was chosen.
    r = client.get(f"/agent/new/{implementation.code}/")
    assert r.status_code == 302 and r["Location"] == "/agent/new/"
    assert not Application.objects.exists()


def test_authorisation_for_another_item_does_not_cover_this_one(
    agent, applicant, implementation
):
    other_item = applicable_version(item__name="其他事项").item
    authorization(agent=agent, citizen=applicant, item=other_item)
    client = logged_in(agent)
    assert find(client, applicant).status_code == 302
    html = client.get("/agent/new/items/").content.decode()
    assert "未授权" in html
    start = f"/agent/new/{implementation.code}/"
    r = client.get(start)
    assert r.status_code == 403
    assert ITEM_NAME in r.content.decode() and NEW_AUTH in r.content.decode()
    r = client.post(start, {**apply_form_data(), "token": "t1"})
    assert r.status_code == 403
    assert not Application.objects.exists()


def test_after_revocation_the_agent_can_start_nothing_new(
    agent, applicant, implementation
):
    grant = authorization(agent=agent, citizen=applicant)
    client = logged_in(agent)
    find(client, applicant)
    draft = start_draft(client, implementation)

    # The citizen revokes on their authorisations page.
    citizen = logged_in(applicant)
    html = citizen.get("/accounts/authorizations/").content.decode()
    assert f"/accounts/authorizations/{grant.pk}/revoke/" in html
    r = citizen.post(f"/accounts/authorizations/{grant.pk}/revoke/")
    assert r.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None

    # No new application ...
    r = client.get(f"/agent/new/{implementation.code}/")
    assert r.status_code == 403 and NEW_AUTH in r.content.decode()
    r = client.post(
        f"/agent/new/{implementation.code}/", {**apply_form_data(), "token": "t2"}
    )
    assert r.status_code == 403
    assert find(client, applicant).status_code == 403
    assert Application.objects.count() == 1
    # ... and the draft already started is out of the agent's hands too: the
    # revoked authorisation leaves the agent the list entry (item, state) and
    # nothing else (issue 7 item 1; it used to show the case with its form).
    for url in ("", "form/", "materials/"):
        r = client.get(f"/agent/applications/{draft.pk}/{url}")
        assert r.status_code == 404, url
    html = client.get("/agent/").content.decode()
    assert "授权已撤销或已过期" in html and ITEM_NAME in html
    assert f"/agent/applications/{draft.pk}/" not in html
    assert applicant.applicant.full_name[0] not in html.split("我代办的办件")[1]
    with pytest.raises(PermissionDeniedError) as exc:
        application_save_draft(application=draft, user=agent, form_data={})
    assert exc.value.code == "agent_not_authorized"
    with pytest.raises(PermissionDeniedError):
        application_submit(application=draft, user=agent)
    form_data = draft.form_data
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.form_data == form_data != {}
    # The citizen still sees it and may go on themself.
    assert logged_in(applicant).get(f"/my/applications/{draft.pk}/").status_code == 200
    application_save_draft(application=draft, user=applicant, form_data=GOOD_FORM)


def test_agent_sees_only_their_own_cases(
    agent,
    other_agent,
    applicant,
    other_citizen,
    implementation,
    django_assert_num_queries,
):
    authorization(agent=agent, citizen=applicant)
    authorization(agent=other_agent, citizen=other_citizen)
    mine = application_create(
        user=agent,
        implementation=implementation,
        channel=c.IntakeChannel.AGENT,
        applicant=applicant,
        form_data=GOOD_FORM,
    )
    theirs = application_create(
        user=other_agent,
        implementation=implementation,
        channel=c.IntakeChannel.AGENT,
        applicant=other_citizen,
        form_data=GOOD_FORM,
    )
    online = ApplicationFactory(implementation=implementation, applicant=applicant)
    client = logged_in(agent)
    html = client.get("/agent/").content.decode()
    assert f"/agent/applications/{mine.pk}/" in html
    assert f"/agent/applications/{theirs.pk}/" not in html
    assert f"/agent/applications/{online.pk}/" not in html
    for url in (
        f"/agent/applications/{theirs.pk}/",
        f"/agent/applications/{theirs.pk}/materials/",
        f"/agent/applications/{theirs.pk}/submit/",
        f"/my/applications/{theirs.pk}/",
        f"/agent/applications/{online.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    r = client.post(
        f"/agent/applications/{theirs.pk}/form/", {**GOOD_FORM, "action": "save"}
    )
    assert r.status_code == 404

    # The list's query count does not grow with the number of cases.
    with CaptureQueriesContext(connection) as one:
        client.get("/agent/")
    for _ in range(3):
        application_create(
            user=agent,
            implementation=implementation,
            channel=c.IntakeChannel.AGENT,
            applicant=applicant,
            form_data=GOOD_FORM,
        )
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get("/agent/").content.decode()
    assert html.count("/agent/applications/") == 4


@pytest.mark.parametrize(
    ("id_number", "name", "message"),
    [
        ("wrong-check", None, "身份证号码校验位错误"),
        ("ok", "卓玛", "未找到与该身份证号码和姓名相符的申请人"),
        (make_id_number("51330119900101999"), None, "未找到与该身份证号码和姓名相符"),
    ],
)
def test_citizen_lookup_needs_a_valid_number_and_matching_name(
    agent, applicant, id_number, name, message
):
    authorization(agent=agent, citizen=applicant)
    number = _id_number(applicant)
    if id_number == "wrong-check":
        id_number = wrong_check_digit(number)
    elif id_number == "ok":
        id_number = number
    r = logged_in(agent).post(
        "/agent/new/",
        {"id_number": id_number, "full_name": name or applicant.applicant.full_name},
    )
    assert r.status_code == 400 and message in r.content.decode()


@pytest.mark.parametrize("who", ["citizen", "clerk"])
def test_the_desk_is_for_agents_only(who, applicant, clerk, implementation):
    client = logged_in(applicant if who == "citizen" else clerk)
    for url in ("/agent/", "/agent/new/", "/agent/new/items/"):
        assert client.get(url).status_code == 403, url


def test_an_agent_in_a_township_sees_its_countys_items(
    applicant, implementation, version
):

    regions = ganzi_regions()
    agent = staff("agent-town", Role.AGENT, region=regions["513301100"])
    luding = RegionFactory(code="513322", name="泸定县")
    hall_and_implementation(
        applicable_version(item__name="泸定县事项"),
        hall=ServiceHallFactory(region=luding),
        region=luding,
    )
    authorization(agent=agent, citizen=applicant)
    client = logged_in(agent)
    find(client, applicant)
    html = client.get("/agent/new/items/").content.decode()
    assert ITEM_NAME in html and "泸定县事项" not in html
    assert AgentAuthorization.objects.count() == 1
