"""Every state change of the catalog: one function per use case.

Each opens a transaction, locks what it changes, checks the rules, writes,
and appends to the audit chain. Callers (admin, import, tasks) stay thin.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from people.codes import CodeError
from portal.audit import audit_record
from portal.errors import ErrorItem, ServiceError

from . import constants as c
from .codes import validate_implementation_code
from .models import (
    Implementation,
    Material,
    ProcessStage,
    ProcessStep,
    ServiceItem,
    ServiceItemVersion,
    Variance,
)
from .rules import check_version
from .search import build_search_text, pinyin_forms

VERSION_COPY_EXCLUDE = {
    "id",
    "item",
    "version",
    "status",
    "effective_from",
    "effective_to",
    "published_at",
    "published_by",
    "retired_at",
    "retired_by",
    "change_note",
    "created_at",
    "updated_at",
}


def validation_to_service_error(
    exc: ValidationError, code: str = "invalid"
) -> ServiceError:
    items: list[ErrorItem] = []
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            for e in errs:
                msg = e.message % e.params if e.params else e.message
                items.append(ErrorItem(e.code or code, str(msg), field))
    else:
        for e in exc.error_list:
            msg = e.message % e.params if e.params else e.message
            items.append(ErrorItem(e.code or code, str(msg)))
    first = items[0] if items else ErrorItem(code, _("数据无效"))
    return ServiceError(first.code, first.detail, field=first.field, errors=items)


def _full_clean(obj, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_to_service_error(exc) from exc


def item_refresh_search(*, item: ServiceItem) -> None:
    """Copy the current version's name and facts into the search columns."""
    version = item.current_version
    if version is not None:
        item.name = version.name
        item.name_bo = version.name_bo
        item.item_type = version.item_type
        item.depth = version.depth
        item.served_parties = list(version.served_parties or [])
        item.keywords = version.keywords
    item.pinyin, item.initials = pinyin_forms(item.name)
    codes = list(item.implementations.values_list("code", flat=True)) if item.pk else []
    item.search_text = build_search_text(
        name=item.name,
        basic_code=item.basic_code,
        keywords=item.keywords,
        implementation_codes=codes,
        name_bo=item.name_bo,
    )
    item.save(
        update_fields=[
            "name",
            "name_bo",
            "item_type",
            "depth",
            "served_parties",
            "keywords",
            "pinyin",
            "initials",
            "search_text",
        ]
    )


def item_create(
    *,
    basic_code: str,
    name: str,
    item_type: str,
    actor,
    lead_department=None,
    hot: int = 0,
    version_fields: dict[str, Any] | None = None,
) -> ServiceItemVersion:
    """Create an item with its first draft version (v1)."""
    with transaction.atomic():
        if ServiceItem.objects.filter(basic_code=basic_code).exists():
            raise ServiceError(
                "basic_code_duplicate",
                _("基本编码 %(basic_code)s 已存在") % {"basic_code": basic_code},
                field="basic_code",
            )
        item = ServiceItem(
            basic_code=basic_code,
            name=name,
            item_type=item_type,
            lead_department=lead_department,
            hot=hot,
        )
        _full_clean(item, exclude=["current_version"])
        item.save()
        version = ServiceItemVersion(
            item=item,
            version=1,
            name=name,
            item_type=item_type,
            **(version_fields or {}),
        )
        _full_clean(version)
        version.save()
        item_refresh_search(item=item)
        audit_record(
            actor=actor,
            action="catalog.item_create",
            obj=item,
            changes={"basic_code": basic_code, "name": name},
        )
    return version


def version_update_draft(
    *, version: ServiceItemVersion, actor, changes: dict[str, Any]
) -> ServiceItemVersion:
    """Change fields of a draft. Published versions refuse (version_frozen)."""
    with transaction.atomic():
        locked = ServiceItemVersion.objects.select_for_update().get(pk=version.pk)
        if not locked.is_draft:
            raise ServiceError(
                "version_frozen",
                _("已发布的事项版本不能修改，请基于它新建草稿版本"),
                status=409,
            )
        before = {}
        for field, value in changes.items():
            if field in VERSION_COPY_EXCLUDE:
                raise ServiceError(
                    "field_readonly",
                    _("字段 %(field)s 不能直接修改") % {"field": field},
                    field=field,
                )
            before[field] = getattr(locked, field)
            setattr(locked, field, value)
        _full_clean(locked)
        locked.save()
        audit_record(
            actor=actor,
            action="catalog.version_update",
            obj=locked,
            changes={
                k: {"from": before[k], "to": v}
                for k, v in changes.items()
                if before[k] != v
            },
        )
    return locked


