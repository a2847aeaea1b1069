"""The service guide as a PDF (A4), built from catalog.guide display data."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal import pdf

from .guide import Guide


def guide_pdf(guide: Guide) -> bytes:
    """Every guide element in the same order as the HTML page."""
    s = pdf.styles()
    v = guide.version
    story: list = [
        pdf.para(v.name, "title"),
        pdf.para(
            _("办事指南 · 基本编码 %(code)s · 版本 v%(version)s")
            % {"code": guide.item.basic_code, "version": v.version},
            "subtitle",
        ),
    ]

    def section(title: str) -> None:
        story.append(pdf.para(title, s["h2"]))

    section(_("一、基本信息"))
    story.append(pdf.kv_table(guide.basics))

    section(_("二、设定依据"))
    if guide.legal_bases:
        story.extend(
            pdf.bullets(
                " ".join(
                    str(b.get(k, "")) for k in ("law", "article", "text") if b.get(k)
                )
                for b in guide.legal_bases
            )
        )
    else:
        story.append(pdf.para(_("无")))

    section(_("三、受理条件"))
    story.extend(pdf.bullets(guide.conditions) or [pdf.para(_("无"))])

    section(_("四、办理时限"))
    story.append(pdf.kv_table(guide.limits))
    if guide.special_procedures:
        story.append(pdf.para(_("特别程序（不计入办理时限）"), s["caption"]))
        story.append(
            pdf.table(
                [[_("名称"), _("时限"), _("依据")]]
                + [
                    [p.get("name", ""), p.get("limit", ""), p.get("basis", "")]
                    for p in guide.special_procedures
                ],
                col_widths=[2, 1, 3],
            )
        )

    section(_("五、办理流程"))
    if guide.stages:
        rows = [[_("阶段"), _("环节"), _("办理部门"), _("时限"), _("说明")]]
        for stage in guide.stages:
            for step in stage.steps:
                notes = []
                if stage.parallel:
                    notes.append(_("并联办理"))
                if step.site_inspection:
                    notes.append(_("需现场勘验"))
                if step.special_procedure:
                    notes.append(_("特别程序"))
                if step.action:
                    notes.append(step.action)
                rows.append(
                    [
                        f"{stage.order}. {stage.name}",
                        step.name,
                        step.department,
                        step.limit,
                        "；".join(notes),
                    ]
                )
        story.append(pdf.table(rows, col_widths=[2, 2, 3, 1.5, 2.5]))
    else:
        story.append(pdf.para(_("无")))

    section(_("六、办理渠道"))
    story.append(pdf.para(guide.channels))

    section(_("七、申请材料"))
    if guide.materials:
        rows = [
            [
                _("序号"),
                _("材料名称"),
                _("形式/载体/份数"),
                _("来源"),
                _("必要性"),
                _("电子证照替代"),
                _("依据与须知"),
            ]
        ]
        for m in guide.materials:
            rows.append(
                [
                    str(m.order),
                    m.name,
                    f"{m.form}／{m.medium}／{m.copies}",
                    m.source,
                    m.necessity,
                    m.certificate or "-",
                    "；".join(
                        x
                        for x in (
                            m.legal_basis,
                            m.notes,
                            _("空白表格、示例样表可在网站下载")
                            if m.blank_form_url or m.sample_url
                            else "",
                        )
                        if x
                    )
                    or "-",
                ]
            )
        story.append(pdf.table(rows, col_widths=[0.6, 2.4, 2, 1.6, 1.1, 1.6, 2.4]))
    else:
        story.append(pdf.para(_("无")))

    section(_("八、收费标准"))
    if guide.fees:
        story.append(
            pdf.table(
                [
                    [
                        _("收费项目"),
                        pgettext("fee amount", "收费标准"),
                        _("收费依据"),
                        _("减免政策"),
                        _("网上支付"),
                    ]
                ]
                + [
                    [
                        f.get("item", ""),
                        f.get("standard", ""),
                        f.get("basis", ""),
                        f.get("reduction", "") or "-",
                        _("支持") if f.get("online_payment") else _("不支持"),
                    ]
                    for f in guide.fees
                ],
                col_widths=[2, 2, 3, 2, 1],
            )
        )
    else:
        story.append(pdf.para(_("不收费")))

    section(_("九、办理结果"))
    if guide.results:
        story.extend(
            pdf.bullets(
                "：".join(x for x in (r.get("type", ""), r.get("name", "")) if x)
                for r in guide.results
            )
        )
    else:
        story.append(pdf.para(_("无")))

    section(_("十、办理地点、时间与方式"))
    story.append(pdf.kv_table(guide.handling))

    section(_("十一、网上办理"))
    flags = "、".join(label for label, on in guide.depth_flags if on) or _("无")
    visits = guide.visits + (
        f"（{guide.visits_reason}）" if guide.visits_reason else ""
    )
    story.append(
        pdf.kv_table(
            [
                (_("网上办理深度"), guide.depth),
                (_("网办能力"), flags),
                (_("到办事现场次数"), visits),
            ]
        )
    )

    section(_("十二、咨询、监督与救济"))
    story.append(pdf.kv_table(guide.contacts))

    if guide.faq:
        section(_("十三、常见问题"))
        for q, a in guide.faq:
            story.append(pdf.para(_("问：%(q)s") % {"q": q}, s["h3"]))
            if a:
                story.append(pdf.para(_("答：%(a)s") % {"a": a}))

    if guide.implementations:
        section(_("各地实施情况"))
        for impl in guide.implementations:
            story.append(pdf.para(f"{impl.region} · {impl.department}", s["h3"]))
            pairs = [
                (_("实施编码"), impl.code),
                (
                    _("办理大厅"),
                    " ".join(x for x in (impl.hall, impl.hall_address) if x),
                ),
                (_("办理窗口"), "、".join(impl.windows) or "-"),
                (_("办理时间"), impl.hours or "-"),
                (_("咨询电话"), impl.consult_phone or "-"),
                (_("投诉电话"), impl.complaint_phone or "-"),
                (_("便民服务点"), "、".join(impl.service_points) or "-"),
            ]
            story.append(pdf.kv_table(pairs))
            if impl.variances:
                story.append(pdf.para(_("与标准不同之处"), s["caption"]))
                story.append(
                    pdf.table(
                        [[_("要素"), _("标准"), _("本地"), _("原因")]]
                        + [
                            [d.label, d.standard, d.local, d.reason]
                            for d in impl.variances
                        ],
                        col_widths=[1.5, 2, 2, 3],
                    )
                )

    story.append(pdf.spacer(6))
    story.append(
        pdf.para(
            _("本指南由%(site)s生成于 %(at)s，以网站公布的现行版本为准。")
            % {
                "site": settings.SITE_NAME,
                "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            },
            "small",
        )
    )
    return pdf.build(
        title=f"{v.name} 办事指南",
        story=story,
        header=f"{settings.SITE_NAME} · {v.name} 办事指南",
        footer=f"{settings.SITE_NAME} · {guide.item.basic_code} v{v.version}",
    )
