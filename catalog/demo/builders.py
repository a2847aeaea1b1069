"""Small helpers that keep the demo item definitions short and uniform.

They build plain dicts and tuples; the loader turns them into rows through
catalog.services. Nothing here touches the database.
"""

from __future__ import annotations

from typing import Any

from catalog import constants as c

NATURAL = c.ServedParty.NATURAL.value
LEGAL = c.ServedParty.LEGAL.value
WINDOW = c.Channel.WINDOW.value
ONLINE = c.Channel.ONLINE.value
POST = c.Channel.POST.value
WORKING = c.LimitUnit.WORKING_DAYS.value
NATURAL_DAYS = c.LimitUnit.NATURAL_DAYS.value

COMPLAINT = "12345政务服务便民热线；甘孜州政务服务管理局监督电话 0836-2832345"
ALL_FLAGS = [1, 2, 3, 4, 5, 6, 7]


def law(name: str, article: str = "", text: str = "") -> dict[str, str]:
    return {"law": name, "article": article, "text": text}


def fee(
    item: str, standard: str, basis: str, reduction: str = "", online: bool = True
) -> dict[str, Any]:
    return {
        "item": item,
        "standard": standard,
        "basis": basis,
        "reduction": reduction,
        "online_payment": online,
    }


def result(name: str, kind: str = "证照", sample: str = "") -> dict[str, str]:
    return {"type": kind, "name": name, "sample": sample}


def mat(
    name: str,
    *,
    form: str = "original",
    medium: str = "both",
    copies: int = 1,
    source: str = "applicant",
    necessity: str = "required",
    cert: str | None = None,
    basis: str = "",
    notes: str = "",
    source_note: str = "",
) -> dict[str, Any]:
    """A material; ``cert`` (a certificate key) implies the e-certificate source."""
    if cert is not None:
        source = "ecert"
    if medium == "electronic":
        copies = 0
    return {
        "name": name,
        "form": form,
        "medium": medium,
        "paper_copies": copies,
        "source": source,
        "source_note": source_note,
        "necessity": necessity,
        "cert": cert,
        "legal_basis": basis,
        "notes": notes,
    }


def id_card(who: str = "申请人", **kw) -> dict[str, Any]:
    kw.setdefault("notes", "可调取电子证照，无需提交复印件")
    return mat(f"{who}居民身份证", cert="id_card", **kw)


def hukou(who: str = "申请人", **kw) -> dict[str, Any]:
    kw.setdefault("notes", "可调取电子户口簿")
    return mat(f"{who}居民户口簿", cert="hukou", **kw)


def licence(**kw) -> dict[str, Any]:
    kw.setdefault("notes", "已领取电子营业执照的无需提交纸质件")
    return mat("营业执照", cert="license", **kw)


def step(
    name: str,
    days: int,
    *,
    kind: str = "",
    dept: str | None = None,
    action: str = "",
    site: bool = False,
    special: bool = False,
) -> dict[str, Any]:
    """A process step by department kind (routed locally) or a named body."""
    return {
        "name": name,
        "limit_days": days,
        "department_kind": kind,
        "dept": dept,
        "action": action,
        "site_inspection": site,
        "special_procedure": special,
    }


def stage(name: str, *steps: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "steps": list(steps)}


def faq(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"q": q, "a": a} for q, a in pairs]


# --- application form fields (JSON Schema properties) -----------------------


def text(title: str, *, max_length: int = 100, **extra) -> dict[str, Any]:
    return {"type": "string", "title": title, "maxLength": max_length, **extra}


def choice(title: str, options: list[str], **extra) -> dict[str, Any]:
    return {"type": "string", "title": title, "enum": options, **extra}


def choices(title: str, options: list[str], **extra) -> dict[str, Any]:
    return {
        "type": "array",
        "title": title,
        "items": {"type": "string", "enum": options},
        "uniqueItems": True,
        "minItems": 1,
        **extra,
    }


def number(title: str, *, minimum: float = 0, **extra) -> dict[str, Any]:
    return {"type": "number", "title": title, "minimum": minimum, **extra}


def integer(title: str, *, minimum: int = 0, **extra) -> dict[str, Any]:
    return {"type": "integer", "title": title, "minimum": minimum, **extra}


