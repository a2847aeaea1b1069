"""The all-or-nothing import service: the whole file is checked first, then
every item row is applied in one transaction through the catalog services
(new item, draft updated, or new draft from the working version), audited
as one ``catalog.import`` entry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.errors import ErrorItem, ServiceError

from .. import services
from ..models import CertificateType, Material, ServiceItem, ServiceItemVersion
from .columns import ITEM_CODECS, MATERIAL_CODECS
from .sheets import Row, row_error
from .upload import open_workbook, read_upload
from .validation import parse_workbook


@dataclass
class ImportResult:
    """What an import did; basic codes per outcome."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    drafted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    material_rows: int = 0

    @property
    def summary(self) -> str:
        return (
            f"新建事项{len(self.created)}个，更新草稿{len(self.updated)}个，"
            f"新建草稿{len(self.drafted)}个，无变化{len(self.unchanged)}个，"
            f"材料{self.material_rows}行"
        )


def catalog_import_xlsx(*, file, actor) -> ImportResult:
    """Import items and materials from an xlsx upload: all or nothing.

    Raises ServiceError: a file-level code (import_not_xlsx, import_too_large,
    import_corrupt, import_sheet_missing...) or ``import_invalid`` whose
    ``errors`` list every bad cell as "【sheet】第N行：...". Nothing is written
    unless the whole file is good.
    """
    data = read_upload(file)
    wb = open_workbook(data)
    errors: list[ErrorItem] = []
    try:
        parsed = parse_workbook(wb, errors)
    finally:
        wb.close()
    if errors:
        raise _invalid(errors)
    result = ImportResult()
    codes = [row.values["basic_code"] for row in parsed.items]
    with transaction.atomic():
        existing = {
            item.basic_code: item
            for item in ServiceItem.objects.filter(basic_code__in=codes)
            .select_related("current_version")
            .prefetch_related(
                Prefetch(
                    "versions",
                    queryset=ServiceItemVersion.objects.prefetch_related(
                        Prefetch(
                            "materials",
                            queryset=Material.objects.select_related(
                                "certificate_type"
                            ),
                        )
                    ),
                )
            )
        }
        for row in parsed.items:
            code = row.values["basic_code"]
            material_rows = (
                None if parsed.materials is None else parsed.materials.get(code, [])
            )
            materials = (
                None
                if material_rows is None
                else [
                    _material_values(r, parsed.certificate_types) for r in material_rows
                ]
            )
            try:
                _apply_item(row, existing.get(code), materials, actor, result)
            except ServiceError as exc:
                errors.extend(_write_errors(row, exc))
            if material_rows:
                result.material_rows += len(material_rows)
        if errors:
            raise _invalid(errors)
        audit_record(
            actor=actor,
            action="catalog.import",
            object_type="catalog.import",
            object_id=hashlib.sha256(data).hexdigest()[:16],
            object_repr=str(getattr(file, "name", "") or "")[:200],
            changes={
                "created": result.created,
                "updated": result.updated,
                "drafted": result.drafted,
                "unchanged": len(result.unchanged),
                "material_rows": result.material_rows,
            },
        )
    return result


def _invalid(errors: list[ErrorItem]) -> ServiceError:
    return ServiceError(
        "import_invalid",
        _("导入失败：发现%(count)s处错误，未导入任何数据。请修改后重新上传。")
        % {"count": len(errors)},
        field="file",
        errors=errors,
    )


def _write_errors(row: Row, exc: ServiceError) -> list[ErrorItem]:
    details = [e.detail for e in exc.errors] or [exc.detail]
    return [row_error(exc.code, row.sheet, row.number, detail) for detail in details]


def _material_values(row: Row, cert_types: dict[str, CertificateType]) -> dict:
    values = {k: v for k, v in row.values.items() if k != "basic_code"}
    if "certificate_type" in values:
        code = values.pop("certificate_type")
        values["certificate_type"] = cert_types.get(code) if code else None
    return values


def _working_version(item: ServiceItem) -> ServiceItemVersion | None:
    versions = list(item.versions.all())
    for v in versions:
        if v.is_draft:
            return v
    if item.current_version_id:
        for v in versions:
            if v.pk == item.current_version_id:
                return v
    return max(versions, key=lambda v: v.version, default=None)


def _apply_item(
    row: Row,
    item: ServiceItem | None,
    materials: list[dict] | None,
    actor,
    result: ImportResult,
) -> None:
    fields = {k: v for k, v in row.values.items() if k != "basic_code"}
    code = row.values["basic_code"]
    if item is None:
        version_fields = dict(fields)
        name = version_fields.pop("name")
        item_type = version_fields.pop("item_type")
        version = services.item_create(
            basic_code=code,
            name=name,
            item_type=item_type,
            actor=actor,
            version_fields=version_fields,
        )
        if materials:
            services.version_materials_replace(
                version=version, actor=actor, materials=materials
            )
        result.created.append(code)
        return
    base = _working_version(item)
    if base is None:  # an item without versions: nothing to derive from
        raise ServiceError("item_without_version", _("该事项没有任何版本，无法导入"))
    changes = {
        name: value
        for name, value in fields.items()
        if ITEM_CODECS[name].normalise(getattr(base, name)) != value
    }
    materials_changed = materials is not None and _materials_differ(base, materials)
    if not changes and not materials_changed:
        result.unchanged.append(code)
        return
    if base.is_draft:
        draft = base
        result.updated.append(code)
    else:
        draft = services.version_new_draft(version=base, actor=actor)
        result.drafted.append(code)
    if changes:
        draft = services.version_update_draft(
            version=draft, actor=actor, changes=changes
        )
    if materials_changed:
        services.version_materials_replace(
            version=draft, actor=actor, materials=materials
        )


def _materials_differ(version: ServiceItemVersion, materials: list[dict]) -> bool:
    current = list(version.materials.all())
    if len(current) != len(materials):
        return True
    for material, values in zip(current, materials, strict=True):
        for name, value in values.items():
            stored = getattr(material, name)
            if name in MATERIAL_CODECS and name != "certificate_type":
                stored = MATERIAL_CODECS[name].normalise(stored)
            if stored != value:
                return True
    return False
