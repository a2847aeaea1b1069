"""The issuing department's desk: its certificates, revocation, its keys."""

import pytest
from django.test import Client
from django.urls import reverse

from evidence.models import Certificate, SigningKey
from portal.models import AuditEntry
from portal.roles import Role
from tests.factories import UserFactory, staff

from .factories import cert_type, department_with_key, license_for

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dep():
    return department_with_key()


@pytest.fixture
def head(dep):
    return staff("cert-head", Role.DEPARTMENT_HEAD, department=dep)


@pytest.fixture
def reviewer(dep):
    return staff("cert-reviewer", Role.REVIEWER, department=dep)


def test_staff_see_their_departments_certificates_only(dep, reviewer):
    t = cert_type()
    ours = license_for(issuer=dep, t=t, serial="S1")
    theirs = license_for(issuer=department_with_key(), t=t, serial="S2")
    page = logged_in(reviewer).get(reverse("evidence:desk"))
    assert page.status_code == 200
    assert [c.pk for c in page.context["page"].object_list] == [ours.pk]
    html = page.content.decode()
    assert ours.holder_masked in html and ours.holder_name not in html
    detail = logged_in(reviewer).get(
        reverse("evidence:desk-detail", args=[ours.identifier])
    )
    assert detail.status_code == 200
    assert "扎西" not in detail.content.decode()  # face data stays out
    assert (
        logged_in(reviewer)
        .get(reverse("evidence:desk-detail", args=[theirs.identifier]))
        .status_code
        == 404
    )


def test_others_are_refused(dep):
    cert = license_for(issuer=dep)
    for user in (
        UserFactory(username="citizen-d"),
        staff("clerk-d", Role.CLERK, department=dep),
        staff("no-dep", Role.REVIEWER),
    ):
        client = logged_in(user)
        assert client.get(reverse("evidence:desk")).status_code == 403
        assert (
            client.get(
                reverse("evidence:desk-detail", args=[cert.identifier])
            ).status_code
            == 403
        )
    assert Client().get(reverse("evidence:desk")).status_code == 302


def test_filters_by_status_and_number(dep, head, reviewer):
    t = cert_type()
    a = license_for(issuer=dep, t=t, serial="F1")
    b = license_for(issuer=dep, t=t, serial="F2")
    logged_in(head).post(
        reverse("evidence:desk-revoke", args=[b.identifier]), {"reason": "登记错误"}
    )
    client = logged_in(reviewer)

    def listed(**params):
        page = client.get(reverse("evidence:desk"), params).context["page"]
        return [c.pk for c in page.object_list]

    assert listed(status="revoked") == [b.pk]
    assert listed(q="f1") == [a.pk]
    assert listed(q=a.identifier.lower()) == [a.pk]
    assert listed(q="扎西") == []  # never by a holder's name
    assert sorted(listed(status="nonsense")) == sorted([a.pk, b.pk])


def test_the_list_query_count_stays_flat(dep, reviewer, django_assert_max_num_queries):
    t = cert_type()
    license_for(issuer=dep, t=t, serial="Q0")
    client = logged_in(reviewer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("evidence:desk"))
    for i in range(1, 6):
        license_for(issuer=dep, t=t, serial=f"Q{i}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("evidence:desk"))
    assert len(many) == len(few)


def test_a_head_revokes_with_a_reason_and_a_reviewer_cannot(dep, head, reviewer):
    cert = license_for(issuer=dep)
    url = reverse("evidence:desk-revoke", args=[cert.identifier])
    refused = logged_in(reviewer).post(url, {"reason": "错误"}, follow=True)
    assert "只有科室负责人可以注销证照" in refused.content.decode()
    empty = logged_in(head).post(url, {"reason": "  "}, follow=True)
    assert "注销证照须填写原因" in empty.content.decode()
    cert.refresh_from_db()
    assert cert.status == "valid"
    done = logged_in(head).post(url, {"reason": "申请人隐瞒有关情况"}, follow=True)
    assert "证照已注销" in done.content.decode()
    cert.refresh_from_db()
    assert (cert.status, cert.revoked_reason) == ("revoked", "申请人隐瞒有关情况")
    assert AuditEntry.objects.filter(
        object_type="evidence.certificate", object_id=str(cert.pk), actor=head
    ).exists()
    # A second try is a conflict, said as such.
    again = logged_in(head).post(url, {"reason": "再次"}, follow=True)
    assert again.status_code == 200
    assert logged_in(head).get(reverse("evidence:desk-detail", args=[cert.identifier]))
    # And another department's head gets 404.
    other = staff("other-head", Role.DEPARTMENT_HEAD, department=department_with_key())
    assert logged_in(other).post(url, {"reason": "x"}).status_code == 404


def test_a_head_renews_the_key_and_old_certificates_still_verify(dep, head, reviewer):
    from evidence import selectors

    cert = license_for(issuer=dep)
    old = SigningKey.objects.get(department=dep)
    url = reverse("evidence:desk-keys")
    assert logged_in(reviewer).get(url).status_code == 200
    logged_in(reviewer).post(url)
    assert SigningKey.objects.filter(department=dep).count() == 1
    response = logged_in(head).post(url, follow=True)
    assert "已启用新的签名密钥" in response.content.decode()
    old.refresh_from_db()
    assert old.valid_until is not None and old.revoked_at is None
    new = SigningKey.objects.get(department=dep, valid_until__isnull=True)
    assert new.pk != old.pk
    assert selectors.verify(cert.identifier).signature_ok
    fresh = license_for(issuer=dep, serial="N1")
    assert Certificate.objects.get(pk=fresh.pk).signing_key_id == new.pk