def date(title: str, **extra) -> dict[str, Any]:
    return {"type": "string", "title": title, "format": "date", **extra}


def flag(title: str, **extra) -> dict[str, Any]:
    return {"type": "boolean", "title": title, **extra}


PHONE = text(
    "联系电话",
    max_length=11,
    pattern=r"^1[3-9]\d{9}$",
    description="11位手机号码，用于接收办理进度短信",
)
CREDIT_CODE = text(
    "统一社会信用代码",
    max_length=18,
    pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
)
BY_POST = "邮政速递（免费寄递）"
DELIVERY = choice("结果领取方式", ["窗口领取", BY_POST], default="窗口领取")
MAIL_ADDRESS = text(
    "邮寄地址",
    max_length=200,
    description="选择邮政速递时填写：省市县（区）、乡镇（街道）、村（社区）及门牌号",
)
MAIL_RECIPIENT = text("收件人", max_length=50)


def when(field: str, value: Any, *required: str) -> dict[str, Any]:
    """An if/then rule: ``required`` fields apply only when ``field`` is ``value``."""
    return {
        "if": {"properties": {field: {"const": value}}, "required": [field]},
        "then": {"required": list(required)},
    }


def with_order(schema: Any) -> Any:
    """``schema`` with "x-order" on every object that has properties (the
    order written here; PostgreSQL's jsonb keeps its own)."""
    if isinstance(schema, list):
        return [with_order(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: with_order(v) for k, v in schema.items()}
    if isinstance(out.get("properties"), dict) and "x-order" not in out:
        out["x-order"] = list(out["properties"])
    return out


def form(
    title: str,
    fields: dict[str, dict[str, Any]],
    required: list[str],
    *,
    rules: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A form definition. A form whose "delivery" offers post (an option
    with 邮) asks for the mailing address and recipient right after the
    choice, only when post is chosen (an if/then rule;
    applications.form_conditions)."""
    rules = list(rules or [])
    by_post = next(
        (o for o in fields.get("delivery", {}).get("enum", []) if "邮" in o), None
    )
    if by_post:
        laid_out: dict[str, dict[str, Any]] = {}
        for name, prop in fields.items():
            laid_out[name] = prop
            if name == "delivery":
                laid_out["mail_recipient"] = MAIL_RECIPIENT
                laid_out["mail_address"] = MAIL_ADDRESS
        fields = laid_out
        rules.append(when("delivery", by_post, "mail_recipient", "mail_address"))
    schema: dict[str, Any] = {
        "title": title,
        "type": "object",
        "properties": fields,
        "required": required,
        # The order written here (PostgreSQL's jsonb keeps its own).
        "x-order": list(fields),
    }
    if rules:
        schema["allOf"] = rules
    return schema


def person_form(
    title: str, extra: dict[str, dict[str, Any]], required: list[str], **kwargs
):
    # The applicant's name and ID number come from the real-name profile
    # (ApplicantProfile); the form never asks for them again (docs/domain.md, Privacy).
    fields = {
        "phone": PHONE,
        **extra,
    }
    return form(title, fields, ["phone", *required], **kwargs)


def company_form(
    title: str, extra: dict[str, dict[str, Any]], required: list[str], **kwargs
):
    fields = {
        "entity_name": text("单位（经营者）名称", max_length=100),
        "credit_code": CREDIT_CODE,
        "contact_name": text("联系人", max_length=50),
        "phone": PHONE,
        **extra,
    }
    return form(
        title,
        fields,
        ["entity_name", "credit_code", "contact_name", "phone", *required],
        **kwargs,
    )


# --- whole items -------------------------------------------------------------


def limit(value: int, note: str = "", unit: str = WORKING) -> tuple[int, str, str]:
    return (value, unit, note)


def item(
    code: str,
    name: str,
    item_type: str,
    lead: str,
    *,
    parties: list[str],
    bases: list[dict[str, str]],
    conditions: list[str],
    statutory: tuple[int, str, str],
    promised: tuple[int, str, str],
    channels: list[str],
    depth: int,
    flags: list[int],
    visits: int,
    materials: list[dict[str, Any]],
    stages: list[dict[str, Any]],
    results: list[dict[str, str]],
    form_schema: dict[str, Any],
    faqs: list[dict[str, str]],
    visits_reason: str = "",
    result_cert: str = "",
    fees: list[dict[str, Any]] | None = None,
    hot: int = 0,
    themes: tuple[str, ...] = (),
    keywords: str = "",
    immediate: bool = False,
    by_post: bool = False,
    appointment: bool = False,
    quota: str = "",
    courier: bool = False,
    self_service: bool = False,
    special: list[dict[str, str]] | None = None,
    co_handling: str = "",
    power_source: str = "法定本级行使",
    consult: str | None = None,
    complaint: str = COMPLAINT,
    impls: list[str] | None = None,
    points: bool = False,
) -> dict[str, Any]:
    """One demo item: the version fields plus children and implementations.

    Contacts, review and litigation bodies, place and hours default from the
    lead body and its hall, so each definition only states what is particular.
    """
    from .departments import DEPARTMENTS, REGION_COURTS, REGION_GOVERNMENTS
    from .halls import HALL_OF_REGION, HALLS

    body = DEPARTMENTS[lead]
    region = body["region"]
    hall = HALLS[HALL_OF_REGION[region]]
    level_name = "州级" if body["level"] == "3" else "县级"
    version = {
        "legal_bases": bases,
        "power_source": power_source,
        "authority_level": level_name,
        "implementing_nature": body["nature"],
        "co_handling_bodies": co_handling,
        "acceptance_conditions": conditions,
        "served_parties": parties,
        "statutory_limit_value": statutory[0],
        "statutory_limit_unit": statutory[1],
        "statutory_limit_note": statutory[2],
        "promised_limit_value": promised[0],
        "promised_limit_unit": promised[1],
        "promised_limit_note": promised[2],
        "is_immediate": immediate,
        "special_procedures": special or [],
        "channels": channels,
        "fees": fees or [],
        "results": results,
        "result_by_post": by_post,
        "place": f"{hall['name']}（{hall['address']}）",
        "hours": hall["hours"],
        "appointment": appointment,
        "appointment_quota": quota,
        "courier": courier,
        "self_service": self_service,
        "depth": depth,
        "depth_flags": flags,
        "visits": visits,
        "visits_reason": visits_reason,
        "consult_channels": consult
        or f"{body['name']}咨询电话 {body['phone']}；甘孜州政务服务网在线咨询",
        "complaint_channels": complaint,
        "review_body": REGION_GOVERNMENTS[region],
        "litigation_body": REGION_COURTS[region],
        "faq": faqs,
        "form_schema": with_order(form_schema),
        "keywords": keywords,
    }
    return {
        "code": code,
        "name": name,
        "type": item_type,
        "lead": lead,
        "hot": hot,
        "themes": list(themes),
        "version": version,
        "materials": materials,
        "stages": stages,
        "impls": impls if impls is not None else [lead],
        "points": points,
        "result_cert": result_cert,
    }


def simple_item(
    code: str,
    name: str,
    item_type: str,
    lead: str,
    *,
    bases: list[dict[str, str]],
    results: list[dict[str, str]] | None = None,
    keywords: str = "",
    themes: tuple[str, ...] = (),
    impls: list[str] | None = None,
) -> dict[str, Any]:
    """A power that takes no application (penalty, coercion, inspection)."""
    from .departments import DEPARTMENTS, REGION_COURTS, REGION_GOVERNMENTS

    body = DEPARTMENTS[lead]
    version = {
        "legal_bases": bases,
        "power_source": "法定本级行使",
        "authority_level": "州级" if body["level"] == "3" else "县级",
        "implementing_nature": body["nature"],
        "depth": 1,
        "visits": 0,
        "results": results or [],
        "consult_channels": f"{body['name']}咨询电话 {body['phone']}",
        "complaint_channels": COMPLAINT,
        "review_body": REGION_GOVERNMENTS[body["region"]],
        "litigation_body": REGION_COURTS[body["region"]],
        "keywords": keywords,
    }
    return {
        "code": code,
        "name": name,
        "type": item_type,
        "lead": lead,
        "hot": 0,
        "themes": list(themes),
        "version": version,
        "materials": [],
        "stages": [],
        "impls": impls if impls is not None else [lead],
        "points": False,
    }
