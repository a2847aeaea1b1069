"""A small world of people and applications for the QA tests.

Two halls, two citizens, a clerk at each hall, an authorised agent and one
without authorisation, and applications in every state the object URLs need.

The world is built once per test module (tests/shared_data.py); each test
gets its own copies of its objects and of its uploaded files. (Built for
every test, it was most of the QA tests' time: test_request_limits alone
asked for it for each of about a hundred API URLs.)
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from applications import constants as c
from applications.models import AgentAuthorization, Application
from applications.services.acceptance import (
    application_accept,
    application_request_supplement,
)
from applications.services.drafts import application_create
from applications.services.materials import application_provide_material
from applications.services.submission import application_submit
from people.codes import make_credit_code
from people.constants import EnterpriseRole
from people.models import Enterprise, EnterpriseMember
from portal.models import User
from tests.applications.factories import (
    GOOD_FORM,
    ApplicationFactory,
    agent_user,
    applicable_version,
    authorization,
    citizen,
    clerk_at,
    fill_materials,
    hall_and_implementation,
    upload,
)
from tests.factories import RegionFactory, ServiceHallFactory, UserFactory
from tests.shared_data import built_for_module, fresh


@pytest.fixture(autouse=True)
def _sms_to_file(settings, tmp_path):
    settings.SMS_BACKEND = "people.outbox.backends.FileSmsBackend"
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    apps: dict[str, Application] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The module's world and the folders its files went to (tests/shared_data.py)."""
    media = tmp_path_factory.mktemp("qa-world-media")
    keys = tmp_path_factory.mktemp("qa-world-keys")
    for built in built_for_module(
        django_db_blocker,
        _build_world,
        MEDIA_ROOT=media,
        EVIDENCE_KEY_DIR=keys,
        EVIDENCE_SIGNING_KEYS="",
        NOTIFY_FILE_DIR=tmp_path_factory.mktemp("qa-world-notify"),
        SMS_BACKEND="people.outbox.backends.FileSmsBackend",
    ):
        yield built, media, keys


@pytest.fixture
def world(_module_world, db, settings) -> World:
    """The module's world for one test: fresh copies of its objects (a test
    may change them; the rows go back with the test's savepoint) and of its
    files in the test's own MEDIA_ROOT."""
    built, media, keys = _module_world
    shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    shutil.copytree(keys, settings.EVIDENCE_KEY_DIR, dirs_exist_ok=True)
    return fresh(built)


def _build_world() -> World:
    version = applicable_version()
    hall1, impl1 = hall_and_implementation(version)
    hall2 = ServiceHallFactory(
        name="泸定县政务服务中心", region=RegionFactory(code="513322", name="泸定县")
    )
    _, impl2 = hall_and_implementation(version, hall=hall2)
    a = citizen("citizen-a", full_name="扎西")
    b = citizen("citizen-b", full_name="卓玛")
    agent = agent_user("agent")
    other_agent = agent_user("agent-2")
    clerk1 = clerk_at(hall1, "clerk-1")
    clerk2 = clerk_at(hall2, "clerk-2")
    nobody = UserFactory(username="nobody")

    auth_a = authorization(agent=agent, citizen=a)
    enterprise = Enterprise.objects.create(
        name="康定雪域餐饮有限公司",
        credit_code=make_credit_code("91513301MA6" + "2A0001"),
        legal_representative="扎西",
    )
    EnterpriseMember.objects.create(
        enterprise=enterprise,
        user=a,
        role=EnterpriseRole.LEGAL_REPRESENTATIVE,
        added_at=timezone.now(),
    )

    revoked_agent = agent_user("agent-revoked")
    expired_agent = agent_user("agent-expired")
    lapsed = {}
    for who, lapsed_agent in (("revoked", revoked_agent), ("expired", expired_agent)):
        grant = authorization(agent=lapsed_agent, citizen=a)
        lapsed.update(_agent_filed(who, lapsed_agent, grant, impl1, clerk1))
    # Then the citizen revokes one authorisation and the other runs out.
    AgentAuthorization.objects.filter(agent=revoked_agent).update(
        revoked_at=timezone.now(), revoked_by=a
    )
    AgentAuthorization.objects.filter(agent=expired_agent).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    # A file the citizen uploads after the revocation (the supplement asked
    # for) must stay out of the former agent's reach too.
    for key in ("revoked_supplement", "expired_supplement"):
        row = lapsed[key].materials.select_related("material").first()
        application_provide_material(
            application=lapsed[key],
            user=a,
            material=row.material,
            provision=c.Provision.UPLOAD,
            file=upload("补正材料.pdf"),
        )

    apps = {
        **lapsed,
        "a_submitted": ApplicationFactory(
            submitted=True, implementation=impl1, applicant=a
        ),
        "a_draft": ApplicationFactory(implementation=impl1, applicant=a),
        "a_supplement": ApplicationFactory(
            supplement=True, implementation=impl1, applicant=a, clerk=clerk1
        ),
        "a_refused": ApplicationFactory(
            refused=True, implementation=impl1, applicant=a, clerk=clerk1
        ),
        "a_accepted": ApplicationFactory(
            accepted=True, implementation=impl1, applicant=a, clerk=clerk1
        ),
        "b_submitted": ApplicationFactory(
            submitted=True, implementation=impl2, applicant=b
        ),
        "b_draft": ApplicationFactory(implementation=impl2, applicant=b),
        "agent_draft": application_create(
            user=agent,
            implementation=impl1,
            channel=c.IntakeChannel.AGENT,
            agent_authorization=auth_a,
            form_data=dict(GOOD_FORM),
        ),
        "counter1_draft": application_create(
            user=clerk1,
            applicant=a,
            implementation=impl1,
            channel=c.IntakeChannel.COUNTER,
            form_data=dict(GOOD_FORM),
        ),
        "counter2_draft": application_create(
            user=clerk2,
            applicant=b,
            implementation=impl2,
            channel=c.IntakeChannel.COUNTER,
            form_data=dict(GOOD_FORM),
        ),
    }
    return World(
        users={
            "a": a,
            "b": b,
            "agent": agent,
            "other_agent": other_agent,
            "clerk1": clerk1,
            "clerk2": clerk2,
            "nobody": nobody,
            "revoked_agent": revoked_agent,
            "expired_agent": expired_agent,
        },
        apps=apps,
        objects={
            "version": version,
            "impl1": impl1,
            "impl2": impl2,
            "hall1": hall1,
            "hall2": hall2,
            "auth_a": auth_a,
            "enterprise": enterprise,
        },
    )


def _agent_filed(prefix: str, agent, grant, implementation, clerk) -> dict:
    """An agent's draft, submitted, supplement-requested and accepted cases."""
    out = {}
    for stage in ("draft", "submitted", "supplement", "accepted"):
        app = application_create(
            user=agent,
            implementation=implementation,
            channel=c.IntakeChannel.AGENT,
            agent_authorization=grant,
            form_data=dict(GOOD_FORM),
        )
        if stage != "draft":
            fill_materials(app, agent)
            app = application_submit(application=app, user=agent)
        if stage == "accepted":
            app = application_accept(application=app, clerk=clerk)
        if stage == "supplement":
            first = app.materials.select_related("material").first()
            application_request_supplement(
                application=app,
                clerk=clerk,
                items=[{"material_id": first.material_id, "problem": "照片不清晰"}],
            )
            app.refresh_from_db()
        out[f"{prefix}_{stage}"] = app
    return out


@pytest.fixture
def sample(db):
    """The public pages' sample catalog (普通护照签发 and friends)."""
    from tests.web.data import build_sample

    return build_sample()
