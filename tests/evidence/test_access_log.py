"""Sharing rules, staff reads (granted and refused, each logged) and "who read my data"."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.test import Client
from rest_framework.test import APIClient

from applications import constants as c
from applications import hooks
from applications.certificates import access_log_for_user, staff_certificate_read
from applications.models import ApplicationMaterial
from applications.services.drafts import application_create
from applications.services.materials import (
    application_provide_material,
    uploaded_file_record_access,
)
from evidence.models import AccessLogEntry, SharingRule
from tests.applications.factories import applicable_version
from tests.factories import implementation_for, staff
from tests.people.factories import applicant

from .factories import CITIZEN_ID, cert_type, department_with_key, license_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    citizen = applicant("holder-1", first17=CITIZEN_ID[:17])
    t = cert_type("003", "居民户口簿", "natural", schema={})
    dep = department_with_key()
    cert = license_for(
        issuer=dep, holder_number=CITIZEN_ID, holder_name="扎西", t=t, data={}
    )
    reviewer_dep = department_with_key()
    reviewer = staff("rev-a", "reviewer", department=reviewer_dep)
    return citizen, t, cert, reviewer, reviewer_dep


def test_reviewer_without_rule_or_task_gets_404_and_is_logged(world):
    citizen, _, cert, reviewer, _ = world
    web = Client()
    web.force_login(reviewer)
    assert web.get(f"/staff/certificates/{cert.identifier}/").status_code == 404
    log = AccessLogEntry.objects.get()
    assert (log.reader, log.outcome, log.purpose) == (
        reviewer,
        "refused",
        "sharing_rule",
    )
    rows = access_log_for_user(user=citizen)
    assert len(rows) == 1 and rows[0].refused
    # An unknown identifier: 404, nothing to log (no holder).
    wrong = cert.identifier[:-1] + ("1" if cert.identifier[-1] == "0" else "0")
    assert web.get(f"/staff/certificates/{wrong}/").status_code == 404
    assert AccessLogEntry.objects.count() == 1


def test_sharing_rule_grants_and_logs(world):
    citizen, t, cert, reviewer, reviewer_dep = world
    SharingRule.objects.create(
        department=reviewer_dep, certificate_type=t, basis="共享目录第1号"
    )
    web = Client()
    web.force_login(reviewer)
    page = web.get(f"/staff/certificates/{cert.identifier}/")
    assert page.status_code == 200 and "本次调取已记录" in page.content.decode()
    assert AccessLogEntry.objects.get().outcome == "granted"
    # A rule of another department grants nothing to this one.
    other = staff("rev-b", "reviewer", department=department_with_key())
    assert staff_certificate_read(user=other, identifier=cert.identifier) is None
    # Citizens are not staff: 404 without a log row.
    web.force_login(citizen)
    assert web.get(f"/staff/certificates/{cert.identifier}/").status_code == 404
    assert AccessLogEntry.objects.count() == 2


def test_read_through_a_task_on_an_application_that_references_it(world):
    citizen, t, cert, reviewer, reviewer_dep = world
    version = applicable_version(materials=[{"name": "户口簿", "certificate_type": t}])
    impl = implementation_for(version)
    app = application_create(
        user=citizen, implementation=impl, channel=c.IntakeChannel.ONLINE
    )
    m = app.materials.get().material
    application_provide_material(
        application=app,
        user=citizen,
        material=m,
        provision="certificate",
        certificate_ref=cert.identifier,
        certificate_consent=True,
    )

    def task_rule(user):  # what workflow registers: a department with a task on it
        return Q(pk=app.pk) if user.pk == reviewer.pk else None

    hooks.register_visibility_rule(task_rule)
    try:
        got = staff_certificate_read(
            user=reviewer, identifier=cert.identifier, application_pk=app.pk
        )
    finally:
        hooks.unregister_visibility_rule(task_rule)
    assert got == cert
    log = AccessLogEntry.objects.get()
    assert (log.purpose, log.application_id) == ("review", app.pk)
    # Without the task the same request is refused (and logged).
    assert (
        staff_certificate_read(
            user=reviewer, identifier=cert.identifier, application_pk=app.pk
        )
        is None
    )
    assert list(
        AccessLogEntry.objects.values_list("outcome", flat=True).order_by("pk")
    ) == ["granted", "refused"]


def test_access_log_lists_each_read_exactly_once(world, django_assert_max_num_queries):
    citizen, t, cert, reviewer, reviewer_dep = world
    SharingRule.objects.create(
        department=reviewer_dep, certificate_type=t, basis="共享目录"
    )
    staff_certificate_read(user=reviewer, identifier=cert.identifier)
    staff_certificate_read(user=reviewer, identifier=cert.identifier)
    version = applicable_version()
    app = application_create(
        user=citizen, implementation=implementation_for(version), channel="online"
    )
    row = ApplicationMaterial.objects.filter(application=app).first()
    pdf = SimpleUploadedFile(
        "a.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        content_type="application/pdf",
    )
    application_provide_material(
        application=app,
        user=citizen,
        material=row.material,
        provision="upload",
        file=pdf,
    )
    upload = row.files.get()
    clerk = staff("clerk-x", "clerk")
    uploaded_file_record_access(user=clerk, uploaded_file=upload)
    uploaded_file_record_access(
        user=citizen, uploaded_file=upload
    )  # own view: not listed
    with django_assert_max_num_queries(8):
        rows = access_log_for_user(user=citizen)
    assert [r.kind for r in rows] == ["file", "certificate", "certificate"]
    assert rows[0].what == row.material.name
    assert rows[0].at >= rows[1].at >= rows[2].at
    api = APIClient()
    api.force_authenticate(citizen)
    body = api.get("/api/v1/evidence/access-log/").json()
    assert len(body) == 3 and CITIZEN_ID not in str(body)
    web = Client()
    web.force_login(citizen)
    assert "谁查看了我的数据" in web.get("/my/access-log/").content.decode()
    # Somebody else sees none of it.
    api.force_authenticate(staff("nosy-2", "reviewer"))
    assert api.get("/api/v1/evidence/access-log/").json() == []


def test_another_persons_certificate_cannot_be_attached_or_kept(world):
    from portal.errors import ServiceError

    citizen, t, cert, _, _ = world
    other_id = "51330119851212" + "001"
    from people.privacy import make_id_number

    theirs = license_for(
        issuer=cert.issuer,
        holder_number=make_id_number(other_id),
        holder_name="卓玛",
        t=t,
        data={},
    )
    version = applicable_version(materials=[{"name": "户口簿", "certificate_type": t}])
    app = application_create(
        user=citizen, implementation=implementation_for(version), channel="online"
    )
    m = app.materials.get().material
    with pytest.raises(ServiceError) as exc:
        application_provide_material(
            application=app,
            user=citizen,
            material=m,
            provision="certificate",
            certificate_ref=theirs.identifier,
            certificate_consent=True,
        )
    assert exc.value.code == "certificate_not_offered"
    application_provide_material(
        application=app,
        user=citizen,
        material=m,
        provision="certificate",
        certificate_ref=cert.identifier,
        certificate_consent=True,
    )
    # The certificate changes hands after it was attached: refused at submission.
    from applications.selectors import application_problems
    from evidence.models import Certificate

    Certificate.objects.filter(pk=cert.pk).update(holder_hash=theirs.holder_hash)
    codes = {p.code for p in application_problems(application=app)}
    assert "certificate_no_longer_valid" in codes
