"""Who sees which application: in the API, in the UI, and their files."""

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from applications import constants as c
from applications.services.drafts import application_create
from applications.services.materials import application_provide_material
from people.codes import make_credit_code
from people.models import Enterprise, EnterpriseMember
from tests.applications.factories import (
    GOOD_FORM,
    ApplicationFactory,
    agent_user,
    authorization,
    citizen,
    clerk_at,
    hall_and_implementation,
    upload,
)
from tests.factories import RegionFactory, ServiceHallFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(version):
    hall1, impl1 = hall_and_implementation(version)
    hall2 = ServiceHallFactory(
        name="泸定县政务服务中心", region=RegionFactory(code="513322", name="泸定县")
    )
    _, impl2 = hall_and_implementation(version, hall=hall2)
    a = citizen("citizen-a", full_name="扎西")
    b = citizen("citizen-b", full_name="卓玛")
    agent = agent_user("agent")
    clerk1 = clerk_at(hall1, "clerk-1")
    clerk2 = clerk_at(hall2, "clerk-2")
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    nobody = UserFactory(username="nobody")

    app_a = ApplicationFactory(submitted=True, implementation=impl1, applicant=a)
    app_b = ApplicationFactory(submitted=True, implementation=impl2, applicant=b)
    app_agent = application_create(
        user=agent,
        implementation=impl1,
        channel=c.IntakeChannel.AGENT,
        agent_authorization=authorization(agent=agent, citizen=a),
        form_data=GOOD_FORM,
    )
    material = app_a.materials.select_related("material").first()
    file_a = material.files.first()
    apps = {"a": app_a, "b": app_b, "agent": app_agent}
    users = {
        "citizen": a,
        "other_citizen": b,
        "clerk_other_hall": clerk2,
        "clerk_same_hall": clerk1,
        "agent": agent,
        "superuser": root,
        "nobody": nobody,
    }
    return apps, users, file_a


