"""The move of identity and outbox rows to people (applications.0003), on PostgreSQL.

Rows are written in the old state with the historical models, the database
migrates forward, and every row must be there after with its id, its
columns, its region (now a code), its subject (the outbox's application
now named) and every foreign key to and from it. Going back copies them
back.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from people.codes import make_credit_code
from people.models import ApplicantProfile, Enterprise, EnterpriseMember, OutboxMessage
from people.privacy import decrypt_id_number, make_id_number, stored_id_number_fields
from tests.factories import (
    UserFactory,
    ganzi_regions,
    implementation_for,
    published_version,
)

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("applications", "0002_hot_path_indexes"), ("people", None)]
OLD_TABLES = {
    "applications_applicantprofile",
    "applications_enterprise",
    "applications_enterprisemember",
    "applications_outboxmessage",
}
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    nodes = [t for t in targets if t[1] is not None]
    return MigrationExecutor(connection).loader.project_state(nodes).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_state():
    """The database before the move; put back to the latest state afterwards."""
    try:
        yield _migrate(BEFORE)
    finally:
        _migrate(_latest())


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _old_rows(apps):
    """Two people, two enterprises, their members, an application and messages."""
    regions = ganzi_regions()
    version = published_version()
    implementation = implementation_for(version)
    zhaxi = UserFactory(username="zhaxi")
    dolma = UserFactory(username="dolma")
    clerk = UserFactory(username="clerk")

    Profile = apps.get_model("applications", "ApplicantProfile")
    Enterprise_ = apps.get_model("applications", "Enterprise")
    Member = apps.get_model("applications", "EnterpriseMember")
    Application = apps.get_model("applications", "Application")
    Message = apps.get_model("applications", "OutboxMessage")
    zhaxi_id = make_id_number("51330119900101123")
    dolma_id = make_id_number("51332219850615224")
    profiles = [
        Profile.objects.create(
            user_id=zhaxi.pk,
            full_name="扎西",
            **stored_id_number_fields(zhaxi_id),
            phone="13800000001",
            email="zhaxi@example.cn",
            region_id=regions["513301"].pk,
        ),
        Profile.objects.create(
            user_id=dolma.pk,
            full_name="卓玛",
            **stored_id_number_fields(dolma_id),
            phone="13900000002",
            registered_by_id=clerk.pk,
        ),
    ]
    enterprises = [
        Enterprise_.objects.create(
            name="康定雪域高原餐饮有限公司",
            credit_code=make_credit_code("91513301MA6XK8YQ3"),
            legal_representative="扎西",
            region_id=regions["513301100"].pk,
            address="康定市炉城街道东大街18号",
        ),
        Enterprise_.objects.create(
            name="泸定红樱桃农业合作社",
            credit_code=make_credit_code("93513322MA0000000"),
            legal_representative="卓玛",
        ),
    ]
    members = [
        Member.objects.create(
            enterprise_id=enterprises[0].pk, user_id=zhaxi.pk, role="legal_rep"
        ),
        Member.objects.create(
            enterprise_id=enterprises[0].pk,
            user_id=dolma.pk,
            role="handler",
            added_by_id=zhaxi.pk,
            revoked_at=T0,
        ),
        Member.objects.create(
            enterprise_id=enterprises[1].pk, user_id=dolma.pk, role="legal_rep"
        ),
    ]
    application = Application.objects.create(
        number=f"{implementation.code}202603020001",
        query_code="K7Q2M9XP",
        implementation_id=implementation.pk,
        version_id=version.pk,
        applicant_id=zhaxi.pk,
        submitted_by_id=zhaxi.pk,
        applicant_kind="legal",
        enterprise_id=enterprises[0].pk,
        status="submitted",
        submitted_at=T0,
    )
    messages = [
        Message.objects.create(
            channel="sms",
            recipient="13800000001",
            subject="【甘孜州政务服务网】申请已提交",
            body="【甘孜州政务服务网】您好！",
            application_id=application.pk,
            dedupe_key=f"{application.pk}:submitted:1:sms:0",
            status="sent",
            attempts=1,
            next_attempt_at=T0,
            sent_at=T0 + dt.timedelta(seconds=2),
        ),
        Message.objects.create(
            channel="email",
            recipient="zhaxi@example.cn",
            subject="申请已提交",
            body="您好！",
            application_id=application.pk,
            dedupe_key=f"{application.pk}:submitted:1:email:0",
            status="pending",
            attempts=2,
            next_attempt_at=T0 + dt.timedelta(minutes=2),
            last_error="SMTPServerDisconnected: gone",
        ),
        Message.objects.create(
            channel="sms",
            recipient="13900000002",
            body="about nothing in particular",
            dedupe_key="test:no-application",
            status="failed",
            attempts=8,
            next_attempt_at=T0,
        ),
    ]
    return {
        "regions": regions,
        "users": (zhaxi, dolma, clerk),
        "ids": (zhaxi_id, dolma_id),
        "profiles": profiles,
        "enterprises": enterprises,
        "members": members,
        "application": application,
        "messages": messages,
    }


def _fields(row, *names):
    return {name: getattr(row, name) for name in names}


PROFILE_FIELDS = (
    "pk",
    "user_id",
    "full_name",
    "id_number_hash",
    "id_number_masked",
    "id_number_encrypted",
    "birth_date",
    "phone",
    "email",
    "registered_by_id",
    "created_at",
)
ENTERPRISE_FIELDS = (
    "pk",
    "name",
    "credit_code",
    "legal_representative",
    "address",
    "created_at",
)
MEMBER_FIELDS = (
    "pk",
    "enterprise_id",
    "user_id",
    "role",
    "added_by_id",
    "added_at",
    "revoked_at",
)
MESSAGE_FIELDS = (
    "pk",
    "channel",
    "recipient",
    "subject",
    "body",
    "dedupe_key",
    "status",
    "attempts",
    "next_attempt_at",
    "sent_at",
    "last_error",
    "created_at",
)


def test_rows_move_with_their_ids_regions_subjects_and_keys(old_state):
    old = _old_rows(old_state)
    assert _tables() >= OLD_TABLES

    _migrate(_latest())

    assert not OLD_TABLES & _tables()
    regions = old["regions"]
    zhaxi, dolma, _ = old["users"]

    # Profiles: every column, the region as its code, the number still opens.
    got = list(ApplicantProfile.objects.order_by("pk"))
    assert [_fields(p, *PROFILE_FIELDS) for p in got] == [
        _fields(p, *PROFILE_FIELDS) for p in old["profiles"]
    ]
    assert [p.region_code for p in got] == [regions["513301"].code, ""]
    assert decrypt_id_number(got[0].id_number_encrypted) == old["ids"][0]
    assert zhaxi.__class__.objects.get(pk=zhaxi.pk).applicant == got[0]

    # Enterprises and members, with their foreign keys.
    got_e = list(Enterprise.objects.order_by("pk"))
    assert [_fields(e, *ENTERPRISE_FIELDS) for e in got_e] == [
        _fields(e, *ENTERPRISE_FIELDS) for e in old["enterprises"]
    ]
    assert [e.region_code for e in got_e] == ["513301100", ""]
    got_m = list(EnterpriseMember.objects.order_by("pk"))
    assert [_fields(m, *MEMBER_FIELDS) for m in got_m] == [
        _fields(m, *MEMBER_FIELDS) for m in old["members"]
    ]
    assert {m.user for m in got_e[0].members.all()} == {zhaxi, dolma}

    # The application now points at people.Enterprise, same row.
    from applications.models import Application

    application = Application.objects.get(pk=old["application"].pk)
    assert application.enterprise == got_e[0]
    assert list(got_e[0].applications.all()) == [application]

    # Messages: the application became their subject, its number the reference.
    got_o = list(OutboxMessage.objects.order_by("pk"))
    assert [_fields(o, *MESSAGE_FIELDS) for o in got_o] == [
        _fields(o, *MESSAGE_FIELDS) for o in old["messages"]
    ]
    assert [(o.subject_type, o.subject_id, o.reference) for o in got_o] == [
        ("applications.application", str(application.pk), application.number),
        ("applications.application", str(application.pk), application.number),
        ("", "", ""),
    ]
    assert all(o.attempted_at is None for o in got_o)
    assert list(OutboxMessage.objects.about(application).order_by("pk")) == got_o[:2]

    # The sequences moved past the copied ids: new rows do not collide.
    newer = OutboxMessage.objects.create(
        channel="sms",
        recipient="13800000001",
        body="x",
        dedupe_key="test:after-move",
        next_attempt_at=timezone.now(),
    )
    assert newer.pk > max(o.pk for o in got_o)
    assert Enterprise.objects.create(
        name="新企业",
        credit_code=make_credit_code("91513301MA0000001"),
        legal_representative="x",
    ).pk > max(e.pk for e in got_e)


def test_going_back_copies_the_rows_back(old_state):
    old = _old_rows(old_state)
    _migrate(_latest())
    apps = _migrate(BEFORE)

    Profile = apps.get_model("applications", "ApplicantProfile")
    Enterprise_ = apps.get_model("applications", "Enterprise")
    Member = apps.get_model("applications", "EnterpriseMember")
    Message = apps.get_model("applications", "OutboxMessage")
    Application = apps.get_model("applications", "Application")
    assert [
        _fields(p, *PROFILE_FIELDS, "region_id") for p in Profile.objects.order_by("pk")
    ] == [_fields(p, *PROFILE_FIELDS, "region_id") for p in old["profiles"]]
    assert [
        _fields(e, *ENTERPRISE_FIELDS, "region_id")
        for e in Enterprise_.objects.order_by("pk")
    ] == [_fields(e, *ENTERPRISE_FIELDS, "region_id") for e in old["enterprises"]]
    assert [_fields(m, *MEMBER_FIELDS) for m in Member.objects.order_by("pk")] == [
        _fields(m, *MEMBER_FIELDS) for m in old["members"]
    ]
    assert [
        _fields(o, *MESSAGE_FIELDS, "application_id")
        for o in Message.objects.order_by("pk")
    ] == [_fields(o, *MESSAGE_FIELDS, "application_id") for o in old["messages"]]
    assert (
        Application.objects.get(pk=old["application"].pk).enterprise_id
        == old["enterprises"][0].pk
    )
