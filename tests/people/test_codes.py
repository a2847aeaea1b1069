"""GB 32100 credit codes, GB/T 2260 region codes, mainland mobile numbers."""

import pytest

from people.codes import (
    CodeError,
    is_mobile,
    make_credit_code,
    normalise_mobile,
    validate_credit_code,
    validate_region_code,
)

REAL_CREDIT_CODES = [
    "914403001922038216",  # Huawei Technologies
    "91350100M000100Y43",  # the GB 32100 worked example
    "91110108551385082Q",
    "12100000400000624D",  # a public institution
]


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_real_credit_codes_accepted(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "error", "fragment"),
    [
        ("91440300192203821", "credit_code_length", "18位"),
        ("9144030019220382161", "credit_code_length", "19位"),
        ("91440300192203821I", "credit_code_chars", "I"),
        ("91440300192203821o", "credit_code_chars", "o"),
        ("9144030019220382S6", "credit_code_chars", "S"),
        ("91AB0300192203821X", "credit_code_region", "行政区划"),
        ("914403001922038217", "credit_code_check", "应为 6"),
    ],
)
def test_bad_credit_codes_rejected_with_specific_message(code, error, fragment):
    with pytest.raises(CodeError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error
    assert fragment in exc.value.message


def test_make_credit_code_produces_valid_codes():
    validate_credit_code(make_credit_code("11513300MB1234567"))


@pytest.mark.parametrize(
    "code",
    ["510000", "513300", "513301", "513322", "513338", "513301100", "513301100001"],
)
def test_real_region_codes_accepted(code):
    validate_region_code(code)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("51330", "region_code_length"),
        ("5133011", "region_code_length"),
        ("51330A", "region_code_chars"),
        ("", "region_code_chars"),
        ("003301", "region_code_province"),
        ("510012", "region_code_shape"),
        ("513300100", "region_code_shape"),
    ],
)
def test_bad_region_codes_rejected(code, error):
    with pytest.raises(CodeError) as exc:
        validate_region_code(code)
    assert exc.value.code == error


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        ("13812345678", True),
        ("138 1234 5678", True),
        ("138-1234-5678", True),
        ("１３８１２３４５６７８", True),  # full-width, from a Chinese input method
        ("12812345678", False),
        ("1381234567", False),
        ("+8613812345678", False),
        ("", False),
    ],
)
def test_mobile_numbers(typed, ok):
    assert is_mobile(normalise_mobile(typed)) is ok
