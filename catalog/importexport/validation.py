"""Checks across rows and sheets once every cell is read: duplicate basic
codes, materials of items not in the file, duplicate material names, unknown
certificate types.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal.errors import ErrorItem, ServiceError

from ..models import CertificateType
from .cells import quote
from .columns import ITEM_COLUMNS, ITEM_SHEET, MATERIAL_COLUMNS, MATERIAL_SHEET
from .sheets import Row, read_sheet, row_error


@dataclass
class ParsedWorkbook:
    items: list[Row]
    materials: dict[str, list[Row]] | None
    certificate_types: dict[str, CertificateType]


def parse_workbook(wb, errors: list[ErrorItem]) -> ParsedWorkbook:
    if ITEM_SHEET not in wb.sheetnames:
        raise ServiceError(
            "import_sheet_missing",
            _("工作簿缺少“%(sheet)s”工作表（现有：%(sheetnames)s）")
            % {"sheet": ITEM_SHEET, "sheetnames": "、".join(wb.sheetnames)},
            field="file",
        )
    items = read_sheet(wb[ITEM_SHEET], ITEM_SHEET, ITEM_COLUMNS, errors)
    first_row: dict[str, int] = {}
    for row in items:
        code = row.values.get("basic_code")
        if code is None:
            continue
        if code in first_row:
            errors.append(
                row.error(
                    "basic_code",
                    _("“%(code)s”与第%(row)s行重复")
                    % {"code": code, "row": first_row[code]},
                    "import_code_duplicate",
                )
            )
        else:
            first_row[code] = row.number
    if not items and not any(e.code.startswith("import_header") for e in errors):
        errors.append(
            row_error("import_no_rows", ITEM_SHEET, 2, _("没有数据行，未导入任何事项"))
        )
    materials: dict[str, list[Row]] | None = None
    cert_types: dict[str, CertificateType] = {}
    if MATERIAL_SHEET in wb.sheetnames:
        materials = defaultdict(list)
        rows = read_sheet(wb[MATERIAL_SHEET], MATERIAL_SHEET, MATERIAL_COLUMNS, errors)
        wanted = {
            r.values["certificate_type"]
            for r in rows
            if r.values.get("certificate_type")
        }
        cert_types = {
            ct.code: ct for ct in CertificateType.objects.filter(code__in=wanted)
        }
        seen_names: dict[tuple[str, str], int] = {}
        for row in rows:
            code = row.values.get("basic_code")
            if code is not None and code not in first_row:
                errors.append(
                    row.error(
                        "basic_code",
                        _("“%(code)s”不在“%(sheet)s”表中，材料须对应本文件中的事项")
                        % {"code": code, "sheet": ITEM_SHEET},
                        "import_material_item_unknown",
                    )
                )
            name = row.values.get("name")
            if code is not None and name:
                key = (code, name)
                if key in seen_names:
                    errors.append(
                        row.error(
                            "name",
                            _("“%(name)s”在该事项下重复（与第%(row)s行）")
                            % {"name": quote(name), "row": seen_names[key]},
                            "import_material_duplicate",
                        )
                    )
                else:
                    seen_names[key] = row.number
            cert = row.values.get("certificate_type")
            if cert and cert not in cert_types:
                errors.append(
                    row.error(
                        "certificate_type",
                        _("“%(cert)s”不存在，请先在“电子证照类型”中登记该证照类型")
                        % {"cert": quote(cert)},
                        "import_certificate_type_unknown",
                    )
                )
            if code is not None:
                materials[code].append(row)
    return ParsedWorkbook(items, materials, cert_types)