def version_new_draft(*, version: ServiceItemVersion, actor) -> ServiceItemVersion:
    """Copy a version (and its materials and process) into the item's new draft."""
    with transaction.atomic():
        item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
        if item.versions.filter(status=c.VersionStatus.DRAFT).exists():
            raise ServiceError(
                "draft_exists",
                _("该事项已有草稿版本，请先发布或删除该草稿"),
                status=409,
            )
        number = (
            item.versions.order_by("-version").values_list("version", flat=True).first()
            or 0
        ) + 1
        data = {
            f.name: getattr(version, f.name)
            for f in ServiceItemVersion._meta.concrete_fields
            if f.name not in VERSION_COPY_EXCLUDE
        }
        draft = ServiceItemVersion.objects.create(
            item=item,
            version=number,
            status=c.VersionStatus.DRAFT,
            change_note=f"基于 v{version.version} 修订",
            **data,
        )
        for m in version.materials.all():
            fields = model_to_dict(m, exclude=["id", "version", "certificate_type"])
            Material.objects.create(
                version=draft, certificate_type_id=m.certificate_type_id, **fields
            )
        for stage in version.stages.prefetch_related("steps"):
            new_stage = ProcessStage.objects.create(
                version=draft, order=stage.order, name=stage.name
            )
            for step in stage.steps.all():
                fields = model_to_dict(step, exclude=["id", "stage", "department"])
                ProcessStep.objects.create(
                    stage=new_stage, department_id=step.department_id, **fields
                )
        audit_record(
            actor=actor,
            action="catalog.version_new_draft",
            obj=draft,
            changes={"from_version": version.version, "version": number},
        )
    return draft


def version_check(*, version: ServiceItemVersion) -> list[ErrorItem]:
    """The guide rules broken by this version (empty when publishable)."""
    return check_version(version)


def version_publish(
    *, version: ServiceItemVersion, actor, effective_from: dt.date | None = None
) -> ServiceItemVersion:
    """Publish a draft after the guide rules pass; it takes effect on its date."""
    today = timezone.localdate()
    effective_from = effective_from or today
    with transaction.atomic():
        item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
        locked = ServiceItemVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status != c.VersionStatus.DRAFT:
            raise ServiceError(
                "version_not_draft",
                _("只有草稿可以发布（当前状态：%(status)s）")
                % {"status": locked.get_status_display()},
                status=409,
            )
        if effective_from < today:
            raise ServiceError(
                "effective_in_past", _("生效日期不能早于今天"), field="effective_from"
            )
        problems = check_version(locked)
        if problems:
            raise ServiceError(
                "guide_inconsistent",
                _("办事指南有%(count)s处不符合要求，不能发布")
                % {"count": len(problems)},
                errors=problems,
            )
        locked.status = c.VersionStatus.PUBLISHED
        locked.effective_from = effective_from
        locked.published_at = timezone.now()
        locked.published_by = actor
        # Save as the draft it still is in the database, then freeze.
        ServiceItemVersion.objects.filter(pk=locked.pk).update(
            status=locked.status,
            effective_from=effective_from,
            published_at=locked.published_at,
            published_by=actor,
        )
        audit_record(
            actor=actor,
            action="catalog.version_publish",
            obj=locked,
            changes={
                "version": locked.version,
                "effective_from": effective_from.isoformat(),
            },
        )
        _item_apply_effective(item=item, today=today, actor=actor)
    locked.refresh_from_db()
    return locked


def version_retire(
    *,
    version: ServiceItemVersion,
    actor,
    reason: str,
    effective_to: dt.date | None = None,
) -> ServiceItemVersion:
    """Retire a published version; the item leaves the catalog if it was current."""
    if not (reason or "").strip():
        raise ServiceError("reason_required", _("请填写废止原因"), field="reason")
    today = timezone.localdate()
    with transaction.atomic():
        item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
        locked = ServiceItemVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status != c.VersionStatus.PUBLISHED:
            raise ServiceError(
                "version_not_published", _("只有已发布的版本可以废止"), status=409
            )
        locked.status = c.VersionStatus.RETIRED
        locked.effective_to = effective_to or today
        locked.retired_at = timezone.now()
        locked.retired_by = actor
        locked.save(
            update_fields=["status", "effective_to", "retired_at", "retired_by"]
        )
        audit_record(
            actor=actor,
            action="catalog.version_retire",
            obj=locked,
            changes={"version": locked.version, "reason": reason},
        )
        _item_apply_effective(item=item, today=today, actor=actor)
    return locked


