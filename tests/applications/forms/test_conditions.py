"""if/then and dependentRequired: in validation, storage and the page."""

from __future__ import annotations

import json

from django.template.loader import render_to_string
from django.utils import translation

from applications.form_conditions import field_conditions, form_active
from applications.forms import schema_form_class
from applications.selectors import form_errors

POST = "邮政速递（免费寄递）"
SCHEMA = {
    "type": "object",
    "required": ["delivery"],
    "properties": {
        "delivery": {
            "type": "string",
            "title": "结果领取方式",
            "enum": ["窗口领取", POST],
        },
        "mail_address": {"type": "string", "title": "邮寄地址", "maxLength": 200},
        "online": {"type": "boolean", "title": "通过网络经营"},
        "shop_name": {"type": "string", "title": "网店名称", "maxLength": 100},
        "agent_name": {"type": "string", "title": "代理人", "maxLength": 50},
        "agent_phone": {"type": "string", "title": "代理人电话", "maxLength": 11},
    },
    "allOf": [
        {
            "if": {
                "properties": {"delivery": {"const": POST}},
                "required": ["delivery"],
            },
            "then": {"required": ["mail_address"]},
        },
        {
            "if": {"properties": {"online": {"const": True}}, "required": ["online"]},
            "then": {"required": ["shop_name"]},
        },
    ],
    "dependentRequired": {"agent_name": ["agent_phone"]},
}


def page(form) -> str:
    with translation.override("zh-hans"):
        return "".join(
            render_to_string("applications/_field.html", {"field": f}) for f in form
        )


def test_post_delivery_asks_for_the_address():
    errors = form_errors(schema=SCHEMA, data={"delivery": POST})
    assert [(e.field, e.detail) for e in errors] == [
        ("$.mail_address", "请填写“邮寄地址”")
    ]
    assert form_errors(schema=SCHEMA, data={"delivery": "窗口领取"}) == []


def test_a_ticked_box_asks_for_its_pair():
    errors = form_errors(schema=SCHEMA, data={"delivery": "窗口领取", "online": True})
    assert [e.field for e in errors] == ["$.shop_name"]


def test_dependent_required_names_both_fields():
    errors = form_errors(
        schema=SCHEMA, data={"delivery": "窗口领取", "agent_name": "次仁"}
    )
    assert [(e.field, e.detail) for e in errors] == [
        ("$.agent_phone", "填写了“代理人”，请同时填写“代理人电话”")
    ]


def test_a_conditional_answer_sent_while_its_condition_is_false_is_dropped():
    data = {"delivery": "窗口领取", "mail_address": "康定市炉城镇", "online": False}
    assert form_active(SCHEMA, data) == {"delivery": "窗口领取", "online": False}
    kept = {"delivery": POST, "mail_address": "康定市炉城镇"}
    assert form_active(SCHEMA, kept) == kept
    # dependentRequired fields are never dropped: they stand on their own.
    assert form_active(SCHEMA, {"agent_phone": "1"}) == {"agent_phone": "1"}


def test_the_page_hides_the_address_until_post_is_chosen_without_javascript():
    form_class = schema_form_class(SCHEMA)
    html = page(form_class(form_data={"delivery": "窗口领取"}))
    address = html.split('name="mail_address"')[0].rsplit('<div class="field"', 1)[1]
    assert address.split(">", 1)[0].endswith(" hidden")
    rule = json.loads(
        address.split('data-when="')[1].split('"')[0].replace("&quot;", '"')
    )
    assert rule == [{"field": "delivery", "values": [POST]}]
    # After a reload with post chosen (posted, or saved) it is shown.
    html = page(form_class(data={"delivery": POST}))
    address = html.split('name="mail_address"')[0].rsplit('<div class="field"', 1)[1]
    assert not address.split(">", 1)[0].endswith(" hidden")
    assert "data-when" in address
    assert field_conditions(SCHEMA, {"online": True})["shop_name"].active


def test_the_dependent_field_says_when_it_is_needed():
    html = page(schema_form_class(SCHEMA)())
    assert "填写了“代理人”时必填" in html
