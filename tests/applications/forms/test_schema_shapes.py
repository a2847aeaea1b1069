"""Every JSON-Schema shape of a form as a real control, and values in words."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from applications.form_display import form_display, value_text
from applications.forms import schema_form_class
from applications.selectors import form_errors
from applications.views.desk_forms import as_post

SEALS = ["单位公章", "财务专用章", "发票专用章"]
SCHEMA = {
    "type": "object",
    "required": ["seals"],
    "properties": {
        "seals": {
            "type": "array",
            "title": "刻制印章",
            "items": {"type": "string", "enum": SEALS},
            "uniqueItems": True,
            "minItems": 1,
        },
        "members": {
            "type": "array",
            "title": "家庭成员",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "title": "姓名", "maxLength": 50},
                    "relation": {
                        "type": "string",
                        "title": "关系",
                        "enum": ["配偶", "子女"],
                    },
                    "income": {"type": "number", "title": "月收入（元）"},
                },
                "required": ["name", "relation"],
            },
        },
        "count": {"type": "integer", "title": "人数"},
        "amount": {"type": "number", "title": "金额"},
        "day": {"type": "string", "format": "date", "title": "日期"},
        "agree": {"type": "boolean", "title": "同意"},
        "kind": {"type": "string", "title": "类别", "enum": ["甲", "乙"]},
    },
}


def render(form) -> str:
    with translation.override("zh-hans"):
        return "".join(
            render_to_string("applications/_field.html", {"field": f}) for f in form
        )


def test_every_shape_is_a_control_not_a_json_text_area():
    html = render(schema_form_class(SCHEMA)())
    assert "<textarea" not in html
    assert html.count('type="checkbox" name="seals"') == 3
    assert 'name="members-0-name"' in html and 'name="members-1-relation"' in html
    assert 'type="number" name="count"' in html
    assert 'type="date"' in html
    assert '<select name="kind"' in html
    assert "<legend>刻制印章" in html


def test_ticked_boxes_become_a_list_in_the_schemas_order():
    form = schema_form_class(SCHEMA)(
        data={
            "seals": ["发票专用章", "单位公章"],
            "members-0-name": "卓玛",
            "members-0-relation": "配偶",
            "members-0-income": "1200",
            "members-1-name": "",  # a blank row is dropped
            "members-1-relation": "",
        }
    )
    assert form.is_valid(), form.errors
    data = form.to_form_data()
    assert data["seals"] == ["单位公章", "发票专用章"]
    assert data["members"] == [{"name": "卓玛", "relation": "配偶", "income": 1200.0}]
    assert form_errors(schema=SCHEMA, data=data) == []


def test_a_choice_outside_the_options_is_refused_by_the_form_and_the_schema():
    form = schema_form_class(SCHEMA)(data={"seals": ["私章"]})
    assert not form.is_valid()
    assert "seals" in form.errors
    errors = form_errors(schema=SCHEMA, data={"seals": ["私章"]})
    assert errors[0].field == "$.seals[0]"
    assert "只能选择" in errors[0].detail


def test_duplicates_are_refused_by_the_schema_and_collapsed_by_the_form():
    errors = form_errors(schema=SCHEMA, data={"seals": ["单位公章", "单位公章"]})
    assert [e.detail for e in errors] == ["“刻制印章”有重复的项"]
    form = schema_form_class(SCHEMA)(data={"seals": ["单位公章", "单位公章"]})
    assert form.is_valid()
    assert form.to_form_data()["seals"] == ["单位公章"]


def test_a_bad_value_in_a_row_names_the_row():
    form = schema_form_class(SCHEMA)(
        data={"members-0-name": "卓玛", "members-0-income": "很多"}
    )
    assert not form.is_valid()
    assert "第1行“月收入（元）”" in form.errors["members"][0]


def test_saved_lists_and_rows_come_back_into_the_page():
    saved = {
        "seals": ["财务专用章"],
        "members": [{"name": "卓玛", "relation": "子女"}],
    }
    form_class = schema_form_class(SCHEMA)
    html = render(form_class(form_data=saved))
    assert 'value="财务专用章"' in html.split("checked")[0].rsplit("<input", 1)[1]
    assert 'value="卓玛"' in html
    again = form_class(data=as_post(form_class, saved))
    assert again.is_valid(), again.errors
    assert again.to_form_data() == {**saved, "agree": False}


def test_values_are_shown_as_people_write_them():
    data = {
        "seals": ["单位公章", "财务专用章"],
        "members": [
            {"name": "卓玛", "relation": "配偶", "income": 1200.0},
            {"name": "扎西", "relation": "子女"},
        ],
        "amount": 3.5,
        "count": 2,
        "agree": False,
    }
    with translation.override("zh-hans"):
        rows = {r["label"]: r["value"] for r in form_display(SCHEMA, data)}
    assert rows["刻制印章"] == "单位公章、财务专用章"
    assert rows["家庭成员"] == (
        "姓名：卓玛，关系：配偶，月收入（元）：1200；姓名：扎西，关系：子女"
    )
    assert rows["金额"] == "3.5"
    assert rows["同意"] == "否"


def test_a_shape_nobody_declared_still_reads_as_words():
    assert value_text({}, {"a": [1, 2], "b": None}) == "a：1、2"
    assert value_text({}, [[1, 2], [3]]) == "1、2、3"
