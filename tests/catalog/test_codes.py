import pytest

from catalog.codes import validate_basic_code, validate_implementation_code
from people.codes import (
    CodeError,
    make_credit_code,
)


def test_basic_code_rules():
    validate_basic_code("000173006000")
    for bad, error in [
        ("00017300600", "basic_code_length"),
        ("00017300600a", "basic_code_chars"),
        ("0001730060-0", "basic_code_chars"),
    ]:
        with pytest.raises(CodeError) as exc:
            validate_basic_code(bad)
        assert exc.value.code == error


def test_implementation_code_checks_every_part():
    credit = make_credit_code("11513301MB0000001")
    good = credit + "4" + "000173006000"
    validate_implementation_code(good, credit_code=credit, basic_code="000173006000")
    cases = [
        (good[:-1], "implementation_code_length"),
        (
            credit[:-1] + ("0" if credit[-1] != "0" else "1") + "4000173006000",
            "implementation_code_credit",
        ),
        (credit + "9" + "000173006000", "implementation_code_level"),
        (credit + "4" + "00017300600a", "implementation_code_basic"),
    ]
    for code, error in cases:
        with pytest.raises(CodeError) as exc:
            validate_implementation_code(code)
        assert exc.value.code == error, code
    with pytest.raises(CodeError) as exc:
        validate_implementation_code(good, basic_code="000173006001")
    assert exc.value.code == "implementation_code_item"
    other = make_credit_code("11513301MB0000002")
    with pytest.raises(CodeError) as exc:
        validate_implementation_code(good, credit_code=other)
    assert exc.value.code == "implementation_code_body"
