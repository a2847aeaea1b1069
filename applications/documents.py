"""The written, sealed and dated documents of acceptance review, as A4 PDFs.

行政许可法 Art. 32: acceptance, refusal and the one-time notice are given in
writing, sealed and dated. Three documents, all laid out with portal.pdf (the
vendored CJK font, so Chinese renders on any machine):

- 受理通知书 (acceptance receipt): number, query code and a QR code of the
  public tracking URL, item, applicant (masked), materials received, promised
  completion date;
- 一次性告知书 (one-time notice): every material to supplement with what is
  wrong, how to supplement and by when;
- 不予受理通知书 (refusal): reason, legal basis, and the remedies (review and
  litigation bodies of the pinned item version).

For an applicant whose language is Tibetan (:func:`in_tibetan`) the documents
are bilingual, as the prefecture's own: Tibetan above the Chinese, which
stays the authoritative text. The labels and the refusal's and remedies'
sentences take their Tibetan from the bo catalogue (:func:`tibetan`; the
msgids are the Chinese texts, marked with gettext_lazy, the module listed in
scripts/bo_messages.py), as do the decision documents (workflow.documents).

Pure reads: nothing here changes state. :func:`document_available` says which
documents an application has in its current status; the views answer 404 for
the others. Each document names the applicant in full: it is handed to that
person at the counter or downloaded by them after login (pages others see and
public tracking keep the name masked). No ID number or phone is printed. The
receipt names every department that takes part, and says so when the item
needs the applicant in person (where, and what to bring).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from catalog import constants as cc
from catalog.models import Department, ProcessStep
from portal import pdf

from . import constants as c
from .form_display import form_display
from .models import Application, ApplicationMaterial, SupplementNotice
from .selectors import material_is_satisfied

S = c.ApplicationStatus
SITE_NAME = settings.SITE_NAME
SEAL_TEXT = "（印章）"

RECEIPT = "receipt"
NOTICE = "notice"
REFUSAL = "refusal"
TITLES = {
    RECEIPT: "受理通知书",
    NOTICE: "补正材料一次性告知书",
    REFUSAL: "不予受理通知书",
}
# Bilingual documents (issue 13): for an applicant whose language is Tibetan
# the documents print Tibetan above or beside the Chinese, as the
# prefecture's own documents do. The Chinese stays the authoritative text.
# Terms: locale/bo/GLOSSARY.md; awaiting the prefecture's translation office.
BO_TITLES = {
    RECEIPT: "ཞུ་ཡིག་ལེན་ཟིན་པའི་བརྡ་ཐོ།",
    NOTICE: "ཡིག་ཆ་ཁ་སྐོང་བཅོས་སྒྲིག་གི་ཐེངས་གཅིག་ལ་བརྡ་ཁྱབ་ཡི་གེ",
    REFUSAL: "ལེན་རྒྱུ་མིན་པའི་བརྡ་ཐོ།",
}
BO_RECEIPT_LETTER = (
    "ཁྱེད་ཀྱིས་ཕུལ་བའི་“{item}”གྱི་ཞུ་ཡིག་ཞིབ་བཤེར་བྱས་པར། ཞུ་ཡིག་ཡིག་ཆ་ཚང་ཞིང་"
    "ཁྲིམས་ལྡན་རྣམ་པ་དང་མཐུན་པས། ལས་ཁུངས་འདིས་ {date} ལ་ལེན་པའི་ཐག་གཅོད་བྱས། "
    "ཞུ་ཡིག་ཨང་རྟགས་དང་འཚོལ་ཞིབ་ཨང་གྲངས་ཀྱིས་སྒྲུབ་པའི་མྱུར་ཚད་འཚོལ་རོགས།"
)
BO_NOTICE_LETTER = (
    "ཁྱེད་ཀྱིས་ཕུལ་བའི་“{item}”གྱི་ཞུ་ཡིག་ཞིབ་བཤེར་བྱས་པར། ཞུ་ཡིག་ཡིག་ཆ་མ་ཚང་བའམ་"
    "ཁྲིམས་ལྡན་རྣམ་པ་དང་མི་མཐུན། ཁ་སྐོང་བཅོས་སྒྲིག་བྱ་དགོས་པའི་ནང་དོན་ཡོངས་རྫོགས་"
    "ཐེངས་གཅིག་ལ་གཤམ་དུ་བརྡ་ཁྱབ་བྱེད། （བསྡོམས་ {count}）"
)
BO_NOTICE_DUE = (
    "{due} སྔོན་དུ་གོང་གི་ཡིག་ཆ་ཡོངས་རྫོགས་ཐེངས་གཅིག་ལ་ཁ་སྐོང་བཅོས་སྒྲིག་བྱེད་རོགས། "
    "དྲ་ཐོག་ནས་“ངའི་ཞུ་ཡིག”ནང་ཁ་སྐོང་བྱེད་པའམ་ཡང་ན་ཚོམས་ཆེན་གྱི་སྒེའུ་ཁུང་དུ་ཁ་སྐོང་བྱེད་ཆོག "
    "ཡིག་ཆ་ཚང་རྗེས་ལས་ཁུངས་འདིས་ལས་ཀའི་ཉིན་མོ་ 5 ནང་ལེན་མིན་གྱི་ཐག་གཅོད་བྱེད།"
)
BO_PRECEDENCE = "བོད་ཡིག་ནི་ཕན་གྲོགས་ཡིན། རྒྱ་ཡིག་ལ་གཞི་བཞག་བྱ།"


def in_tibetan(application: Application) -> bool:
    """Whether the applicant reads Tibetan (their profile's language)."""
    profile = getattr(application.applicant, "applicant", None)
    return getattr(profile, "language", "") == "bo"


# The documents' labels printed with their Tibetan (from the bo catalogue,
# locale/bo: scripts/bo_messages.py reads these marks); the sentences are
# marked where they are defined (REFUSAL_LETTER, REMEDIES, ...).
BILINGUAL_LABELS = (
    gettext_lazy("办件编号"),
    gettext_lazy("查询码"),
    gettext_lazy("事项名称"),
    gettext_lazy("实施主体"),
    gettext_lazy("参与办理部门"),
    gettext_lazy("申请人"),
    gettext_lazy("受理日期"),
    gettext_lazy("承诺办结日期"),
    gettext_lazy("告知日期"),
    gettext_lazy("补正期限"),
    gettext_lazy("已收取的申请材料"),
    gettext_lazy("需要补正的材料"),
    gettext_lazy("序号"),
    gettext_lazy("材料名称"),
    gettext_lazy("提交方式"),
    gettext_lazy("存在的问题及补正要求"),
    gettext_lazy("补正方式"),
    gettext_lazy("申请表填写内容"),
    gettext_lazy("不予受理理由"),
    gettext_lazy("法律依据"),
    gettext_lazy("救济途径"),
    gettext_lazy("%(y)d年%(m)d月%(d)d日"),
    gettext_lazy("本通知书"),
)


def chinese(message) -> str:
    """A document text (a msgid, or marked with gettext_lazy) in Chinese,
    whatever the language of the request that asks for the document."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


def tibetan(message, **params) -> str:
    """The Tibetan of a document's Chinese text (a msgid marked for the
    catalogue), with ``params`` filled in; "" when the catalogue has none
    (the document then prints only the Chinese)."""
    msgid = chinese(message)
    with translation.override("bo"):
        text = translation.gettext(msgid)
    if text == msgid:
        return ""
    return text % params if params else text


def bo_date(value: dt.date | dt.datetime | None) -> str:
    """A date as the Tibetan texts write it (སྤྱི་ལོ་ 2026 ཟླ་ 12 ཚེས་ 3)."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return tibetan(
        "%(y)d年%(m)d月%(d)d日", y=value.year, m=value.month, d=value.day
    ) or cn_date(value)


