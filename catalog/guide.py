"""The service guide as display data: one shape for the HTML page, print and PDF.

Turns a published version (loaded with catalog.selectors.version_guide) and
its implementations into plain strings and lists, so the templates and the
PDF show exactly the same elements. Reads only what the selectors already
loaded: no queries here beyond what the caller prefetched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.templatetags.portal_ui import bo_text
from portal.workdays import add_working_days

from . import constants as c
from .models import Implementation, ServiceItemVersion
from .selectors import implementation_guide

Row = tuple[str, str]


def _label(choices, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def yes_no(value: bool) -> str:
    return _("是") if value else _("否")


def supported(value: bool) -> str:
    return _("支持") if value else _("不支持")


def limit_text(value: int | None, unit: str, note: str = "") -> str:
    if value is None:
        return _("无")
    text = _("%(value)s个%(unit)s") % {
        "value": value,
        "unit": _label(c.LimitUnit, unit),
    }
    return f"{text}（{note}）" if note else text


def parties_text(parties: list) -> str:
    return "、".join(_label(c.ServedParty, p) for p in parties or []) or _("无")


def channels_text(channels: list) -> str:
    return "、".join(_label(c.Channel, ch) for ch in channels or []) or _("无")


def depth_text(depth: int | None) -> str:
    return _label(c.OnlineDepth, depth) if depth else _("无")


def fee_text(fee: dict) -> str:
    if not isinstance(fee, dict):
        return str(fee)
    return "：".join(p for p in (fee.get("item", ""), fee.get("standard", "")) if p)


def fees_text(fees: list) -> str:
    return "；".join(fee_text(f) for f in fees or []) or _("不收费")


def visits_text(visits: int | None) -> str:
    return _("%(n)s次") % {"n": visits if visits is not None else "-"}


def _text(value: Any) -> str:
    if value in (None, "", []):
        return _("无")
    if isinstance(value, list):
        return "；".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    return str(value)


def variance_value_text(name: str, value: Any, version: ServiceItemVersion) -> str:
    """A variance field's value (standard or local) in words."""
    if name == "promised_limit_value":
        return limit_text(value, version.promised_limit_unit)
    if name == "fees":
        return fees_text(value)
    if name == "visits":
        return visits_text(value)
    if name == "channels":
        return channels_text(value)
    if name == "depth":
        return depth_text(value)
    if name in ("appointment", "courier"):
        return supported(bool(value))
    return _text(value)


def faq_pairs(faq: list) -> list[Row]:
    """FAQ entries as (question, answer); accepts {q,a}, {question,answer}, text."""
    pairs = []
    for entry in faq or []:
        if isinstance(entry, dict):
            q = entry.get("q") or entry.get("question") or ""
            a = entry.get("a") or entry.get("answer") or ""
            pairs.append((str(q), str(a)))
        elif entry:
            pairs.append((str(entry), ""))
    return pairs


@dataclass
class MaterialRow:
    order: int
    name: str
    form: str
    medium: str
    copies: str
    source: str
    necessity: str
    necessity_code: str
    certificate: str
    blank_form_url: str
    sample_url: str
    legal_basis: str
    notes: str
    name_bo: str = ""


@dataclass
class StepRow:
    name: str
    department: str
    action: str
    limit: str
    site_inspection: bool
    special_procedure: bool
    department_bo: str = ""


@dataclass
class StageRow:
    order: int
    name: str
    steps: list[StepRow]

    @property
    def parallel(self) -> bool:
        return len(self.steps) > 1


@dataclass
class VarianceRow:
    field: str
    label: str
    standard: str
    local: str
    reason: str
    approved_on: str


@dataclass
class ImplementationView:
    implementation: Implementation
    region: str
    department: str
    code: str
    hall: str
    hall_address: str
    windows: list[str]
    hours: str
    consult_phone: str
    complaint_phone: str
    service_points: list[str]
    variances: list[VarianceRow]
    region_bo: str = ""
    department_bo: str = ""


