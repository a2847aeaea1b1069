"""Plausible application form data for the demo history, from an item's schema.

Only the schema's required fields (and those of nested objects) are filled,
each from its type, enum, pattern and format, with values that read like a
real applicant's; the caller checks the result with applications'
``form_errors`` and tries again (or gives up on the item) when a conditional
rule of the schema wants more.
"""

from __future__ import annotations

import datetime as dt
import random

from people.privacy import make_id_number

ADDRESSES = {
    "513300": "康定市炉城街道向阳街{n}号",
    "513301": "康定市炉城街道东大街{n}号",
    "513322": "泸定县泸桥镇滨河路{n}号",
    "513334": "理塘县高城镇团结路{n}号",
    "513337": "稻城县金珠镇贡嘎路{n}号",
}

PERSON_KEYS = (
    "contact_name",
    "legal_representative",
    "guardian_name",
    "male_name",
    "female_name",
    "spouse_name",
    "buyer_name",
    "emergency_contact",
    "mail_recipient",
    "agent_name",
    "pharmacist",
    "safety_manager",
    "accountant",
    "deceased_name",
    "insured_name",
)
CHILD_KEYS = ("child_name", "baby_name")
TEXTS = {
    "business_scope": "餐饮服务；预包装食品销售",
    "description": "家中突发变故，生活暂时困难，申请临时救助",
    "destination": "香港",
    "reason": "业务量增加，现有开票限额不能满足经营需要",
    "change_detail": "变更住所至新经营场所",
    "hospital": "甘孜藏族自治州人民医院",
    "birth_place": "甘孜藏族自治州人民医院",
    "last_employer": "康定跑马山旅游开发有限公司",
    "subject": "语文",
    "school": "康定市第一小学",
    "project_name": "康定新城配套服务用房项目",
    "location": "康定市榆林街道新城片区",
    "contractor": "四川甘孜建设工程有限公司",
    "supervisor_firm": "甘孜州建设监理有限公司",
    "builder": "甘孜州城市建设投资有限公司",
    "current_housing": "租住私房",
    "province": "四川省",
    "city": "成都市",
    "certificate_no": "川（2024）康定市不动产权第0012345号",
    "land_certificate": "川（2025）康定市不动产权第0003456号",
    "project_code": "2508-513301-04-01-123456",
    "members": "本人、配偶、子女",
}


def _date(rng: random.Random, ctx: dict, key: str) -> str:
    today = ctx["today"]
    if key == "child_birth_date":
        days = rng.randint(6 * 365, 7 * 365)
    elif key == "birth_date" and "高龄" in ctx["item"]:
        days = rng.randint(80 * 365, 90 * 365)
    elif key in ("appointment_date", "expected_date", "site_visit_date", "start_date"):
        return (today + dt.timedelta(days=rng.randint(5, 40))).isoformat()
    elif key == "birth_date":
        days = rng.randint(1, 40)
    else:
        days = rng.randint(10, 400)
    return (today - dt.timedelta(days=days)).isoformat()


def _number(rng: random.Random, prop: dict, integer: bool):
    low = prop.get("minimum", prop.get("exclusiveMinimum", 0) + (1 if integer else 0.5))
    high = prop.get("maximum", max(low, 1) * 50 if integer else 500000)
    low, high = max(low, 1), max(low, min(high, 10**6))
    value = (
        rng.randint(int(low), int(high))
        if integer
        else round(rng.uniform(low, high), 0)
    )
    return int(value) if integer else float(value)


def fill(schema: dict, rng: random.Random, ctx: dict, *, plain: bool = False):
    """A value for ``schema``; ``plain`` takes every enum's first choice."""
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {
            key: fill_field(key, props.get(key, {}), rng, ctx, plain=plain)
            for key in schema.get("required", [])
        }
    return fill_field("", schema, rng, ctx, plain=plain)


def fill_field(key: str, prop: dict, rng: random.Random, ctx: dict, *, plain: bool):
    kind = prop.get("type")
    if "enum" in prop:
        return (
            prop["enum"][0] if plain or key == "delivery" else rng.choice(prop["enum"])
        )
    if kind == "object":
        return fill(prop, rng, ctx, plain=plain)
    if kind == "array":
        items = prop.get("items", {})
        count = max(1, prop.get("minItems", 1))
        if "enum" in items:
            choices = items["enum"]
            return (
                choices[:count]
                if plain
                else rng.sample(choices, min(len(choices), count + rng.randint(0, 1)))
            )
        return [fill_field(key, items, rng, ctx, plain=plain) for _ in range(count)]
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        return _number(rng, prop, kind == "integer")
    return _text(key, prop, rng, ctx)


def _text(key: str, prop: dict, rng: random.Random, ctx: dict) -> str:
    fmt = prop.get("format")
    if fmt == "date":
        return _date(rng, ctx, key)
    if fmt == "id-number":
        return make_id_number(
            f"{ctx['region'][:6]}19{rng.randint(40, 60)}0315{rng.randint(100, 999)}"
        )
    pattern = prop.get("pattern", "")
    if key.endswith("phone") or pattern.startswith("^1"):
        return ctx["phone"]
    if key == "credit_code":
        return ctx["credit_code"]
    if key in ("entity_name", "shop_name"):
        return ctx["entity_name"]
    if key in PERSON_KEYS:
        return ctx["name"]
    if key in CHILD_KEYS:
        return ctx["name"][:1] + rng.choice(("小龙", "雪梅", "卓玛", "扎西", "思源"))
    if "address" in key:
        return ADDRESSES.get(ctx["region"][:6], ADDRESSES["513301"]).format(
            n=rng.randint(1, 120)
        )
    if key == "bank_account":
        return "6228" + "".join(str(rng.randint(0, 9)) for _ in range(15))
    if key == "old_passport_no":
        return f"E{rng.randint(10000000, 99999999)}"
    if key in TEXTS:
        return TEXTS[key]
    return "详见所附材料"
