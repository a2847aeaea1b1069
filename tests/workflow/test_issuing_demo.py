"""The demo's items that issue a certificate on approval can do so: every
field their type requires comes from the form or a fallback, and every
department implementing them holds a signing key."""

import pytest

from catalog import constants as cc
from catalog.models import Implementation, ServiceItemVersion
from evidence.models import CertificateSpec
from evidence.services.keys import active_key
from tests.demo.fixtures import demo_data, demo_keys  # noqa: F401
from workflow.services.certificates import NAME_FIELDS, NUMBER_FIELDS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]


def test_demo_result_types_are_satisfiable_and_keyed():
    versions = list(
        ServiceItemVersion.objects.filter(
            status=cc.VersionStatus.PUBLISHED, result_certificate_type__isnull=False
        ).select_related("result_certificate_type")
    )
    names = {v.name: v.result_certificate_type.name for v in versions}
    assert names["食品经营许可"] == "食品经营许可证"
    assert len(versions) >= 4
    for version in versions:
        spec = CertificateSpec.objects.filter(
            certificate_type=version.result_certificate_type
        ).first()
        schema = spec.data_schema if spec else {}  # no spec: no data required
        form = set((version.form_schema or {}).get("properties") or {})
        required = set(schema.get("required") or [])
        assert required <= form | set(NAME_FIELDS) | set(NUMBER_FIELDS), version.name
        impls = Implementation.objects.filter(item=version.item)
        assert impls and all(active_key(i.department) for i in impls), version.name
