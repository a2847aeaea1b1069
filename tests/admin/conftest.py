import pytest

from catalog.models import CertificateType
from people.codes import make_credit_code
from portal.roles import Role
from tests.factories import UserFactory


def _staff_user(username: str, roles: list[str]):
    user = UserFactory(username=username, roles=roles)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def editor(db):
    return _staff_user("catalog-editor", [Role.CATALOG_EDITOR])


@pytest.fixture
def supervisor(db):
    return _staff_user("supervisor", [Role.SUPERVISOR])


@pytest.fixture
def clerk(db):
    return _staff_user("clerk", [Role.CLERK])


@pytest.fixture
def superuser(db):
    user = UserFactory(username="root")
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def cert_type(db):
    return CertificateType.objects.create(
        code=make_credit_code("11100000000013338") + "001",
        name="居民身份证",
        issuing_authority="公安部",
        holder_kind="natural",
    )
