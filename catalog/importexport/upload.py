"""The uploaded file before any cell is read: size, type and zip checks, then
opening it as a read-only workbook. Every refusal is a file-level code.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from portal.errors import ServiceError

# A workbook is a zip; refuse archives that inflate far beyond the upload limit.
MAX_INFLATION = 40


def read_upload(file) -> bytes:
    """The upload's bytes, after the size and content checks."""
    limit = settings.CATALOG_IMPORT_MAX_BYTES
    name = str(getattr(file, "name", "") or "")
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ServiceError(
            "import_too_large",
            _("文件过大（%(size)s），导入文件不能超过%(limit)s")
            % {"size": _size_label(size), "limit": _size_label(limit)},
            field="file",
        )
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise ServiceError(
            "import_too_large",
            _("文件过大，导入文件不能超过%(limit)s") % {"limit": _size_label(limit)},
            field="file",
        )
    if not data:
        raise ServiceError("import_empty_file", _("上传的文件是空的"), field="file")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ServiceError(
            "import_legacy_xls",
            _(
                "不支持旧版Excel（.xls）或加密的文件，请在Excel中另存为“Excel工作簿（.xlsx）”后再上传"
            ),
            field="file",
        )
    not_xlsx = ServiceError(
        "import_not_xlsx",
        _("文件不是Excel工作簿（.xlsx），请上传由Excel或WPS保存的 .xlsx 文件"),
        field="file",
    )
    if name and not name.lower().endswith(".xlsx"):
        raise not_xlsx
    if not data.startswith(b"PK\x03\x04"):
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise not_xlsx from exc
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise not_xlsx
    if inflated > limit * MAX_INFLATION:
        raise ServiceError(
            "import_too_large", _("文件解压后过大，请拆分后分批导入"), field="file"
        )
    return data


def _size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, size // 1024)} KB"


def open_workbook(data: bytes):
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise ServiceError(
            "import_corrupt",
            _("无法读取该工作簿：文件可能已损坏，请在Excel中打开并重新保存为 .xlsx"),
            field="file",
        ) from exc
