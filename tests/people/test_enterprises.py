import pytest

from people.constants import EnterpriseRole
from people.models import Enterprise, EnterpriseMember
from people.selectors import enterprise_is_legal_representative, enterprises_for_user
from people.services import enterprises
from portal.errors import ServiceError
from portal.models import AuditEntry
from tests.factories import UserFactory
from tests.people.factories import applicant, credit_code

pytestmark = pytest.mark.django_db


def _register(user, n=1, **kwargs):
    data = dict(
        user=user,
        name="甘孜州雪域牦牛乳业有限公司",
        credit_code=credit_code(n),
        legal_representative="扎西",
    )
    data.update(kwargs)
    return enterprises.enterprise_register(**data)


def test_register_makes_the_user_legal_representative(citizen):
    enterprise = _register(citizen, address="康定市炉城镇")
    member = enterprise.members.get()
    assert member.user == citizen
    assert member.role == EnterpriseRole.LEGAL_REPRESENTATIVE
    assert list(enterprises_for_user(user=citizen)) == [enterprise]
    assert AuditEntry.objects.filter(action="enterprise.register").count() == 1


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91513301MA00000", "credit_code_length"),
        ("91513301MA000000I1", "credit_code_chars"),
        ("91513301MA0000001I"[:17] + "O", "credit_code_chars"),
        ("9151AB01MA0000001", "credit_code_region"),
    ],
)
def test_bad_credit_codes_are_refused(citizen, code, error):
    if error == "credit_code_region":
        from people.codes import make_credit_code

        code = make_credit_code(code)
    with pytest.raises(ServiceError) as exc:
        _register(citizen, credit_code=code)
    assert error in {e.code for e in exc.value.errors}
    assert not Enterprise.objects.exists()
    assert not EnterpriseMember.objects.exists()


def test_region_is_a_gb_2260_code(citizen):
    enterprise = _register(citizen, region_code=" 513301 ")
    assert enterprise.region_code == "513301"
    assert _register(citizen, n=2).region_code == ""


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("51330", "region_code_length"),
        ("５１３３０１", "region_code_chars"),
        ("513301x", "region_code_chars"),
        ("003301", "region_code_province"),
    ],
)
def test_bad_region_codes_are_refused(citizen, code, error):
    with pytest.raises(ServiceError) as exc:
        _register(citizen, region_code=code)
    assert [(e.code, e.field) for e in exc.value.errors] == [(error, "region_code")]
    assert not Enterprise.objects.exists()


def test_wrong_check_character_names_the_expected_one(citizen):
    good = credit_code(1)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ServiceError) as exc:
        _register(citizen, credit_code=wrong)
    assert exc.value.code == "credit_code_check"
    assert f"应为 {good[-1]}" in exc.value.detail


def test_duplicate_credit_code_and_missing_fields(citizen, other_citizen):
    _register(citizen)
    with pytest.raises(ServiceError) as exc:
        _register(other_citizen, credit_code=credit_code(1).lower())
    assert exc.value.code == "enterprise_registered"
    with pytest.raises(ServiceError) as exc:
        _register(other_citizen, n=2, name=" ", legal_representative="")
    assert {e.code for e in exc.value.errors} == {
        "enterprise_name_required",
        "legal_representative_required",
    }
    assert Enterprise.objects.count() == 1


def test_only_the_legal_representative_adds_and_revokes(citizen, other_citizen):
    enterprise = _register(citizen)
    third = applicant(
        "gesang", full_name="格桑", first17="51330119951111331", phone="13700000003"
    )
    handler = enterprises.enterprise_add_member(
        enterprise=enterprise, actor=citizen, user=other_citizen
    )
    assert handler.role == EnterpriseRole.HANDLER
    assert enterprise in enterprises_for_user(user=other_citizen)
    ent = enterprises_for_user(user=other_citizen).get()
    assert not enterprise_is_legal_representative(enterprise=ent, user=other_citizen)

    # A handler may not add or revoke.
    with pytest.raises(ServiceError) as exc:
        enterprises.enterprise_add_member(
            enterprise=enterprise, actor=other_citizen, user=third
        )
    assert exc.value.code == "not_legal_representative"
    assert exc.value.status == 403
    with pytest.raises(ServiceError) as exc:
        enterprises.enterprise_revoke_member(member=handler, actor=other_citizen)
    assert exc.value.code == "not_legal_representative"

    # Adding twice, adding the legal representative, revoking them: refused.
    with pytest.raises(ServiceError) as exc:
        enterprises.enterprise_add_member(
            enterprise=enterprise, actor=citizen, user=other_citizen
        )
    assert exc.value.code == "member_exists"
    with pytest.raises(ServiceError) as exc:
        enterprises.enterprise_add_member(
            enterprise=enterprise, actor=citizen, user=citizen
        )
    assert exc.value.code == "member_exists"
    legal = enterprise.members.get(role=EnterpriseRole.LEGAL_REPRESENTATIVE)
    with pytest.raises(ServiceError) as exc:
        enterprises.enterprise_revoke_member(member=legal, actor=citizen)
    assert exc.value.code == "cannot_revoke_legal_representative"

    enterprises.enterprise_revoke_member(member=handler, actor=citizen)
    assert not enterprises_for_user(user=other_citizen).exists()
    with pytest.raises(ServiceError) as exc:
        enterprises.enterprise_revoke_member(member=handler, actor=citizen)
    assert exc.value.code == "member_already_revoked"

    # Re-adding reactivates the same row.
    again = enterprises.enterprise_add_member(
        enterprise=enterprise, actor=citizen, user=other_citizen
    )
    assert again.pk == handler.pk and again.revoked_at is None
    assert enterprise in enterprises_for_user(user=other_citizen)


def test_member_must_be_a_registered_applicant(citizen):
    enterprise = _register(citizen)
    stranger = UserFactory(username="no-profile")
    with pytest.raises(ServiceError) as exc:
        enterprises.enterprise_add_member(
            enterprise=enterprise, actor=citizen, user=stranger
        )
    assert exc.value.code == "member_not_registered"
    with pytest.raises(ServiceError) as exc:
        enterprises.enterprise_add_member(
            enterprise=enterprise,
            actor=citizen,
            user=stranger,
            role=EnterpriseRole.LEGAL_REPRESENTATIVE,
        )
    assert exc.value.code == "member_role_invalid"


def test_outsider_sees_no_enterprise(citizen, other_citizen):
    _register(citizen)
    assert not enterprises_for_user(user=other_citizen).exists()