def bilingual_letter(
    message, bo: bool, params: dict, bo_params: dict | None = None
) -> list:
    """A letter paragraph in Chinese (``message % params``), on a bilingual
    document preceded by its Tibetan (``bo_params``: the Tibetan values,
    e.g. dates written the Tibetan way; default ``params``)."""
    paragraphs = []
    if bo:
        text = tibetan(message, **(params if bo_params is None else bo_params))
        if text:
            paragraphs.append(letter_text(text))
    paragraphs.append(letter_text(chinese(message) % params))
    return paragraphs


def bilingual_label(label: str, bo: bool) -> str:
    """A label in Chinese, with its Tibetan below on a bilingual document."""
    text = tibetan(label) if bo else ""
    return f"{label}\n{text}" if text else label


def bilingual_h2(chinese: str, bo: bool):
    return pdf.para(bilingual_label(chinese, bo).replace("\n", "  "), "h2")


# Statuses an application can only have reached through acceptance.
AFTER_ACCEPTANCE = {
    S.ACCEPTED,
    S.IN_REVIEW,
    S.APPROVED,
    S.REJECTED,
    S.DELIVERED,
    S.WITHDRAWN,
    S.CLOSED,
}


# --- which document exists when --------------------------------------------------


def open_notice(application: Application) -> SupplementNotice | None:
    """The one-time notice the applicant is answering now (newest unresolved)."""
    return (
        SupplementNotice.objects.filter(
            application=application, resolved_at__isnull=True
        )
        .order_by("-issued_at", "-pk")
        .first()
    )


