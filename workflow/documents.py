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

Bilingual (Tibetan above the Chinese) for a Tibetan-language applicant, with
the acceptance documents' helpers and the Tibetan of the bo catalogue.

Pure reads: nothing here changes state. :func:`decision_available` says
whether the case has a decision document now; the view answers 404 otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy

from applications.documents import (
    bilingual_h2,
    bilingual_item,
    bilingual_label,
    bilingual_letter,
    bo_date,
    chinese,
    cn_date,
    contact_lines,
    heading,
    in_tibetan,
    parties_of,
    qr_block,
    remedies,
    seal_block,
    tibetan,
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

# Bilingual for a Tibetan-language applicant (as the acceptance documents,
# applications.documents): the Tibetan comes from the bo catalogue.
TITLES = {
    (True, APPROVED): gettext_lazy("准予行政许可决定书"),
    (True, REJECTED): gettext_lazy("不予行政许可决定书"),
    (False, APPROVED): gettext_lazy("准予办理决定书"),
    (False, REJECTED): gettext_lazy("不予办理决定书"),
}
OUTCOMES = {
    (True, APPROVED): gettext_lazy("准予许可"),
    (True, REJECTED): gettext_lazy("不予许可"),
    (False, APPROVED): gettext_lazy("准予办理"),
    (False, REJECTED): gettext_lazy("不予办理"),
}
BILINGUAL_LABELS = (
    gettext_lazy("决定日期"),
    gettext_lazy("决定"),
    gettext_lazy("理由和依据"),
    gettext_lazy("各部门审查意见"),
    gettext_lazy("办理阶段"),
    gettext_lazy("部门"),
    gettext_lazy("结论"),
    gettext_lazy("意见摘要"),
    gettext_lazy("电子证照标识"),
    gettext_lazy("核验地址"),
    gettext_lazy("不予许可的理由"),
    gettext_lazy("本决定书"),
)
DECISION_LETTER = gettext_lazy(
    "您于%(submitted)s提出的“%(item)s”申请，本机关于%(accepted)s受理。"
    "%(review)s本机关于%(decided)s决定%(outcome)s。"
)
REVIEWED = gettext_lazy("经审查，")
REVIEWED_JOINTLY = gettext_lazy("经%(count)s个部门并联审查，")
COLLECT = gettext_lazy(
    "请凭本决定书领取办理结果（行政许可法第四十四条）。"
    "办理结果的领取方式可在“我的办件”中查看。"
)
COLLECT_DELIVERY = gettext_lazy(
    "请凭本决定书领取办理结果，本机关将于%(date)s前送达（行政许可法第四十四条）。"
    "办理结果的领取方式可在“我的办件”中查看。"
)


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
    return chinese(TITLES[_key(case)])


def _key(case: Case) -> tuple[bool, str | None]:
    licensing = case.application.version.item.item_type == cc.ItemType.LICENSING
    return licensing, decision_kind(case)


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
    bo = in_tibetan(application)
    title = title_of(case)
    decided_at = application.decided_at or case.closed_at or timezone.now()
    decided_on = timezone.localtime(decided_at).date()
    rows = opinion_rows(case)
    departments = sorted({r.department for r in rows})
    approved = kind == APPROVED
    outcome = OUTCOMES[_key(case)]
    outcome_text = chinese(outcome)
    if len(departments) > 1:
        review = chinese(REVIEWED_JOINTLY) % {"count": len(departments)}
        bo_review = tibetan(REVIEWED_JOINTLY, count=len(departments))
    else:
        review, bo_review = chinese(REVIEWED), tibetan(REVIEWED)
    if approved:
        basis_row = (
            bilingual_label("法律依据", bo),
            legal_bases(application.version) or "—",
        )
    else:
        basis_row = (
            bilingual_label("理由和依据", bo),
            application.decision_basis or "—",
        )
    story = [
        *heading(
            title,
            application,
            parties,
            bo_title=tibetan(TITLES[_key(case)]) if bo else "",
        ),
        pdf.para(f"{parties.applicant}："),
        *bilingual_letter(
            DECISION_LETTER,
            bo,
            {
                "submitted": cn_date(application.submitted_at),
                "item": parties.item_name,
                "accepted": cn_date(case.opened_on),
                "review": review,
                "decided": cn_date(decided_on),
                "outcome": outcome_text,
            },
            {
                "submitted": bo_date(application.submitted_at),
                "item": parties.item_name_bo or parties.item_name,
                "accepted": bo_date(case.opened_on),
                "review": bo_review,
                "decided": bo_date(decided_on),
                "outcome": tibetan(outcome),
            },
        ),
        pdf.kv_table(
            [
                (bilingual_label("办件编号", bo), application.number),
                (bilingual_label("查询码", bo), application.query_code),
                (bilingual_label("事项名称", bo), bilingual_item(parties, bo)),
                (bilingual_label("实施主体", bo), parties.department),
                (bilingual_label("申请人", bo), parties.applicant),
                (bilingual_label("受理日期", bo), cn_date(case.opened_on)),
                (bilingual_label("决定日期", bo), cn_date(decided_on)),
                (
                    bilingual_label("决定", bo),
                    f"{tibetan(outcome)}\n{outcome_text}" if bo else outcome_text,
                ),
                basis_row,
            ]
        ),
        bilingual_h2("各部门审查意见", bo),
    ]
    table = [
        [
            bilingual_label("序号", bo),
            bilingual_label("办理阶段", bo),
            bilingual_label("部门", bo),
            bilingual_label("结论", bo),
            bilingual_label("意见摘要", bo),
        ]
    ]
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
                        (bilingual_label("电子证照标识", bo), issued.identifier),
                        (
                            bilingual_label("核验地址", bo),
                            verification_url(issued.identifier),
                        ),
                    ]
                )
            )
        if application.delivery_due:
            story += bilingual_letter(
                COLLECT_DELIVERY,
                bo,
                {"date": cn_date(application.delivery_due)},
                {"date": bo_date(application.delivery_due)},
            )
        else:
            story += bilingual_letter(COLLECT, bo, {})
    else:
        reasons = [r for r in rows if r.code == c.OpinionOutcome.REJECT]
        if reasons:
            story.append(bilingual_h2("不予许可的理由", bo))
            story += pdf.bullets(f"{r.department}：{r.text}" for r in reasons)
        story += remedies(application.version, "本决定书", bo=bo)
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
