import pytest

from evidence.codes import (
    make_identifier,
    mask_credit_code,
    mod37_36_check_char,
    mod37_36_valid,
    parse_identifier,
)
from people.codes import CodeError, make_credit_code

TYPE = make_credit_code("11100000MB0143028") + "001"
ISSUER = make_credit_code("11513301MB0000001")


def test_mod37_36_known_vector():
    # The ISO 7064 example also used by python-stdnum's documentation.
    assert mod37_36_check_char("A12425GABC1234002") == "M"
    assert mod37_36_valid("A12425GABC1234002M")
    assert not mod37_36_valid("A12425GABC1234002N")


def test_identifier_round_trip():
    ident = make_identifier(type_code=TYPE, issuer_code=ISSUER, serial="2026000001")
    assert ident.startswith(
        "1.2.156.3005.2." + TYPE + "." + ISSUER + ".2026000001.001."
    )
    parts = parse_identifier(ident)
    assert (parts.serial, parts.version) == ("2026000001", "001")
    assert str(parts) == ident


@pytest.mark.parametrize("position", ["check", "serial", "version"])
def test_corrupted_identifier_fails_its_check(position):
    ident = make_identifier(type_code=TYPE, issuer_code=ISSUER, serial="2026000001")
    head, serial, version, check = ident.rsplit(".", 3)
    if position == "check":
        check = "0" if check != "0" else "1"
    elif position == "serial":
        serial = "2026000002"
    else:
        version = "002"
    with pytest.raises(CodeError) as exc:
        parse_identifier(".".join([head, serial, version, check]))
    assert exc.value.code == "identifier_check"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "identifier_empty"),
        ("2.16.156.1." + TYPE, "identifier_prefix"),
        ("1.2.156.3005.2." + TYPE + "." + ISSUER + ".1.001", "identifier_shape"),
        (
            "1.2.156.3005.2." + TYPE[:20] + "." + ISSUER + ".1.001.X",
            "identifier_type_code",
        ),
        (
            "1.2.156.3005.2." + TYPE + "." + ISSUER[:17] + "0.1.001.X",
            "identifier_issuer",
        ),
        ("1.2.156.3005.2." + TYPE + "." + ISSUER + ".ab-1.001.X", "identifier_serial"),
        ("1.2.156.3005.2." + TYPE + "." + ISSUER + ".1.01.X", "identifier_version"),
        ("1.2.156.3005.2." + TYPE + "." + ISSUER + ".1.001.XY", "identifier_check"),
        ("1" * 200, "identifier_length"),
    ],
)
def test_malformed_identifiers(value, code):
    with pytest.raises(CodeError) as exc:
        parse_identifier(value)
    assert exc.value.code == code


def test_mask_credit_code():
    assert mask_credit_code("91513301MA6XK8YQ3X") == "91513301******YQ3X"
