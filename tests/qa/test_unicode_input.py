"""Unicode oddities in what people type: full-width digits, other scripts' digits,
look-alike user names, bidi controls in file names, Tibetan names.

Chinese input methods in full-width mode type ``１３８`` for ``138``; such input
is normalised (NFKC) and accepted. Digits of other scripts are refused with a
clear message, never a server error.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from applications.uploads import sanitize_filename
from people.codes import CodeError, validate_region_code
from people.models import ApplicantProfile
from people.privacy import id_number_hash, make_id_number
from people.services import applicants
from portal.errors import ServiceError
from portal.models import User
from tests.people.factories import PASSWORD
from tests.web.data import PASSPORT_CODE

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# 11010519491231002X: a real-shaped number whose check character is X.
NUMBER_X = make_id_number("11010519491231002")


def _register(client, **overrides):
    data = {
        "username": "zhaxi",
        "full_name": "扎西",
        "id_number": make_id_number("51330119900101123"),
        "phone": "13812345678",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return client.post("/accounts/register/", data)


def _errors(response) -> str:
    return " ".join(
        re.findall(
            r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode()
        )
    )


def test_full_width_id_number_is_normalised_not_a_server_error():
    assert NUMBER_X.endswith("X")
    client = Client(raise_request_exception=False)
    r = _register(client, id_number=NUMBER_X.translate(FULL_WIDTH))
    assert r.status_code == 302, _errors(r)
    profile = ApplicantProfile.objects.get()
    assert profile.id_number_hash == id_number_hash(NUMBER_X)
    assert profile.id_number_masked == NUMBER_X[:6] + "********" + NUMBER_X[-4:]
    # The clerk at the counter finds them by the ASCII number, and vice versa.
    assert applicants.applicant_find_by_id_number(id_number=NUMBER_X) == profile
    found = applicants.applicant_find_by_id_number(
        id_number=NUMBER_X.translate(FULL_WIDTH)
    )
    assert found == profile


def test_full_width_id_number_with_digit_check_is_not_called_a_bad_check_digit():
    number = make_id_number("51330119900101123")
    assert number[-1].isdigit()
    user = applicants.applicant_register(
        username="zhaxi",
        password=PASSWORD,
        full_name="扎西",
        id_number=number.translate(FULL_WIDTH),
        phone="13812345678",
    )
    assert user.applicant.id_number_hash == id_number_hash(number)


@pytest.mark.parametrize(
    "number",
    [
        make_id_number("51330119900101123").translate(ARABIC_INDIC),
        "²" + make_id_number("51330119900101123")[1:],
        "5133011990010112３" + "\u0663",
    ],
)
def test_digits_of_other_scripts_are_refused_with_a_message(number):
    client = Client(raise_request_exception=False)
    r = _register(client, id_number=number)
    if r.status_code == 302:
        # NFKC turns the superscript two into a plain 2: then it is a valid number.
        assert number.startswith("²")
        return
    assert r.status_code == 200
    assert "身份证号码" in _errors(r)
    assert not User.objects.exists()
    with pytest.raises(ServiceError) as exc:
        applicants.applicant_find_by_id_number(id_number=number)
    assert exc.value.field == "id_number"


def test_full_width_phone_is_stored_as_ascii_digits():
    client = Client(raise_request_exception=False)
    r = _register(client, phone="１３８ １２３４ ５６７８")
    assert r.status_code == 302, _errors(r)
    assert ApplicantProfile.objects.get().phone == "13812345678"


def test_phone_with_other_script_digits_is_refused():
    client = Client(raise_request_exception=False)
    r = _register(client, phone="1" + "3812345678".translate(ARABIC_INDIC))
    assert r.status_code == 200
    assert "手机号码" in _errors(r)
    assert not User.objects.exists()


def test_full_width_user_name_cannot_shadow_an_existing_account():
    User.objects.create_user(username="applicant", password="x-Unused-2026")
    client = Client(raise_request_exception=False)
    r = _register(client, username="ａｐｐｌｉｃａｎｔ")
    assert r.status_code == 200
    assert "已被使用" in _errors(r)
    assert User.objects.count() == 1


def test_full_width_user_name_is_stored_in_the_form_the_login_form_uses():
    client = Client(raise_request_exception=False)
    r = _register(client, username="ｚｈａｘｉ")
    assert r.status_code == 302, _errors(r)
    assert User.objects.filter(username="zhaxi").exists()
    client.logout()
    r = client.post(
        "/accounts/login/", {"username": "ｚｈａｘｉ", "password": PASSWORD}
    )
    assert r.status_code == 302


def test_tibetan_name_with_syllable_marks_is_accepted():
    # Tibetan script separates syllables with the tsheg (U+0F0B).
    user = applicants.applicant_register(
        username="tashi",
        password=PASSWORD,
        full_name="བཀྲ་ཤིས་བདེ་ལེགས",
        id_number=make_id_number("51330119900101123"),
        phone="13812345678",
    )
    assert user.applicant.full_name == "བཀྲ་ཤིས་བདེ་ལེགས"


@pytest.mark.parametrize("name", ["་བཀྲ", "扎西1", "扎西<b>", "扎\u202e西"])
def test_names_still_refuse_digits_symbols_and_controls(name):
    with pytest.raises(ServiceError) as exc:
        applicants.applicant_register(
            username="tashi",
            password=PASSWORD,
            full_name=name,
            id_number=make_id_number("51330119900101123"),
            phone="13812345678",
        )
    assert any(e.code == "full_name_chars" for e in exc.value.errors)


@pytest.mark.parametrize(
    "raw",
    [
        "photo\u202egpj.exe",  # right-to-left override: shows "photoexe.jpg"
        "a\u200fb\u202bc\u2066d\u2069.pdf",
        "line\u2028break.pdf",
        "zero\u200bwidth\ufeff.pdf",
    ],
)
def test_upload_names_lose_bidi_and_invisible_format_characters(raw):
    name = sanitize_filename(raw, extension=".pdf")
    assert name.endswith(".pdf")
    assert all(
        ch not in name for ch in "\u202e\u200f\u202b\u2066\u2069\u2028\u200b\ufeff"
    ), ascii(name)


@pytest.mark.parametrize("code", ["５１３３０１", "٥١٣٣٠١", "51330¹"])
def test_region_codes_accept_only_ascii_digits(code):
    with pytest.raises(CodeError) as exc:
        validate_region_code(code)
    assert exc.value.code == "region_code_chars"


@pytest.mark.parametrize(
    "query", ["ｈｕｚｈａｏ", "ＨＺ", PASSPORT_CODE.translate(FULL_WIDTH)]
)
def test_search_folds_full_width_letters_and_digits(sample, query):
    r = Client().get("/items/", {"q": query})
    assert r.status_code == 200
    assert r.context["count"] >= 1
    assert r.context["items"][0].basic_code == PASSPORT_CODE or any(
        item.basic_code == PASSPORT_CODE for item in r.context["items"][:5]
    )
    api = Client().get("/api/v1/catalog/items/", {"q": query})
    assert api.status_code == 200
    assert PASSPORT_CODE in [row["basic_code"] for row in api.json()["results"][:5]]
