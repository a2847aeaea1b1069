"""The decision documents of a case, as A4 PDFs (准予 / 不予行政许可决定书).

Laid out with the same building blocks as the acceptance documents
(applications.documents on portal.pdf: the vendored CJK font, the issuing
hall's heading, the seal block, the QR code of the public tracking page), so
every document the applicant gets from the hall reads alike:

- the hall's name, the title and the application number;
- the applicant (masked), the item, the dates of acceptance and decision;
- the departments' opinions summarised, one row per department and stage:
  only what the applicant may see (the approve / reject opinions a reviewer
  decided with; internal comments and supplement requests stay out);
- the decision and its basis; for a rejection the remedies (review within
  60 days, litigation within six months);
- a QR code of the tracking page, with the number and query code.

Pure reads: nothing here changes state. :func:`decision_available` says
whether the case has a decision document now; the view answers 404 otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from applications.documents import (
    cn_date,
    contact_lines,
    heading,
    letter_text,
    parties_of,
    qr_block,
    remedies,
    seal_block,
)
from catalog import constants as cc
from evidence.documents import verification_url
from evidence.models import Certificate
from portal import pdf

from . import constants as c
from .models import Case, Opinion

# The opinion kinds that are decisions a department gave (told to the
# applicant); comments and supplement requests are internal to the case.
PUBLIC_OUTCOMES = (c.OpinionOutcome.APPROVE, c.OpinionOutcome.REJECT)
SUMMARY_MAX = 160

APPROVED = "approved"
REJECTED = "rejected"


@dataclass(frozen=True)
class OpinionRow:
    stage: str
    department: str
    code: str
    outcome: str
    text: str
    at: dt.datetime


def decision_kind(case: Case) -> str | None:
    """'approved' / 'rejected' once the case ended with a decision, else None."""
    if case.state == c.CaseState.APPROVED:
        return APPROVED
    if case.state == c.CaseState.REJECTED:
        return REJECTED
    return None


def decision_available(case: Case) -> bool:
    return decision_kind(case) is not None


def title_of(case: Case) -> str:
    """The document's title: a licence's wording for licensing items (行政许可)."""
    approved = decision_kind(case) == APPROVED
    licensing = case.application.version.item.item_type == cc.ItemType.LICENSING
    if licensing:
        return "准予行政许可决定书" if approved else "不予行政许可决定书"
    return "准予办理决定书" if approved else "不予办理决定书"


def _summary(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


def opinion_rows(case: Case) -> list[OpinionRow]:
    """The last public opinion of each task, in stage order (one query)."""
    opinions = (
        Opinion.objects.filter(task__case=case, outcome__in=PUBLIC_OUTCOMES)
        .select_related("task__stage", "task__department")
        .order_by("task__stage__order", "task__department__name", "task_id", "at")
    )
    last: dict[int, Opinion] = {}
    for opinion in opinions:
        last[opinion.task_id] = opinion  # later ones replace earlier ones
    return [
        OpinionRow(
            stage=o.task.stage.name,
            department=o.task.department.name,
            code=o.outcome,
            outcome=str(c.OpinionOutcome(o.outcome).label),
            text=_summary(o.text),
            at=o.at,
        )
        for o in last.values()
    ]


def legal_bases(version) -> str:
    """The item's 设定依据 (law and article), as the guide lists them."""
    parts = []
    for basis in version.legal_bases or []:
        if isinstance(basis, dict):
            text = f"{basis.get('law', '')}{basis.get('article', '')}".strip()
            if text:
                parts.append(text)
    return "；".join(parts)


def decision_pdf(case: Case, *, tracking_url: str) -> bytes:
    """The decision document of a decided case (see the module docstring)."""
    kind = decision_kind(case)
    if kind is None:
        raise ValueError("the case has no decision yet")
    application = case.application
    parties = parties_of(application)
    title = title_of(case)
    decided_at = application.decided_at or case.closed_at or timezone.now()
    decided_on = timezone.localtime(decided_at).date()
    rows = opinion_rows(case)
    departments = sorted({r.department for r in rows})
    approved = kind == APPROVED
    outcome_text = "准予许可" if approved else "不予许可"
    if application.version.item.item_type != cc.ItemType.LICENSING:
        outcome_text = "准予办理" if approved else "不予办理"
    joint = (
        f"经{len(departments)}个部门并联审查，" if len(departments) > 1 else "经审查，"
    )
    if approved:
        basis_row = ("法律依据", legal_bases(application.version) or "—")
    else:
        basis_row = ("理由和依据", application.decision_basis or "—")
    story = [
        *heading(title, application, parties),
        pdf.para(f"{parties.applicant}："),
        letter_text(
            f"您于{cn_date(application.submitted_at)}提出的“{parties.item_name}”"
            f"申请，本机关于{cn_date(case.opened_on)}受理。{joint}"
            f"本机关于{cn_date(decided_on)}决定{outcome_text}。"
        ),
        pdf.kv_table(
            [
                ("办件编号", application.number),
                ("查询码", application.query_code),
                ("事项名称", parties.item_name),
                ("实施主体", parties.department),
                ("申请人", parties.applicant),
                ("受理日期", cn_date(case.opened_on)),
                ("决定日期", cn_date(decided_on)),
                ("决定", outcome_text),
                basis_row,
            ]
        ),
        pdf.para("各部门审查意见", "h2"),
    ]
    table = [["序号", "办理阶段", "部门", "结论", "意见摘要"]]
    for i, row in enumerate(rows, start=1):
        table.append([str(i), row.stage, row.department, row.outcome, row.text])
    if len(table) == 1:
        table.append(["—", "", parties.department, outcome_text, ""])
    story += [pdf.table(table, col_widths=[0.5, 1.4, 1.8, 0.8, 3.6]), pdf.spacer(3)]
    if approved:
        issued = (
            Certificate.objects.filter(application_number=application.number)
            .order_by("pk")
            .only("identifier")
            .first()
            if application.number
            else None
        )
        if issued is not None:
            story.append(
                pdf.kv_table(
                    [
                        ("电子证照标识", issued.identifier),
                        ("核验地址", verification_url(issued.identifier)),
                    ]
                )
            )
        delivery = ""
        if application.delivery_due:
            delivery = f"，本机关将于{cn_date(application.delivery_due)}前送达"
        story.append(
            letter_text(
                f"请凭本决定书领取办理结果{delivery}（行政许可法第四十四条）。"
                "办理结果的领取方式可在“我的办件”中查看。"
            )
        )
    else:
        reasons = [r for r in rows if r.code == c.OpinionOutcome.REJECT]
        if reasons:
            story.append(pdf.para("不予许可的理由", "h2"))
            story += pdf.bullets(f"{r.department}：{r.text}" for r in reasons)
        story += remedies(application.version, "本决定书")
    story += [pdf.spacer(3), qr_block(tracking_url)]
    story.append(seal_block(parties, decided_on))
    story += contact_lines(parties)
    return pdf.build(
        title=f"{title} {application.number}",
        story=story,
        header=f"{parties.hall_name} · {title}",
        footer=f"办件编号 {application.number}",
        author=parties.hall_name,
    )
