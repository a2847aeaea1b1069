"""The demo seeds the common types and the certificates of the demo citizen and enterprise."""

import pytest

from evidence import selectors
from evidence.models import Certificate, CertificateSpec
from portal.models import User
from tests.demo.fixtures import demo_data, demo_keys  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]


def test_demo_citizen_and_enterprise_hold_verifiable_certificates():
    citizen = User.objects.get(username="applicant")
    names = {
        c.certificate_type.name for c in selectors.certificates_for_user(user=citizen)
    }
    assert {
        "居民身份证",
        "居民户口簿",
        "社会保障卡",
        "结婚证",
        "不动产权证书",
        "营业执照",
    } <= names
    # (The files sit in the module's media folder; each test has its own.)
    results = [selectors.verify(c.identifier) for c in Certificate.objects.all()]
    assert results and all(r.signature_ok and r.status == "valid" for r in results)
    assert CertificateSpec.objects.filter(certificate_type__name="营业执照").exists()


def test_demo_items_issuing_a_certificate_have_keyed_departments():
    from catalog.models import Implementation, ServiceItemVersion
    from evidence.services.keys import active_key

    food = ServiceItemVersion.objects.get(
        name="食品经营许可", status="published", result_certificate_type__isnull=False
    )
    assert food.result_certificate_type.name == "食品经营许可证"
    impls = Implementation.objects.filter(item=food.item).select_related("department")
    assert impls and all(active_key(i.department) for i in impls)
