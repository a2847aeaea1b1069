"""The PDF of an e-certificate: its face, and a QR code of its verification link.

Laid out with portal.pdf (the vendored CJK font). Only the masked holder code
is printed; the data fields print with their schema titles. The file is
built reproducibly (fixed creation date, no random document id), so the same
certificate renders the same bytes, which the issue signs (evidence.signing).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from portal import pdf


def verification_url(identifier: str) -> str:
    """The absolute public verification address (the QR code's content)."""
    return settings.PUBLIC_BASE_URL + reverse(
        "evidence:verify", kwargs={"identifier": identifier}
    )


def data_rows(schema: dict, data: dict) -> list[tuple[str, str]]:
    """(label, value) of the data fields in the schema's order, then the rest."""
    props = (schema or {}).get("properties") or {}
    rows = []
    for name, spec in props.items():
        if name in data:
            rows.append((str(spec.get("title") or name), _text(data[name])))
    rows.extend(
        (name, _text(value)) for name, value in data.items() if name not in props
    )
    return rows


def _text(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    return "" if value is None else str(value)


def certificate_pdf(
    *,
    identifier: str,
    type_name: str,
    issuer_name: str,
    holder_name: str,
    holder_masked: str,
    issued_on: dt.date,
    valid_from: dt.date,
    valid_until: dt.date | None,
    schema: dict,
    data: dict,
) -> bytes:
    """The certificate's face as A4 PDF bytes (unsigned body)."""
    s = pdf.styles()
    url = verification_url(identifier)
    until = valid_until.isoformat() if valid_until else "长期"
    story = [
        pdf.para(type_name, "title"),
        pdf.para(f"电子证照 · {issuer_name}", "subtitle"),
        pdf.kv_table(
            [
                ("持证主体", holder_name),
                ("证件号码", holder_masked),
                *data_rows(schema, data),
                ("签发日期", issued_on.isoformat()),
                ("有效期", f"{valid_from.isoformat()} 至 {until}"),
                ("颁发部门", issuer_name),
            ]
        ),
        pdf.spacer(6),
    ]
    qr_text = [
        pdf.para("扫描二维码核验本证照", s["body"]),
        pdf.para("电子证照标识：", s["small"]),
        pdf.para(identifier, s["small"]),
        pdf.para(url, s["small"]),
    ]
    t = Table([[pdf.QrCode(url, size=36 * mm), qr_text]], colWidths=[40 * mm, None])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(t)
    story.append(pdf.spacer(4))
    story.append(
        pdf.para(
            "本电子证照由颁发部门以数字签名签发，文件末尾附签名；"
            "可在线核验，或以公布的部门公钥离线核验。",
            s["small"],
        )
    )
    old = rl_config.invariant
    rl_config.invariant = 1  # reproducible bytes: fixed date and document id
    try:
        return pdf.build(
            title=f"{type_name} {identifier}",
            story=story,
            header=f"{type_name}（电子证照）",
            footer=issuer_name,
            author=issuer_name,
        )
    finally:
        rl_config.invariant = old
