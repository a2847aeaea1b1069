"""The system actor: one real row, never loginable, refused as a login name."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import PasswordResetForm

from people.services.applicants import _check_username
from portal.errors import ErrorCollector
from portal.models import User
from portal.system import (
    SYSTEM_USERNAME,
    SystemUserError,
    is_system_user,
    system_user,
)

pytestmark = pytest.mark.django_db


def test_created_once_on_first_use_and_not_loginable():
    User.objects.filter(username=SYSTEM_USERNAME).delete()
    user = system_user()
    assert system_user().pk == user.pk
    assert User.objects.filter(username=SYSTEM_USERNAME).count() == 1
    assert user.is_active is False
    assert user.has_usable_password() is False
    assert not user.is_staff and not user.is_superuser
    assert not user.groups.exists()
    assert is_system_user(user)
    backend = ModelBackend()
    assert backend.user_can_authenticate(user) is False
    assert backend.authenticate(None, username=SYSTEM_USERNAME, password="") is None


def test_no_password_reset_reaches_it():
    user = system_user()
    User.objects.filter(pk=user.pk).update(email="ops@example.cn")
    assert list(PasswordResetForm().get_users("ops@example.cn")) == []


@pytest.mark.parametrize(
    "change",
    [
        {"is_active": True},
        {"is_superuser": True},
    ],
)
def test_a_loginable_row_named_system_is_refused(change):
    user = system_user()
    User.objects.filter(pk=user.pk).update(**change)
    with pytest.raises(SystemUserError):
        system_user()


def test_a_row_with_a_password_is_refused():
    user = system_user()
    user.set_password("Ganzi-demo-2026")
    user.save()
    with pytest.raises(SystemUserError):
        system_user()


@pytest.mark.parametrize("name", ["system", "SYSTEM", "System"])
def test_registration_refuses_the_name_even_before_the_row_exists(name):
    User.objects.filter(username=SYSTEM_USERNAME).delete()
    errors = ErrorCollector()
    _check_username(errors, name)
    assert [e.code for e in errors.items] == ["username_taken"]


def test_a_person_is_not_the_system():
    person = User.objects.create(username="systemic")
    assert not is_system_user(person)
