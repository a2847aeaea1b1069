"""Formats in an item's form definition: dates, and "id-number" (GB 11643)."""

import pytest

from applications.forms import schema_form_class
from applications.selectors import form_errors
from catalog import constants as cc
from people.privacy import make_id_number
from tests.applications.factories import (
    api_client,
    applicable_version,
    hall_and_implementation,
)

VALID = make_id_number("51330119900101001")
SCHEMA = {
    "type": "object",
    "required": ["deceased_id_number"],
    "properties": {
        "deceased_id_number": {
            "type": "string",
            "title": "逝者公民身份号码",
            "maxLength": 18,
            "format": "id-number",
        },
        "date_of_death": {"type": "string", "title": "死亡日期", "format": "date"},
    },
}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (VALID[:-1] + ("0" if VALID[-1] != "0" else "1"), "校验位错误"),
        ("513301199013010012", "不是真实日期"),
        ("51330119900101001", "应为18位"),
        ("5133011990010100AB", "前17位应为数字"),
    ],
)
def test_a_wrong_id_number_is_refused_with_what_is_wrong(value, message):
    errors = form_errors(schema=SCHEMA, data={"deceased_id_number": value})
    assert [e.field for e in errors] == ["$.deceased_id_number"]
    assert errors[0].detail.startswith("“逝者公民身份号码”：")
    assert message in errors[0].detail


def test_a_valid_id_number_and_date_pass():
    data = {"deceased_id_number": VALID, "date_of_death": "2026-11-30"}
    assert form_errors(schema=SCHEMA, data=data) == []
    assert (
        form_errors(schema=SCHEMA, data={**data, "deceased_id_number": 42})[0].detail
        == "“逝者公民身份号码”应为文字"
    )


def test_a_wrong_date_names_the_expected_form():
    errors = form_errors(
        schema=SCHEMA, data={"deceased_id_number": VALID, "date_of_death": "30/11"}
    )
    assert errors[0].detail == "“死亡日期”格式不正确（应为日期（年-月-日））"


def test_the_web_form_keeps_the_number_normalised():
    form_class = schema_form_class(SCHEMA)
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in VALID[:17]) + VALID[17]
    form = form_class(data={"deceased_id_number": f" {full_width.lower()} "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["deceased_id_number"] == VALID


@pytest.mark.django_db
def test_the_api_refuses_a_wrong_number_field_by_field(applicant):
    version = applicable_version(
        materials=[{"name": "补充说明", "necessity": cc.MaterialNecessity.OPTIONAL}],
        form_schema=SCHEMA,
    )
    impl = hall_and_implementation(version)[1]
    bad = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")
    r = api_client(applicant).post(
        "/api/v1/applications/",
        {
            "implementation": impl.code,
            "form_data": {"deceased_id_number": bad},
            "submit": True,
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="id-1",
    )
    assert r.status_code == 400
    assert r.json()["code"] == "form_invalid"
    assert r.json()["field"] == "$.deceased_id_number"
    assert "校验位错误" in r.json()["detail"]