@dataclass
class Guide:
    version: ServiceItemVersion
    basics: list[Row]
    legal_bases: list[dict]
    conditions: list[str]
    conditions_bo: list[str]
    limits: list[Row]
    special_procedures: list[dict]
    stages: list[StageRow]
    channels: str
    materials: list[MaterialRow]
    fees: list[dict]
    results: list[dict]
    handling: list[Row]
    depth: str
    depth_flags: list[tuple[str, bool]]
    visits: str
    visits_reason: str
    contacts: list[Row]
    faq: list[Row]
    implementations: list[ImplementationView]

    @property
    def item(self):
        return self.version.item

    @property
    def fee_summary(self) -> str:
        if not self.fees:
            return _("不收费")
        if len(self.fees) == 1 and self.fees[0].get("standard"):
            return str(self.fees[0]["standard"])
        return _("%(n)s项收费") % {"n": len(self.fees)}

    @property
    def key_facts(self) -> list[Row]:
        v = self.version
        return [
            (
                _("承诺时限"),
                _("即办")
                if v.is_immediate
                else limit_text(v.promised_limit_value, v.promised_limit_unit),
            ),
            (_("到现场次数"), self.visits),
            (_("收费"), self.fee_summary),
            (_("网办深度"), self.depth),
        ]


@dataclass
class PromiseDate:
    """When an application accepted today would be finished at the latest."""

    due: dt.date
    provisional: bool  # rests on a year whose holiday notice is not published
    explain_url: str  # the public calculator's explanation ('' for natural days)

    @property
    def text(self) -> str:
        return _("如今天受理，承诺于%(date)s前办结") % {
            "date": _("%(y)d年%(m)d月%(d)d日")
            % {"y": self.due.year, "m": self.due.month, "d": self.due.day}
        }

    @property
    def provisional_text(self) -> str:
        return _("（节假日安排以公布为准）") if self.provisional else ""

    @property
    def explain_text(self) -> str:
        return _("查看工作日如何计算")

    @property
    def note(self) -> str:
        return _("期限从受理次日起算，以实际受理之日为准。")


def promise_date(
    version: ServiceItemVersion, today: dt.date | None = None
) -> PromiseDate | None:
    """The promised limit counted from today (today itself not counted).

    None for an immediate item or one without a promised limit. Natural days
    are plain date arithmetic; working days use the current working-day
    calendar (portal.workdays), as the clocks of an accepted case do.
    """
    value = version.promised_limit_value
    if version.is_immediate or not value:
        return None
    today = today or timezone.localdate()
    if version.promised_limit_unit == c.LimitUnit.NATURAL_DAYS:
        return PromiseDate(today + dt.timedelta(days=value), False, "")
    due, provisional = add_working_days(today, value)
    query = urlencode({"from": today.isoformat(), "days": value})
    url = f"{reverse('api-calendar-working-days')}?{query}"
    return PromiseDate(due, provisional, url)


def _file_url(f) -> str:
    try:
        return f.url if f else ""
    except ValueError:
        return ""


