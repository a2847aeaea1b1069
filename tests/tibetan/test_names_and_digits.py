"""Tibetan personal names (tsheg, no Chinese transliteration) wherever a name
is typed; masking keeps the first syllable; Tibetan digits read like ASCII
ones in numeric fields; mixed-script input is handled."""

from __future__ import annotations

import pytest

from applications.forms import schema_form_class
from catalog.search import normalise_query
from people.codes import is_mobile, normalise_mobile
from people.models import ApplicantProfile
from people.privacy import (
    make_id_number,
    mask_name,
    normalise_id_number,
    same_name,
    validate_id_number,
)
from people.services.applicants import (
    applicant_register,
    applicant_register_at_counter,
)
from portal.errors import ServiceError
from portal.twofactor import normalise_code
from tests.applications.factories import clerk_at
from tests.factories import ServiceHallFactory

TIBETAN_DIGITS = str.maketrans("0123456789", "༠༡༢༣༤༥༦༧༨༩")


def tib(text: str) -> str:
    return text.translate(TIBETAN_DIGITS)


def _register(name: str, n: int = 1, **kwargs):
    return applicant_register(
        username=f"bo{n}",
        password="Tsampa-2026-x",
        full_name=name,
        id_number=make_id_number(f"51332219850101{n:03d}"),
        phone="13800002222",
        **kwargs,
    )


def _codes(exc: ServiceError) -> set[str]:
    return {item.code for item in exc.errors or [exc]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["བཀྲ་ཤིས་ཚེ་རིང་", "བཀྲ་ཤིས་ཚེ་རིང", "ཚེ་རིང་ དབང་མོ", "པདྨ་སྒྲོལ་མ", "ཨོཾ"],
)
def test_a_tibetan_name_registers_as_typed(name):
    user = _register(name)
    profile = ApplicantProfile.objects.get(user=user)
    assert profile.full_name == name
    assert user.display_name == name


@pytest.mark.django_db
def test_a_tibetan_name_is_stored_nfc_and_spaces_folded():
    # U+0F73 (ཱི) is NFC-decomposed to U+0F71 U+0F72
    user = _register("ཀཱི་ཏ  བཟང་པོ")
    assert ApplicantProfile.objects.get(user=user).full_name == (
        "ཀ\u0f71\u0f72་ཏ བཟང་པོ"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, code",
    [
        ("扎西བཀྲ་ཤིས", "full_name_mixed_scripts"),  # a transliteration typed along
        ("བཀྲ་ཤིས (扎西)", "full_name_chars"),
        ("་བཀྲ་ཤིས", "full_name_chars"),  # a tsheg cannot open a name
        ("བཀྲ་ཤིས༡", "full_name_chars"),  # digits are not a name
        ("བཀྲ་ཤིས།", "full_name_chars"),  # nor the shad
    ],
)
def test_a_wrongly_written_name_is_refused_with_its_code(name, code):
    with pytest.raises(ServiceError) as caught:
        _register(name)
    assert code in _codes(caught.value)


@pytest.mark.django_db
def test_a_clerk_registers_a_walk_in_citizen_with_a_tibetan_name():
    clerk = clerk_at(ServiceHallFactory())
    user = applicant_register_at_counter(
        clerk=clerk,
        full_name="རྡོ་རྗེ་",
        id_number=make_id_number("51332219700101077"),
        phone=tib("13800003333"),  # typed with a Tibetan keyboard
    )
    profile = ApplicantProfile.objects.get(user=user)
    assert profile.full_name == "རྡོ་རྗེ་" and profile.phone == "13800003333"


@pytest.mark.django_db
def test_the_registration_language_is_kept_on_the_profile():
    user = _register("སྒྲོལ་མ", n=7, language="bo")
    assert ApplicantProfile.objects.get(user=user).language == "bo"
    user = _register("扎西", n=8, language="xx")
    assert ApplicantProfile.objects.get(user=user).language == ""


def test_masking_a_tibetan_name_keeps_its_first_syllable():
    assert mask_name("བཀྲ་ཤིས་ཚེ་རིང་") == "བཀྲ་***"
    assert mask_name("ཚེ་རིང་ དབང་མོ") == "ཚེ་***"
    assert mask_name("བསྒྲུབས་པ") == "བསྒྲུབས་*"  # a stack is one syllable
    assert mask_name("ཨོཾ") == "ཨོཾ"
    assert mask_name("扎西次仁") == "扎***"
    assert mask_name("扎西·次仁") == "扎****"


def test_the_same_name_with_or_without_its_closing_tsheg():
    assert same_name("བཀྲ་ཤིས་", "བཀྲ་ཤིས")
    assert same_name(" བཀྲ་ཤིས  ཚེ་རིང ", "བཀྲ་ཤིས ཚེ་རིང")
    assert same_name("ཀཱི", "ཀ\u0f71\u0f72")
    assert not same_name("བཀྲ་ཤིས", "བཀྲ་ཤིས་ཚེ་རིང")
    assert not same_name("扎西", "扎西次仁")


def test_tibetan_digits_read_like_full_width_ones():
    number = make_id_number("51332219850101001")
    assert normalise_id_number(tib(number)) == number
    assert validate_id_number(tib(number)).year == 1985
    mixed = tib(number[:6]) + "１９８５" + number[10:]
    assert normalise_id_number(mixed) == number
    assert normalise_mobile(tib("138 0000 1111")) == "13800001111"
    assert is_mobile(normalise_mobile(tib("13800001111")))
    assert normalise_code(tib("123-456")) == "123456"
    assert normalise_query(" ༥༡༣༣ བཀྲ་ཤིས ") == "5133 བཀྲ་ཤིས"


def test_tibetan_digits_in_a_numeric_form_field():
    form_class = schema_form_class(
        {
            "type": "object",
            "properties": {
                "count": {"type": "integer", "title": "人数"},
                "area": {"type": "number", "title": "面积"},
                "name": {"type": "string", "title": "姓名"},
            },
        }
    )
    form = form_class(data={"count": "༡༢", "area": "༣.༥", "name": "བཀྲ་ཤིས"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["count"] == 12
    assert str(form.cleaned_data["area"]) == "3.5"
    assert form.cleaned_data["name"] == "བཀྲ་ཤིས"
    bad = form_class(data={"count": "བཅུ", "area": "1", "name": "x"})
    assert not bad.is_valid() and "count" in bad.errors