def document_available(application: Application, kind: str) -> bool:
    """Whether ``kind`` exists for the application in its current status.

    Receipt: once accepted (it stays a record of the acceptance afterwards).
    Notice: while the supplement is requested. Refusal: once refused (also
    after the refused application is archived).
    """
    if kind == RECEIPT:
        # accepted_at is written by acceptance only, and no status after it
        # leads back before it (constants.TRANSITIONS).
        return application.accepted_at is not None and (
            application.status in AFTER_ACCEPTANCE
        )
    if kind == NOTICE:
        return application.status == S.SUPPLEMENT_REQUESTED
    if kind == REFUSAL:
        return bool(application.refusal_reason) and application.status in (
            S.REFUSED,
            S.CLOSED,
        )
    return False


def tracking_query(application: Application) -> str:
    """The query string of the public tracking page for this application."""
    return urlencode(
        {"number": application.number or "", "query_code": application.query_code}
    )


# --- building blocks -----------------------------------------------------------------


def cn_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


QrCode = pdf.QrCode  # shared with evidence's certificates (portal.pdf)


def paragraph_style(name: str, **kwargs) -> ParagraphStyle:
    return ParagraphStyle(name, parent=pdf.styles()["body"], **kwargs)


def letter_text(text: str):
    """A body paragraph of an official letter: first line indented two characters."""
    body = pdf.styles()["body"]
    return pdf.para(
        text,
        paragraph_style("letter", firstLineIndent=2 * body.fontSize, spaceAfter=6),
    )


@dataclass(frozen=True)
class Parties:
    """Who and where: the lines every document repeats."""

    item_name: str
    item_name_bo: str
    department: str
    applicant: str
    hall_name: str
    hall_address: str
    hall_phone: str


def parties_of(application: Application) -> Parties:
    profile = getattr(application.applicant, "applicant", None)
    person = profile.full_name if profile else application.applicant.display_name
    applicant = person or "—"
    if application.enterprise_id:
        applicant = f"{application.enterprise.name}（经办人：{applicant}）"
    hall = application.hall or application.implementation.hall
    department = application.implementation.department
    return Parties(
        item_name=application.version.name,
        item_name_bo=application.version.name_bo,
        department=department.name,
        applicant=applicant,
        hall_name=hall.name if hall else department.name,
        hall_address=(hall.address if hall else department.address) or "",
        hall_phone=(hall.phone if hall else department.phone) or "",
    )


def heading(
    title: str, application: Application, parties: Parties, *, bo_title: str = ""
) -> list:
    """The issuing hall, the document's title and the application number
    (with ``bo_title``: the Tibetan title above the Chinese one)."""
    lines = [
        pdf.para(
            parties.hall_name,
            paragraph_style("issuer", fontSize=12, leading=18, alignment=TA_CENTER),
        ),
        *pdf.bilingual(bo_title, title, "title"),
        pdf.para(f"办件编号：{application.number}", "subtitle"),
    ]
    if bo_title:
        lines.append(pdf.para(BO_PRECEDENCE, "subtitle"))
    return lines