EXPECTED = {
    "citizen": {"a", "agent"},
    "other_citizen": {"b"},
    "clerk_other_hall": {"b"},
    # The agent's application is still a draft: not the hall's work yet.
    "clerk_same_hall": {"a"},
    "agent": {"agent"},
    "superuser": {"a", "b", "agent"},
    "nobody": set(),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_api_visibility(world, who):
    apps, users, _ = world
    client = APIClient()
    client.force_authenticate(users[who])
    r = client.get("/api/v1/applications/")
    assert r.status_code == 200
    listed = {row["id"] for row in r.json()["results"]}
    assert listed == {apps[k].pk for k in EXPECTED[who]}
    for key, app in apps.items():
        r = client.get(f"/api/v1/applications/{app.pk}/")
        expected = 200 if key in EXPECTED[who] else 404
        assert r.status_code == expected, (who, key)
        if expected == 404:
            assert r.json()["code"] == "application_not_found"
        r = client.post(f"/api/v1/applications/{app.pk}/submit/")
        if key not in EXPECTED[who]:
            assert r.status_code == 404, (who, key)


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_ui_visibility(world, who):
    apps, users, file_a = world
    client = Client()
    client.force_login(users[who])
    page = client.get("/my/applications/").content.decode()
    for key, app in apps.items():
        link = f"/my/applications/{app.pk}/"
        form_link = f"/my/applications/{app.pk}/form/"
        shown = link in page or form_link in page
        assert shown == (key in EXPECTED[who]), (who, key)
        r = client.get(link)
        assert r.status_code == (200 if key in EXPECTED[who] else 404), (who, key)
        r = client.get(f"/my/applications/{app.pk}/materials/")
        if key not in EXPECTED[who]:
            assert r.status_code == 404
    r = client.get(f"/files/{file_a.pk}/")
    assert r.status_code == (200 if "a" in EXPECTED[who] else 404), who


def test_anonymous_sees_nothing(world):
    apps, _, file_a = world
    assert APIClient().get("/api/v1/applications/").status_code == 401
    assert APIClient().get(f"/api/v1/applications/{apps['a'].pk}/").status_code == 401
    r = Client().get(f"/my/applications/{apps['a'].pk}/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert Client().get(f"/files/{file_a.pk}/").status_code == 302


def test_clerk_cannot_edit_an_online_application_of_their_hall(world):
    apps, users, _ = world
    client = APIClient()
    client.force_authenticate(users["clerk_same_hall"])
    # Someone else's draft is invisible to the clerk...
    r = client.patch(
        f"/api/v1/applications/{apps['agent'].pk}/",
        {"form_data": {}},
        format="json",
    )
    assert r.status_code == 404
    # ...and a submitted one of their hall is visible but not theirs to edit.
    r = client.patch(
        f"/api/v1/applications/{apps['a'].pk}/",
        {"form_data": {}},
        format="json",
    )
    assert r.status_code == 403 and r.json()["code"] == "not_application_editor"


def test_enterprise_members_see_the_enterprise_applications(version):
    _, impl = hall_and_implementation(version)
    from catalog import constants as cc
    from catalog.models import ServiceItemVersion

    ServiceItemVersion.objects.filter(pk=version.pk).update(
        served_parties=[cc.ServedParty.NATURAL, cc.ServedParty.LEGAL]
    )
    enterprise = Enterprise.objects.create(
        name="康定高原牧业有限公司",
        credit_code=make_credit_code("91513301MA0000001"),
        legal_representative="扎西",
    )
    handler = citizen("handler")
    colleague = citizen("colleague")
    former = citizen("former")
    for user, revoked in ((handler, None), (colleague, None), (former, timezone.now())):
        EnterpriseMember.objects.create(
            enterprise=enterprise, user=user, role="handler", revoked_at=revoked
        )
    app = application_create(
        user=handler,
        implementation=impl,
        channel=c.IntakeChannel.ONLINE,
        enterprise=enterprise,
    )
    assert app.applicant_kind == c.ApplicantKind.LEGAL
    for user, visible in ((handler, True), (colleague, True), (former, False)):
        client = APIClient()
        client.force_authenticate(user)
        r = client.get(f"/api/v1/applications/{app.pk}/")
        assert r.status_code == (200 if visible else 404)
    # A revoked member cannot apply in the enterprise's name either.
    from portal.errors import ServiceError

    with pytest.raises(ServiceError) as exc:
        application_create(
            user=former,
            implementation=impl,
            channel=c.IntakeChannel.ONLINE,
            enterprise=enterprise,
        )
    assert exc.value.code == "enterprise_member_required"


def test_agent_sees_only_cases_they_submitted(world):
    apps, users, _ = world
    other_agent = agent_user("agent-2")
    client = APIClient()
    client.force_authenticate(other_agent)
    r = client.get("/api/v1/applications/")
    assert r.json()["count"] == 0
    assert client.get(f"/api/v1/applications/{apps['agent'].pk}/").status_code == 404
    # The agent uploads for their case; the citizen sees the file.
    agent = users["agent"]
    material = apps["agent"].materials.first().material
    row = application_provide_material(
        application=apps["agent"],
        user=agent,
        material=material,
        provision=c.Provision.UPLOAD,
        file=upload("身份证.pdf"),
    )
    file_id = row.files.get().pk
    citizen_client = Client()
    citizen_client.force_login(users["citizen"])
    assert citizen_client.get(f"/files/{file_id}/").status_code == 200
    stranger = Client()
    stranger.force_login(users["other_citizen"])
    assert stranger.get(f"/files/{file_id}/").status_code == 404


def test_a_citizens_online_draft_is_not_shown_to_the_halls_clerk():
    from applications import constants as ac
    from applications.selectors import application_list_for_user
    from applications.services.drafts import application_save_draft
    from applications.services.submission import application_submit
    from tests.applications.factories import citizen as make_citizen
    from tests.applications.factories import clerk_at as make_clerk
    from tests.applications.factories import (
        fill_materials as fill,
    )
    from tests.applications.factories import (
        hall_and_implementation as hall_impl,
    )

    hall, implementation = hall_impl()
    owner = make_citizen("draft-owner", full_name="卓玛")
    desk_clerk = make_clerk(hall, "draft-clerk")
    draft = application_create(
        user=owner, implementation=implementation, channel=ac.IntakeChannel.ONLINE
    )
    assert draft.hall_id == hall.pk
    assert not application_list_for_user(user=desk_clerk).filter(pk=draft.pk).exists()
    # Once submitted it is the hall's work.
    application_save_draft(application=draft, user=owner, form_data=GOOD_FORM)
    fill(draft, owner)
    application_submit(application=draft, user=owner)
    assert application_list_for_user(user=desk_clerk).filter(pk=draft.pk).exists()


# --- the authorisation-in-force rule: predicate and filter agree -------------------


def test_authorisation_rule_predicate_and_filter_agree(db):
    import datetime as dt

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from applications.models import AgentAuthorization
    from applications.visibility import (
        authorization_in_force,
        authorization_in_force_q,
    )
    from portal.roles import Role
    from tests.applications.factories import agent_user, authorization, citizen

    agent = agent_user("rule-agent")
    other = agent_user("rule-other")
    person = citizen("rule-citizen")
    cases_ = {
        "valid": authorization(agent=agent, citizen=person),
        "revoked": authorization(agent=agent, citizen=person, revoked=True),
        "expired": authorization(agent=agent, citizen=person, days=-1),
        "today": authorization(agent=agent, citizen=person, days=0),
        "someone_else": authorization(agent=other, citizen=person),
    }
    expected = {"valid": True, "revoked": False, "expired": False, "today": True}
    expected["someone_else"] = False
    in_db = set(
        AgentAuthorization.objects.filter(
            authorization_in_force_q(agent=agent)
        ).values_list("pk", flat=True)
    )
    for name, auth in cases_.items():
        assert authorization_in_force(auth, agent=agent) is expected[name], name
        assert (auth.pk in in_db) is expected[name], name
    # The last day counts until local midnight; the day after it does not.
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with time_machine_travel(tomorrow):
        assert not authorization_in_force(cases_["today"], agent=agent)
        assert not AgentAuthorization.objects.filter(
            authorization_in_force_q(agent=agent), pk=cases_["today"].pk
        ).exists()
    # Taking the role away ends every authorisation, for both forms.
    agent.groups.remove(Group.objects.get(name=Role.AGENT))
    fresh = type(agent).objects.get(pk=agent.pk)
    assert not authorization_in_force(cases_["valid"], agent=fresh)
    assert not AgentAuthorization.objects.filter(
        authorization_in_force_q(agent=fresh)
    ).exists()


def time_machine_travel(when):
    import time_machine

    return time_machine.travel(when, tick=False)
