import pytest
from django.contrib.auth.models import Group

from people.models import ApplicantProfile
from people.privacy import decrypt_id_number, id_number_hash
from people.services import applicants
from portal.errors import ServiceError
from portal.models import AuditEntry, User
from portal.roles import Role
from tests.factories import UserFactory
from tests.people.factories import PASSWORD, id_number

pytestmark = pytest.mark.django_db

GOOD = dict(
    username="zhaxi",
    password=PASSWORD,
    full_name="扎西·次仁",
    id_number=id_number("51330119900101123"),
    phone="13812345678",
    email="zhaxi@example.cn",
)


def _counts():
    return (
        User.objects.count(),
        ApplicantProfile.objects.count(),
        AuditEntry.objects.count(),
    )


def test_register_stores_hash_mask_and_ciphertext_never_the_number():
    user = applicants.applicant_register(**GOOD)
    profile = user.applicant
    number = GOOD["id_number"]
    assert user.check_password(PASSWORD)
    assert user.groups.filter(name=Role.APPLICANT).exists()
    assert user.display_name == "扎西·次仁"
    assert profile.id_number_hash == id_number_hash(number)
    assert profile.id_number_masked == number[:6] + "********" + number[-4:]
    assert number not in profile.id_number_encrypted
    assert decrypt_id_number(profile.id_number_encrypted) == number
    assert profile.birth_date.isoformat() == "1990-01-01"
    assert profile.registered_by is None
    entry = AuditEntry.objects.get(action="applicant.register")
    assert entry.object_id == str(profile.pk)
    # The audit chain holds no full ID number, no phone, no full name.
    flat = f"{entry.object_repr} {entry.changes}"
    assert number not in flat and GOOD["phone"] not in flat
    assert "扎西·次仁" not in flat


def test_lower_case_x_is_accepted_and_normalised():
    number = id_number("11010519491231002")
    assert number.endswith("X")
    user = applicants.applicant_register(**{**GOOD, "id_number": number.lower()})
    assert user.applicant.id_number_hash == id_number_hash(number)
    assert applicants.applicant_find_by_id_number(id_number=number).user == user


BAD_INPUTS = [
    ("id_number", id_number("51330119900101123")[:-1] + "0", "id_number_check"),
    ("id_number", "513301199002301234", "id_number_birth_date"),
    ("id_number", "51330119900101", "id_number_length"),
    ("id_number", "51330119900101ABCD", "id_number_chars"),
    ("id_number", "513301299001011234", "id_number_birth_date"),
    ("password", "12345678", "password_entirely_numeric"),
    ("password", "Ab1!x", "password_too_short"),
    ("password", "password", "password_too_common"),
    ("phone", "12812345678", "phone_invalid"),
    ("phone", "1381234567", "phone_invalid"),
    ("phone", "", "phone_required"),
    ("username", "a b", "username_chars"),
    ("full_name", "扎西2", "full_name_chars"),
    ("full_name", "  ", "full_name_required"),
    ("email", "not-an-email", "email_invalid"),
]


@pytest.mark.parametrize(("field", "value", "code"), BAD_INPUTS)
def test_each_bad_input_is_refused_with_its_code_and_nothing_saved(field, value, code):
    if field == "id_number" and value[:17] == "51330119900101123":
        # Make sure the check digit really is wrong.
        assert value != GOOD["id_number"]
    before = _counts()
    with pytest.raises(ServiceError) as exc:
        applicants.applicant_register(**{**GOOD, field: value})
    items = {(e.code, e.field) for e in exc.value.errors}
    assert (code, field) in items
    # Every message is Chinese and specific.
    for item in exc.value.errors:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in item.detail), item.detail
    assert _counts() == before


def test_short_password_message_is_chinese_with_the_minimum():
    with pytest.raises(ServiceError) as exc:
        applicants.applicant_register(**{**GOOD, "password": "Ab1!x"})
    assert exc.value.errors[0].detail == "密码太短，至少需要8个字符"


def test_all_problems_are_reported_at_once():
    with pytest.raises(ServiceError) as exc:
        applicants.applicant_register(
            **{
                **GOOD,
                "id_number": "513301199002301234",
                "phone": "123",
                "password": "123",
            }
        )
    fields = {e.field for e in exc.value.errors}
    assert {"id_number", "phone", "password"} <= fields
    assert exc.value.code == "registration_invalid"


def test_duplicate_id_number_is_refused_by_hash():
    applicants.applicant_register(**GOOD)
    before = _counts()
    with pytest.raises(ServiceError) as exc:
        applicants.applicant_register(
            **{**GOOD, "username": "someone-else", "phone": "13900000000"}
        )
    assert exc.value.code == "id_number_registered"
    assert exc.value.field == "id_number"
    assert _counts() == before