def seal_block(
    parties: Parties, issued: dt.date, *, keep: Flowable | None = None
) -> Flowable:
    """Issuer, address and date on the left; the seal box on the right
    (``keep``: a paragraph kept on the seal's page, so the seal never stands
    alone on one)."""
    right = paragraph_style("sign", alignment=TA_RIGHT)
    left = [
        pdf.para(parties.hall_name, right),
        pdf.para(cn_date(issued), right),
    ]
    seal = Table(
        [
            [
                pdf.para(
                    SEAL_TEXT,
                    paragraph_style("seal", alignment=TA_CENTER, textColor=pdf.ACCENT),
                )
            ]
        ],
        colWidths=[36 * mm],
        rowHeights=[36 * mm],
    )
    seal.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, pdf.ACCENT),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    block = Table(
        [[left, seal]],
        colWidths=[pdf.CONTENT_WIDTH - 42 * mm, 42 * mm],
    )
    block.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (0, 0), "BOTTOM"),
                ("VALIGN", (1, 0), (1, 0), "MIDDLE"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ]
        )
    )
    return KeepTogether([*([keep] if keep else []), pdf.spacer(8), block])


def contact_lines(parties: Parties) -> list:
    lines = []
    if parties.hall_address:
        lines.append(f"地址：{parties.hall_address}")
    if parties.hall_phone:
        lines.append(f"咨询电话：{parties.hall_phone}")
    return [pdf.para("　".join(lines), "small")] if lines else []


ACTIVATION_HOWTO = (
    "开通网上账号：您的账号由窗口登记，尚未设置密码。请访问{site}，"
    "在“登录”页点击“用手机验证码开通”，填写身份证号码和在窗口登记的手机号码，"
    "凭短信验证码设置用户名和密码后，即可在网上查看进度、补正材料和办理其他事项。"
)


def _activation_lines(application: Application) -> list:
    """How a walk-in whose account has no password yet gets online access
    (portal.public.activation), on the papers the counter hands over."""
    if application.applicant.has_usable_password():
        return []
    return [pdf.para(ACTIVATION_HOWTO.format(site=SITE_NAME), "small")]


def qr_block(tracking_url: str) -> Flowable:
    """The QR code of the public tracking page, with how to use it."""
    qr_text = [
        pdf.para("扫码查询办理进度", paragraph_style("qrh", fontSize=11, leading=16)),
        pdf.para(
            "使用手机扫描左侧二维码，或登录" + SITE_NAME + "“办件查询”，"
            "输入办件编号和查询码，无需登录即可查看进度。",
            "small",
        ),
        pdf.para(tracking_url, paragraph_style("url", fontSize=7.5, leading=10)),
    ]
    block = Table(
        [[QrCode(tracking_url), qr_text]],
        colWidths=[40 * mm, pdf.CONTENT_WIDTH - 40 * mm],
    )
    block.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
            ]
        )
    )
    return KeepTogether([block])


REMEDIES = gettext_lazy(
    "如对本决定不服，可以自收到%(document)s之日起六十日内向%(review)s"
    "申请行政复议，或者自收到%(document)s之日起六个月内向%(litigation)s"
    "提起行政诉讼。"
)
DEFAULT_REVIEW_BODY = gettext_lazy("本机关的上一级行政机关或者本级人民政府")
DEFAULT_LITIGATION_BODY = gettext_lazy("有管辖权的人民法院")


def remedies(version, document: str, *, bo: bool = False) -> list:
    """救济途径: administrative review within 60 days, litigation within six
    months (``document``: 本通知书 / 本决定书, a text of the bo catalogue)."""
    review_body = version.review_body or chinese(DEFAULT_REVIEW_BODY)
    litigation_body = version.litigation_body or chinese(DEFAULT_LITIGATION_BODY)
    params = {
        "document": document,
        "review": review_body,
        "litigation": litigation_body,
    }
    bo_params = {
        "document": tibetan(document) or document,
        # The bodies the item names stay as written (Chinese); the defaults
        # have their Tibetan.
        "review": tibetan(review_body) or review_body,
        "litigation": tibetan(litigation_body) or litigation_body,
    }
    return [
        bilingual_h2("救济途径", bo),
        *bilingual_letter(REMEDIES, bo, params, bo_params),
    ]