def build_guide(
    version: ServiceItemVersion, implementations: list[Implementation] | None = None
) -> Guide:
    """Every guide element of ``version``, plus its implementations by region."""
    v = version
    item = v.item
    lead = item.lead_department
    basics: list[Row] = [
        (_("事项名称"), v.name),
        (_("基本编码"), item.basic_code),
        (_("事项类型"), v.get_item_type_display()),
        (_("权力来源"), v.power_source or _("无")),
        (_("行使层级"), v.authority_level or _("无")),
        (_("主管部门"), bo_text(lead, "name") if lead else _("无")),
        (_("实施主体性质"), v.get_implementing_nature_display()),
        (_("委托部门"), v.entrusting_body or _("无")),
        (_("联办机构"), v.co_handling_bodies or _("无")),
        (_("服务对象"), parties_text(v.served_parties)),
        (_("办件类型"), _("即办件") if v.is_immediate else _("承诺件")),
        (_("版本"), f"v{v.version}"),
        (
            _("生效日期"),
            v.effective_from.isoformat() if v.effective_from else _("无"),
        ),
    ]
    limits: list[Row] = [
        (
            _("法定办结时限"),
            limit_text(
                v.statutory_limit_value, v.statutory_limit_unit, v.statutory_limit_note
            ),
        ),
        (
            _("承诺办结时限"),
            limit_text(
                v.promised_limit_value, v.promised_limit_unit, v.promised_limit_note
            ),
        ),
    ]
    stages = []
    for stage in v.stages.all():
        steps = [
            StepRow(
                name=s.name,
                department=(
                    s.department.name
                    if s.department
                    else _("实施地%(kind)s部门") % {"kind": s.department_kind}
                ),
                action=s.action,
                limit=limit_text(s.limit_days, c.LimitUnit.WORKING_DAYS),
                site_inspection=s.site_inspection,
                special_procedure=s.special_procedure,
                department_bo=s.department.name_bo if s.department else "",
            )
            for s in stage.steps.all()
        ]
        stages.append(StageRow(order=stage.order, name=stage.name, steps=steps))
    materials = [
        MaterialRow(
            order=i,
            name=m.name,
            form=m.get_form_display(),
            medium=m.get_medium_display(),
            copies=(
                "-"
                if m.medium == c.MaterialMedium.ELECTRONIC
                else _("%(n)s份") % {"n": m.paper_copies}
            ),
            source=m.get_source_display()
            + (f"（{m.source_note}）" if m.source_note else ""),
            necessity=m.get_necessity_display(),
            necessity_code=m.necessity,
            certificate=m.certificate_type.name if m.certificate_type else "",
            blank_form_url=_file_url(m.blank_form),
            sample_url=_file_url(m.sample),
            legal_basis=m.legal_basis,
            notes=m.notes,
            name_bo=m.name_bo,
        )
        for i, m in enumerate(v.materials.all(), start=1)
    ]
    handling: list[Row] = [
        (_("办理地点"), v.place or _("无")),
        (_("办理时间"), v.hours or _("无")),
        (
            _("预约办理"),
            supported(v.appointment)
            + (f"（{v.appointment_quota}）" if v.appointment_quota else ""),
        ),
        (_("物流快递"), supported(v.courier)),
        (_("结果快递送达"), supported(v.result_by_post)),
        (_("自助终端"), supported(v.self_service)),
    ]
    flags = set(v.depth_flags or [])
    contacts: list[Row] = [
        (_("咨询方式"), v.consult_channels or _("无")),
        (_("监督投诉方式"), v.complaint_channels or _("无")),
        (_("行政复议机关"), v.review_body or _("无")),
        (_("行政诉讼机关"), v.litigation_body or _("无")),
    ]
    return Guide(
        version=v,
        basics=basics,
        legal_bases=[b for b in v.legal_bases or [] if isinstance(b, dict)],
        conditions=[str(x) for x in v.acceptance_conditions or []],
        conditions_bo=[
            x.strip() for x in (v.conditions_bo or "").splitlines() if x.strip()
        ],
        limits=limits,
        special_procedures=[
            p if isinstance(p, dict) else {"name": str(p)}
            for p in v.special_procedures or []
        ],
        stages=stages,
        channels=channels_text(v.channels),
        materials=materials,
        fees=[f for f in v.fees or [] if isinstance(f, dict)],
        results=[r if isinstance(r, dict) else {"name": str(r)} for r in v.results],
        handling=handling,
        depth=depth_text(v.depth),
        depth_flags=[(str(label), n in flags) for n, label in c.DEPTH_FLAGS.items()],
        visits=visits_text(v.visits),
        visits_reason=v.visits_reason,
        contacts=contacts,
        faq=faq_pairs(v.faq),
        implementations=[
            implementation_view(impl, v) for impl in implementations or []
        ],
    )


def implementation_view(
    impl: Implementation, version: ServiceItemVersion
) -> ImplementationView:
    """One region's implementation with its variances beside the standard values."""
    effective = implementation_guide(implementation=impl)
    variances = [
        VarianceRow(
            field=var.field,
            label=str(c.VARIANCE_FIELDS.get(var.field, var.field)),
            standard=variance_value_text(
                var.field, getattr(version, var.field, None), version
            ),
            local=variance_value_text(var.field, var.local_value, version),
            reason=var.reason,
            approved_on=var.approved_on.isoformat() if var.approved_on else "",
        )
        for var in impl.variances.all()
    ]
    hall = impl.hall
    return ImplementationView(
        implementation=impl,
        region=impl.region.name,
        department=impl.department.name,
        code=impl.code,
        hall=hall.name if hall else "",
        hall_address=hall.address if hall else "",
        windows=[f"{w.number} {w.name}" for w in impl.windows.all()],
        hours=(
            impl.hours
            or effective.overrides.get("hours")
            or (hall.hours if hall else "")
            or version.hours
        ),
        consult_phone=impl.consult_phone or (hall.phone if hall else ""),
        complaint_phone=impl.complaint_phone,
        service_points=[r.name for r in impl.service_points.all()],
        variances=variances,
        region_bo=impl.region.name_bo,
        department_bo=impl.department.name_bo,
    )