def test_duplicate_username_is_refused_case_insensitively():
    applicants.applicant_register(**GOOD)
    with pytest.raises(ServiceError) as exc:
        applicants.applicant_register(
            **{**GOOD, "username": "ZHAXI", "id_number": id_number("51332219850615224")}
        )
    assert exc.value.code == "username_taken"
    assert ApplicantProfile.objects.count() == 1


def test_password_similar_to_username_is_refused():
    with pytest.raises(ServiceError) as exc:
        applicants.applicant_register(
            **{**GOOD, "username": "gesangdeji", "password": "gesangdeji1"}
        )
    assert "password_too_similar" in {e.code for e in exc.value.errors}


def test_failure_during_write_leaves_nothing(monkeypatch):
    before = _counts()

    def boom(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(applicants, "audit_record", boom)
    with pytest.raises(RuntimeError):
        applicants.applicant_register(**GOOD)
    assert _counts() == before
    assert not Group.objects.get(name=Role.APPLICANT).user_set.exists()


def test_find_by_id_number_uses_the_keyed_hash(settings):
    user = applicants.applicant_register(**GOOD)
    found = applicants.applicant_find_by_id_number(id_number=GOOD["id_number"])
    assert found.user == user
    assert (
        applicants.applicant_find_by_id_number(id_number=id_number("51332219850615224"))
        is None
    )
    # A different key makes a different hash: lookup really goes by the HMAC.
    settings.ID_HASH_KEY = "another-key"
    assert applicants.applicant_find_by_id_number(id_number=GOOD["id_number"]) is None


def test_find_by_malformed_number_says_what_is_wrong():
    with pytest.raises(ServiceError) as exc:
        applicants.applicant_find_by_id_number(id_number="513301199002301234")
    assert exc.value.code == "id_number_birth_date"


def test_counter_registration_by_clerk(clerk):
    user = applicants.applicant_register_at_counter(
        clerk=clerk,
        full_name="格桑",
        id_number=id_number("51332219850615224"),
        phone="13900000002",
    )
    assert not user.has_usable_password()
    assert user.applicant.registered_by == clerk
    assert user.groups.filter(name=Role.APPLICANT).exists()
    assert "51332219850615224" not in user.username
    entry = AuditEntry.objects.get(action="applicant.register_at_counter")
    assert entry.actor == clerk


def test_counter_registration_refuses_non_clerk_and_duplicates(clerk):
    citizen = UserFactory(username="plain")
    with pytest.raises(ServiceError) as exc:
        applicants.applicant_register_at_counter(
            clerk=citizen,
            full_name="格桑",
            id_number=id_number("51332219850615224"),
            phone="13900000002",
        )
    assert exc.value.code == "not_clerk"
    applicants.applicant_register(**GOOD)
    before = _counts()
    with pytest.raises(ServiceError) as exc:
        applicants.applicant_register_at_counter(
            clerk=clerk,
            full_name="扎西",
            id_number=GOOD["id_number"],
            phone="13900000002",
        )
    assert exc.value.code == "id_number_registered"
    assert _counts() == before


def test_reveal_is_allowed_to_self_and_staff_with_reason_and_audited(clerk):
    user = applicants.applicant_register(**GOOD)
    profile = user.applicant
    assert (
        applicants.applicant_reveal_id_number(
            viewer=user, profile=profile, reason="本人查看"
        )
        == GOOD["id_number"]
    )
    with pytest.raises(ServiceError) as exc:
        applicants.applicant_reveal_id_number(viewer=clerk, profile=profile, reason=" ")
    assert exc.value.code == "reveal_reason_required"
    applicants.applicant_reveal_id_number(
        viewer=clerk, profile=profile, reason="窗口核验身份"
    )
    entries = list(AuditEntry.objects.filter(action="privacy.reveal_id_number"))
    assert [(e.actor, e.changes) for e in entries] == [
        (user, {"reason": "本人查看"}),
        (clerk, {"reason": "窗口核验身份"}),
    ]
    for entry in entries:
        assert entry.object_type == "people.applicantprofile"
        assert entry.object_id == str(profile.pk)
        assert GOOD["id_number"] not in f"{entry.object_repr}{entry.changes}"


def test_reveal_refused_to_other_citizens_and_agents(other_citizen, agent):
    user = applicants.applicant_register(**GOOD)
    for viewer in (other_citizen, agent):
        with pytest.raises(ServiceError) as exc:
            applicants.applicant_reveal_id_number(
                viewer=viewer, profile=user.applicant, reason="好奇"
            )
        assert exc.value.code == "reveal_forbidden"
    assert not AuditEntry.objects.filter(action="privacy.reveal_id_number").exists()