def _item_apply_effective(*, item: ServiceItem, today: dt.date, actor=None) -> bool:
    """Point the item at the newest published version in force; retire older ones.

    Runs under the item's row lock. Returns True when anything changed, so the
    beat sweep can be run any number of times (idempotent).
    """
    in_force = (
        item.versions.filter(
            status=c.VersionStatus.PUBLISHED, effective_from__lte=today
        )
        .exclude(effective_to__lt=today)
        .order_by("-version")
        .first()
    )
    changed = False
    if in_force is not None:
        older = item.versions.filter(
            status=c.VersionStatus.PUBLISHED, version__lt=in_force.version
        )
        for old in older:
            old.status = c.VersionStatus.RETIRED
            old.effective_to = in_force.effective_from - dt.timedelta(days=1)
            old.retired_at = timezone.now()
            old.save(update_fields=["status", "effective_to", "retired_at"])
            audit_record(
                actor=actor,
                action="catalog.version_superseded",
                obj=old,
                changes={"by_version": in_force.version},
            )
            changed = True
    expired = item.versions.filter(
        status=c.VersionStatus.PUBLISHED, effective_to__lt=today
    )
    for old in expired:
        old.status = c.VersionStatus.RETIRED
        old.retired_at = timezone.now()
        old.save(update_fields=["status", "retired_at"])
        audit_record(actor=actor, action="catalog.version_expired", obj=old, changes={})
        changed = True
    if item.current_version_id != (in_force.pk if in_force else None):
        item.current_version = in_force
        item.save(update_fields=["current_version"])
        changed = True
    if changed:
        item_refresh_search(item=item)
    return changed


def catalog_apply_effective_dates(*, today: dt.date | None = None) -> int:
    """Beat sweep: bring every item whose versions changed state today up to date."""
    today = today or timezone.localdate()
    candidates = (
        ServiceItemVersion.objects.filter(status=c.VersionStatus.PUBLISHED)
        .filter(
            # a version that should now be current, or one that has expired
            effective_from__lte=today,
        )
        .values_list("item_id", flat=True)
        .distinct()
    )
    changed = 0
    for item_id in list(candidates):
        with transaction.atomic():
            item = (
                ServiceItem.objects.select_for_update(skip_locked=True)
                .filter(pk=item_id)
                .first()
            )
            if item is not None and _item_apply_effective(item=item, today=today):
                changed += 1
    return changed


def implementation_create(
    *,
    item: ServiceItem,
    region,
    department,
    code: str,
    actor,
    hall=None,
    hours: str = "",
    consult_phone: str = "",
    complaint_phone: str = "",
    business_item_code: str = "",
) -> Implementation:
    with transaction.atomic():
        try:
            validate_implementation_code(
                code, credit_code=department.credit_code, basic_code=item.basic_code
            )
        except CodeError as exc:
            raise ServiceError(exc.code, exc.message, field="code") from exc
        if Implementation.objects.filter(
            code=code, business_item_code=business_item_code
        ).exists():
            raise ServiceError(
                "implementation_code_duplicate",
                _("实施编码 %(code)s 已存在") % {"code": code},
                field="code",
            )
        impl = Implementation(
            item=item,
            region=region,
            department=department,
            code=code,
            hall=hall,
            hours=hours,
            consult_phone=consult_phone,
            complaint_phone=complaint_phone,
            business_item_code=business_item_code,
        )
        _full_clean(impl)
        impl.save()
        locked_item = ServiceItem.objects.select_for_update().get(pk=item.pk)
        item_refresh_search(item=locked_item)
        audit_record(
            actor=actor,
            action="catalog.implementation_create",
            obj=impl,
            changes={"code": code, "region": region.code},
        )
    return impl