def bilingual_item(parties: Parties, bo: bool) -> str:
    """The item's name for a table cell: its Tibetan name above on a
    bilingual document (when the item has one)."""
    if bo and parties.item_name_bo:
        return f"{parties.item_name_bo}\n{parties.item_name}"
    return parties.item_name


def _build(kind: str, application: Application, parties: Parties, story) -> bytes:
    return pdf.build(
        title=f"{TITLES[kind]} {application.number}",
        story=story,
        header=f"{parties.hall_name} · {TITLES[kind]}",
        footer=f"{SITE_NAME} · 办件编号 {application.number}",
        author=parties.hall_name,
    )


def departments_taking_part(application: Application) -> list[str]:
    """The lead department, then every other one the item's process routes to.

    A step names its department, or a kind of department (税务) that the
    implementation's region provides: that region's department of the kind,
    else the kind as the guide words it (实施地税务部门).
    """
    impl = application.implementation
    names = [impl.department.name]
    steps = (
        ProcessStep.objects.filter(stage__version=application.version)
        .select_related("department")
        .order_by("stage__order", "order", "id")
    )
    kinds = set()
    ordered: list[tuple[str, str]] = []  # (name, kind) in process order
    for step in steps:
        if step.department_id:
            ordered.append((step.department.name, ""))
        elif step.department_kind:
            kinds.add(step.department_kind)
            ordered.append(("", step.department_kind))
    local = {}
    if kinds:
        for dep in Department.objects.filter(
            region=impl.region_id, kind__in=kinds, is_active=True
        ).order_by("pk"):
            local.setdefault(dep.kind, dep.name)
    for name, kind in ordered:
        name = name or local.get(kind) or f"实施地{kind}部门"
        if name not in names:
            names.append(name)
    return names


def in_person(application: Application) -> dict | None:
    """Whether the applicant must come in person, why, where and what to bring.

    From the guide: a visit is required when the version counts one with a
    reason (a passport's fingerprints). Where: the implementation's hall (or
    department); what: the ID card and the materials asked for on paper.
    """
    version = application.version
    if not version.visits or not version.visits_reason:
        return None
    impl = application.implementation
    hall = application.hall or impl.hall
    place = hall.name if hall else impl.department.name
    address = (hall.address if hall else impl.department.address) or ""
    bring = ["本人居民身份证原件"]
    for m in version.materials.order_by("order", "id"):
        if m.medium != cc.MaterialMedium.ELECTRONIC and "身份证" not in m.name:
            bring.append(f"{m.name}（{m.get_form_display()}）")
    return {
        "reason": version.visits_reason,
        "place": place + (f"（{address}）" if address else ""),
        "bring": "、".join(bring),
    }


def _provision_text(am: ApplicationMaterial) -> str:
    if am.provision == c.Provision.UPLOAD:
        return f"电子件{len(am.files.all())}份"
    if am.provision == c.Provision.CERTIFICATE:
        return "电子证照库调取"
    if am.provision == c.Provision.TOLERATED:
        return f"容缺受理，承诺{cn_date(am.promised_by)}前补交"
    if am.provision == c.Provision.COMMITMENT:
        return f"告知承诺，{cn_date(am.signed_at)}签署"
    return am.get_provision_display()


def _received(application: Application) -> list[ApplicationMaterial]:
    """Materials provided in some form (an optional one not given is left out)."""
    rows = (
        application.materials.select_related("material")
        .prefetch_related("files")
        .order_by("material__order", "material_id")
    )
    return [am for am in rows if material_is_satisfied(am)]


# --- the three documents ---------------------------------------------------------------


