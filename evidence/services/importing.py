"""Import certificates from a spreadsheet (migration from an older library): all or nothing.

The same conventions as the catalog import (catalog.importexport): the file
checks of ``read_upload``/``open_workbook``, every bad cell reported as
"【电子证照】第N行：列（X列）……", nothing written unless the whole sheet is good,
one ``evidence.import`` audit entry. Each row is issued anew: rendered,
hashed and signed with the issuing department's active key (the old
library's signatures cannot be carried over). No error names a holder's
number: a holder that fails GB 11643 / GB 32100 is reported by row and column.

Sheet ``电子证照``, one row per certificate; headers (any order):

==================  =====================================================
证照类型代码          21 characters, a catalog certificate type
颁发部门代码          the issuing department's credit code (must exist)
顺序号               1–20 of 0-9A-Z (the old library's number)
版本号               3 digits, default 001
持证主体代码          ID number (natural person) or credit code (legal person)
持证主体名称          name of the holder
签发日期             YYYY-MM-DD
有效期至             YYYY-MM-DD, optional (default: the type's validity)
照面信息             JSON object of the type's data fields
电子证照标识          optional: if given, must equal the identifier built
                    from the row (its check character verified)
==================  =====================================================
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from catalog.importexport.cells import cell_text
from catalog.importexport.sheets import cell_error, row_error
from catalog.importexport.upload import open_workbook, read_upload
from catalog.importexport.writing import HEADER_FONT
from catalog.models import CertificateType, Department
from people.codes import CodeError
from portal.audit import audit_record
from portal.errors import ErrorItem, ServiceError

from ..codes import normalise_identifier, parse_identifier
from ..models import Certificate
from .issuing import Draft, check_draft, delete_stored, write_certificate

SHEET = "电子证照"
COLUMNS = {
    "证照类型代码": "type_code",
    "颁发部门代码": "issuer_code",
    "顺序号": "serial",
    "版本号": "version",
    "持证主体代码": "holder_number",
    "持证主体名称": "holder_name",
    "签发日期": "issued_on",
    "有效期至": "valid_until",
    "照面信息": "data",
    "电子证照标识": "identifier",
}
REQUIRED = {
    "证照类型代码",
    "颁发部门代码",
    "顺序号",
    "持证主体代码",
    "持证主体名称",
    "签发日期",
}
# What each column takes, for the template's help sheet (the table above).
COLUMN_HELP = {
    "证照类型代码": "21位证照类型代码（目录中已有的类型）",
    "颁发部门代码": "颁发部门的统一社会信用代码（系统中已有的部门）",
    "顺序号": "原证照库中的编号，1–20位数字或大写字母",
    "版本号": "3位数字，不填为001",
    "持证主体代码": "自然人填公民身份号码，法人填统一社会信用代码",
    "持证主体名称": "持证人姓名或单位名称",
    "签发日期": "YYYY-MM-DD",
    "有效期至": "YYYY-MM-DD，不填按证照类型的有效期计算",
    "照面信息": "JSON对象，键为该证照类型的照面字段",
    "电子证照标识": "可不填；填写时须与按本行生成的标识一致（校验位核对）",
}
# check_draft's field names -> this sheet's columns (anything else: 照面信息).
FIELD_COLUMNS = {
    "holder": "holder_number",
    "holder_name": "holder_name",
    "serial": "serial",
    "issued_on": "issued_on",
    "valid_until": "valid_until",
}


@dataclass
class CertificateImportResult:
    created: list[str]

    @property
    def summary(self) -> str:
        return _("导入电子证照%(n)s张") % {"n": len(self.created)}


def certificate_import_template() -> bytes:
    """An empty workbook: the ``电子证照`` sheet's headers and a help sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(COLUMNS))
    for index in range(1, len(COLUMNS) + 1):
        cell = ws.cell(row=1, column=index)
        cell.font = HEADER_FONT
        ws.column_dimensions[get_column_letter(index)].width = 20
    help_sheet = wb.create_sheet("填写说明")
    help_sheet.append(["列名", "必填", "填写说明"])
    for header in COLUMNS:
        help_sheet.append(
            [header, "是" if header in REQUIRED else "", COLUMN_HELP[header]]
        )
    help_sheet.append([])
    help_sheet.append(
        [
            "说明",
            "",
            "整份文件要么全部导入，要么（有任何错误时）全部不导入，并逐行列出错误。",
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def certificate_import_xlsx(*, file, actor) -> CertificateImportResult:
    """Import every row of the sheet, or none; ``import_invalid`` lists every problem."""
    data = read_upload(file)
    wb = open_workbook(data)
    if SHEET not in wb.sheetnames:
        raise ServiceError(
            "import_sheet_missing",
            _("缺少“%(sheet)s”工作表") % {"sheet": SHEET},
            field="file",
        )
    ws = wb[SHEET]
    rows = ws.iter_rows(values_only=True)
    header = [cell_text(h) for h in (next(rows, None) or [])]
    errors: list[ErrorItem] = []
    unknown = [h for h in header if h and h not in COLUMNS]
    missing = sorted(REQUIRED - set(header))
    if unknown or missing:
        if missing:
            errors.append(
                row_error(
                    "import_header_missing",
                    SHEET,
                    1,
                    _("缺少列：%(cols)s") % {"cols": "、".join(missing)},
                )
            )
        if unknown:
            errors.append(
                row_error(
                    "import_header_unknown",
                    SHEET,
                    1,
                    _("无法识别的列：%(cols)s") % {"cols": "、".join(unknown)},
                )
            )
        raise ServiceError("import_invalid", _("导入文件有误"), errors=errors)
    positions = {COLUMNS[h]: i for i, h in enumerate(header) if h}

    def err(code: str, number: int, field: str, message: str) -> ErrorItem:
        if field not in positions:
            return row_error(code, SHEET, number, message)
        col = positions[field]
        header_text = next(h for h, f in COLUMNS.items() if f == field)
        return cell_error(code, SHEET, number, col, header_text, message)

    types = {t.code: t for t in CertificateType.objects.all()}
    issuers: dict[str, Department | None] = {}
    drafts: list[Draft] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(rows, start=2):
        values = {
            f: cell_text(raw[i]) if i < len(raw) else "" for f, i in positions.items()
        }
        if not any(values.values()):
            continue
        row_errors: list[ErrorItem] = []
        t = types.get(values["type_code"])
        if t is None:
            row_errors.append(
                err("type_unknown", number, "type_code", _("证照类型不存在"))
            )
        code = values["issuer_code"]
        if code not in issuers:
            issuers[code] = Department.objects.filter(credit_code=code).first()
        issuer = issuers[code]
        if issuer is None:
            row_errors.append(
                err("issuer_unknown", number, "issuer_code", _("颁发部门不存在"))
            )
        dates = {}
        for field in ("issued_on", "valid_until"):
            text = values.get(field, "")
            if not text:
                dates[field] = None
                continue
            try:
                dates[field] = _date(text)
            except ValueError:
                row_errors.append(
                    err("date_invalid", number, field, _("日期格式应为YYYY-MM-DD"))
                )
                dates[field] = None
        payload = {}
        if values.get("data"):
            try:
                payload = json.loads(values["data"])
            except ValueError:
                row_errors.append(
                    err("data_json", number, "data", _("照面信息应为JSON对象"))
                )
        if t is None or issuer is None or row_errors:
            errors.extend(row_errors)
            continue
        draft, problems = check_draft(
            certificate_type=t,
            issuer=issuer,
            holder_number=values["holder_number"],
            holder_name=values["holder_name"],
            data=payload,
            issued_on=dates["issued_on"],
            valid_until=dates["valid_until"],
            serial=values["serial"].upper(),
            version=values.get("version") or "001",
        )
        for p in problems:
            key = FIELD_COLUMNS.get(p.field or "", "data")
            errors.append(err(p.code, number, key, str(p.detail)))
        if draft is None:
            continue
        ident = draft.identifier
        given = normalise_identifier(values.get("identifier", ""))
        if given:
            try:
                parse_identifier(given)
            except CodeError as exc:
                errors.append(err(exc.code, number, "identifier", exc.message))
                continue
            if given != ident:
                errors.append(
                    err(
                        "identifier_mismatch",
                        number,
                        "identifier",
                        _("与本行类型、部门、顺序号和版本号组成的标识不一致"),
                    )
                )
                continue
        if ident in seen:
            errors.append(
                err(
                    "identifier_duplicate",
                    number,
                    "serial",
                    _("电子证照标识与第%(row)s行重复") % {"row": seen[ident]},
                )
            )
            continue
        seen[ident] = number
        drafts.append(draft)
    existing = set(
        Certificate.objects.filter(identifier__in=list(seen)).values_list(
            "identifier", flat=True
        )
    )
    for ident in sorted(existing, key=seen.get):
        errors.append(
            err(
                "identifier_exists",
                seen[ident],
                "serial",
                _("该电子证照标识已在证照库中"),
            )
        )
    if errors:
        raise ServiceError(
            "import_invalid",
            _("导入文件有%(n)s处错误，未导入任何证照") % {"n": len(errors)},
            errors=errors,
        )
    if not drafts:
        raise ServiceError("import_empty", _("工作表中没有证照"), field="file")
    stored: list[str] = []
    try:
        with transaction.atomic():
            for issuer in {d.issuer.pk for d in drafts}:
                Department.objects.select_for_update().get(pk=issuer)
            created = [
                write_certificate(d, stored=stored, source=_("批量导入")).identifier
                for d in drafts
            ]
            audit_record(
                actor=actor,
                action="evidence.import",
                object_type="evidence.certificate",
                object_id="import",
                object_repr=_("导入电子证照%(n)s张") % {"n": len(created)},
                changes={"count": len(created)},
            )
    except BaseException:
        delete_stored(stored)
        raise
    return CertificateImportResult(created=created)