def variance_record(
    *,
    implementation: Implementation,
    field: str,
    local_value: Any,
    reason: str,
    approved_by,
    approved_on: dt.date | None = None,
    actor=None,
) -> Variance:
    """Record (or replace) a local difference from the standard, with its reason."""
    if field not in c.VARIANCE_FIELDS:
        raise ServiceError(
            "variance_field",
            _("要素 %(field)s 不允许地方差异") % {"field": field},
            field="field",
        )
    if not (reason or "").strip():
        raise ServiceError("variance_reason", _("差异须说明原因"), field="reason")
    version = implementation.item.current_version
    if version is None:
        raise ServiceError("item_not_published", _("事项尚未发布，不能登记差异"))
    standard = getattr(version, field)
    if standard == local_value:
        raise ServiceError(
            "variance_same", _("本地值与标准值相同，无需登记差异"), field="local_value"
        )
    with transaction.atomic():
        variance, created = Variance.objects.update_or_create(
            implementation=implementation,
            field=field,
            defaults={
                "standard_value": standard,
                "local_value": local_value,
                "reason": reason,
                "approved_by": approved_by,
                "approved_on": approved_on or timezone.localdate(),
            },
        )
        audit_record(
            actor=actor or approved_by,
            action="catalog.variance_record",
            obj=variance,
            changes={
                "field": field,
                "standard": standard,
                "local": local_value,
                "reason": reason,
                "created": created,
            },
        )
    return variance


# --- draft children (materials, stages, steps) --------------------------------


def draft_children_save(
    *,
    version: ServiceItemVersion,
    actor,
    saved: Sequence[tuple[models.Model, Sequence[str]]] = (),
    deleted: Sequence[models.Model] = (),
) -> None:
    """Save and delete children of a draft version (materials, stages, steps).

    ``saved`` pairs each new or changed child with the names of the fields that
    changed (empty for a new one). The version row is locked first, so a
    concurrent publish either happens before (and this refuses with
    version_frozen) or waits. One audit entry summarises the change. Used by
    the import and by the admin's inlines.
    """
    if not saved and not deleted:
        return
    with transaction.atomic():
        locked = ServiceItemVersion.objects.select_for_update().get(pk=version.pk)
        if not locked.is_draft:
            raise ServiceError(
                "version_frozen",
                _("已发布的事项版本不能修改，请基于它新建草稿版本"),
                status=409,
            )
        summary: dict[str, dict[str, Any]] = defaultdict(dict)
        for obj in deleted:
            _check_child(obj, locked)
            summary[obj._meta.model_name].setdefault("removed", []).append(str(obj))
            obj.delete()
        for obj, fields in saved:
            _check_child(obj, locked)
            adding = obj._state.adding or obj.pk is None
            try:
                obj.full_clean()
            except ValidationError as exc:
                raise validation_to_service_error(exc) from exc
            obj.save()
            bucket = summary[obj._meta.model_name]
            if adding:
                bucket.setdefault("added", []).append(str(obj))
            else:
                bucket.setdefault("changed", {})[str(obj)] = list(fields)
        # Children count as an edit of the draft: bump its timestamp.
        locked.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            action="catalog.version_children_update",
            obj=locked,
            changes=dict(summary),
        )


def _check_child(obj, version: ServiceItemVersion) -> None:
    if obj._owning_version_id() != version.pk:
        raise ServiceError(
            "child_wrong_version", _("所改内容不属于该事项版本"), status=400
        )


def version_materials_replace(
    *, version: ServiceItemVersion, actor, materials: Sequence[dict[str, Any]]
) -> None:
    """Make a draft's materials exactly ``materials`` (in order), matched by name.

    A matched material keeps its files (blank form, sample) and any field the
    dict does not name; unmatched ones are removed.
    """
    existing: dict[str, Material] = {}
    extra: list[Material] = []
    for m in version.materials.all():
        if m.name in existing:
            extra.append(m)
        else:
            existing[m.name] = m
    saved: list[tuple[Material, list[str]]] = []
    for position, data in enumerate(materials, start=1):
        values = dict(data, order=position)
        material = existing.pop(values["name"], None)
        if material is None:
            saved.append((Material(version=version, **values), []))
            continue
        changed = [
            name for name, value in values.items() if getattr(material, name) != value
        ]
        for name in changed:
            setattr(material, name, values[name])
        if changed:
            saved.append((material, changed))
    draft_children_save(
        version=version,
        actor=actor,
        saved=saved,
        deleted=[*existing.values(), *extra],
    )