def receipt_pdf(application: Application, *, tracking_url: str) -> bytes:
    """受理通知书. ``tracking_url``: the public tracking page with number and code."""
    parties = parties_of(application)
    accepted = application.accepted_at or timezone.now()
    promised = cn_date(application.promised_date)
    if application.promised_date and application.dates_provisional:
        promised += "（含尚未公布的节假日安排，如有调整另行告知）"
    elif application.promised_date is None:
        promised = "以办理结果为准"
    if application.version.is_immediate:
        promised += "（即办件）"
    bo = in_tibetan(application)
    item = bilingual_item(parties, bo)
    story = [
        *heading(
            TITLES[RECEIPT],
            application,
            parties,
            bo_title=BO_TITLES[RECEIPT] if bo else "",
        ),
        pdf.para(f"{parties.applicant}："),
    ]
    if bo:
        story.append(
            letter_text(
                BO_RECEIPT_LETTER.format(
                    item=parties.item_name_bo or parties.item_name,
                    date=cn_date(accepted),
                )
            )
        )
    story += [
        letter_text(
            f"您于{cn_date(application.submitted_at)}提出的“{parties.item_name}”"
            f"申请，经审查，申请材料齐全、符合法定形式，本机关于{cn_date(accepted)}"
            "决定予以受理。请凭办件编号和查询码查询办理进度。"
        ),
        pdf.kv_table(
            [
                (bilingual_label("办件编号", bo), application.number),
                (bilingual_label("查询码", bo), application.query_code),
                (bilingual_label("事项名称", bo), item),
                (bilingual_label("实施主体", bo), parties.department),
                (
                    bilingual_label("参与办理部门", bo),
                    "、".join(departments_taking_part(application)),
                ),
                (bilingual_label("申请人", bo), parties.applicant),
                (bilingual_label("受理日期", bo), cn_date(accepted)),
                (bilingual_label("承诺办结日期", bo), promised),
            ]
        ),
        bilingual_h2("已收取的申请材料", bo),
    ]
    rows = [
        [
            bilingual_label("序号", bo),
            bilingual_label("材料名称", bo),
            bilingual_label("提交方式", bo),
        ]
    ]
    received = _received(application)
    for i, am in enumerate(received, start=1):
        name = am.material.name
        if bo and am.material.name_bo:
            name = f"{am.material.name_bo}\n{name}"
        rows.append([str(i), name, _provision_text(am)])
    if len(rows) == 1:
        rows.append(["—", "本事项无需提交材料", ""])
    story.append(pdf.table(rows, col_widths=[0.6, 4, 2.6]))
    filled = form_display(application.version.form_schema, application.form_data)
    if filled:
        story.append(bilingual_h2("申请表填写内容", bo))
        story.append(pdf.kv_table([(row["label"], row["value"]) for row in filled]))
    if any(am.provision == c.Provision.TOLERATED for am in received):
        story.append(
            pdf.para(
                "容缺受理的材料请在承诺日期前补交；补齐前不出具办理结果。", "small"
            )
        )
    visit = in_person(application)
    if visit:
        story.append(pdf.para("须本人到场", "h2"))
        story.append(
            pdf.kv_table(
                [
                    ("原因", visit["reason"]),
                    ("地点", visit["place"]),
                    ("请携带", visit["bring"]),
                ]
            )
        )
    story += [pdf.spacer(3), qr_block(tracking_url)]
    story += _activation_lines(application)
    story.append(seal_block(parties, timezone.localtime(accepted).date()))
    story += contact_lines(parties)
    return _build(RECEIPT, application, parties, story)


def supplement_due(notice: SupplementNotice) -> tuple[dt.date, bool]:
    """The date the applicant is asked to supplement by (and provisional?).

    The one stored on the notice when it was issued (the clerk's choice or
    the default then), the date the lapse timer acts on: never recomputed.
    """
    return notice.due_date, notice.due_provisional


def notice_pdf(application: Application, *, notice: SupplementNotice) -> bytes:
    """一次性告知书: every material listed in ``notice``, what is wrong, how, when."""
    parties = parties_of(application)
    issued = timezone.localtime(notice.issued_at).date()
    due, provisional = supplement_due(notice)
    due_text = cn_date(due) + ("（节假日安排以公布为准）" if provisional else "")
    bo = in_tibetan(application)
    item = bilingual_item(parties, bo)
    story = [
        *heading(
            TITLES[NOTICE],
            application,
            parties,
            bo_title=BO_TITLES[NOTICE] if bo else "",
        ),
        pdf.para(f"{parties.applicant}："),
    ]
    if bo:
        story.append(
            letter_text(
                BO_NOTICE_LETTER.format(
                    item=parties.item_name_bo or parties.item_name,
                    count=len(notice.items),
                )
            )
        )
    story += [
        letter_text(
            f"您于{cn_date(application.submitted_at)}提出的“{parties.item_name}”"
            "申请，经审查，申请材料不齐全或者不符合法定形式。现将需要补正的"
            f"全部内容一次性告知如下（共{len(notice.items)}项）："
        ),
        pdf.kv_table(
            [
                (bilingual_label("办件编号", bo), application.number),
                (bilingual_label("查询码", bo), application.query_code),
                (bilingual_label("事项名称", bo), item),
                (bilingual_label("申请人", bo), parties.applicant),
                (bilingual_label("告知日期", bo), cn_date(issued)),
                (bilingual_label("补正期限", bo), due_text),
            ]
        ),
        bilingual_h2("需要补正的材料", bo),
    ]
    rows = [
        [
            bilingual_label("序号", bo),
            bilingual_label("材料名称", bo),
            bilingual_label("存在的问题及补正要求", bo),
        ]
    ]
    for i, item in enumerate(notice.items, start=1):
        rows.append([str(i), str(item.get("name", "")), str(item.get("problem", ""))])
    story.append(pdf.table(rows, col_widths=[0.6, 2.6, 4]))
    story += [
        bilingual_h2("补正方式", bo),
        *pdf.bullets(
            [
                f"网上补正：登录{SITE_NAME}，在“我的办件”中按上表逐项补正后重新提交；",
                f"窗口补正：携带补正材料到{parties.hall_name}"
                + (f"（{parties.hall_address}）" if parties.hall_address else "")
                + "综合窗口办理。",
            ]
        ),
        letter_text(
            f"请于{due_text}前一次性补正上述全部材料。补正期间不计入办理时限；"
            "材料补齐后，本机关将在5个工作日内作出是否受理的决定。"
            "本告知书所列以外的材料，本机关不再要求补正。"
        ),
        *([letter_text(BO_NOTICE_DUE.format(due=due_text))] if bo else []),
        *_activation_lines(application),
    ]
    story.append(seal_block(parties, issued))
    story += contact_lines(parties)
    return _build(NOTICE, application, parties, story)


REFUSAL_LETTER = gettext_lazy(
    "您于%(submitted)s提出的“%(item)s”申请，经审查，本机关于%(refused)s决定不予受理。"
)


def refusal_pdf(application: Application) -> bytes:
    """不予受理通知书: reason, legal basis and the applicant's remedies."""
    parties = parties_of(application)
    version = application.version
    refused_at = (
        application.history.filter(to_status=S.REFUSED)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    ) or timezone.now()
    bo = in_tibetan(application)
    story = [
        *heading(
            TITLES[REFUSAL],
            application,
            parties,
            bo_title=BO_TITLES[REFUSAL] if bo else "",
        ),
        pdf.para(f"{parties.applicant}："),
        *bilingual_letter(
            REFUSAL_LETTER,
            bo,
            {
                "submitted": cn_date(application.submitted_at),
                "item": parties.item_name,
                "refused": cn_date(refused_at),
            },
            {
                "submitted": bo_date(application.submitted_at),
                "item": parties.item_name_bo or parties.item_name,
                "refused": bo_date(refused_at),
            },
        ),
        pdf.kv_table(
            [
                (bilingual_label("办件编号", bo), application.number),
                (bilingual_label("事项名称", bo), bilingual_item(parties, bo)),
                (bilingual_label("实施主体", bo), parties.department),
                (bilingual_label("申请人", bo), parties.applicant),
                (bilingual_label("不予受理理由", bo), application.refusal_reason),
                (bilingual_label("法律依据", bo), application.refusal_basis),
            ]
        ),
    ]
    closing = remedies(version, "本通知书", bo=bo)
    story += closing[:-1]
    story.append(
        seal_block(parties, timezone.localtime(refused_at).date(), keep=closing[-1])
    )
    story += contact_lines(parties)
    return _build(REFUSAL, application, parties, story)
