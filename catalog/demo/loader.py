"""Load the demo data: idempotent, through catalog.services for items.

Reference rows (regions, bodies, halls, themes, certificate types, users,
articles) are matched on their natural keys and only written when a value
differs. Items go through item_create → draft children → version_publish, so
every guide rule is checked and the audit chain is written; an item that
already has a published (or retired) version is left alone. A second run
therefore writes nothing, not even an audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from catalog import constants as c
from catalog.models import (
    CertificateType,
    Department,
    Implementation,
    IntermediaryAgency,
    IntermediaryService,
    Material,
    ProcessStage,
    ProcessStep,
    Region,
    ServiceHall,
    ServiceItem,
    ServiceItemVersion,
    StaffProfile,
    Theme,
    Variance,
    Window,
)
from catalog.services import (
    implementation_create,
    item_create,
    variance_record,
    version_publish,
    version_update_draft,
)
from people.codes import make_credit_code
from portal.errors import ServiceError
from portal.models import Article, User
from portal.roles import ensure_role_groups

from . import (
    articles,
    certificates,
    departments,
    halls,
    regions,
    themes,
    tibetan,
    users,
)
from .intermediaries import AGENCIES, SERVICES
from .items import ITEMS
from .variances import VARIANCES


class DemoRefusedError(Exception):
    """The demo must never be loaded into a production database."""


class DemoError(Exception):
    """A demo definition broke a rule; the message names the item."""


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)

    def add(self, model: type[models.Model], what: str) -> None:
        self.counts[(model._meta.verbose_name_plural, what)] += 1

    def total(self, what: str) -> int:
        return sum(n for (_, w), n in self.counts.items() if w == what)

    def lines(self) -> list[str]:
        names = sorted({name for name, _ in self.counts}, key=str)
        out = []
        for name in names:
            parts = [
                f"{what} {self.counts[(name, what)]}"
                for what in ("created", "updated", "unchanged")
                if self.counts[(name, what)]
            ]
            out.append(f"{name}: " + ", ".join(parts))
        return out


def load_demo() -> Tally:
    """Load (or complete) the demo data in one transaction."""
    if not settings.DEBUG:
        raise DemoRefusedError(
            "load_demo refuses to run with DEBUG off: the demo data has public "
            "demo accounts and passwords and must never reach a production "
            "database. Use a development database with DJANGO_DEBUG=1."
        )
    tally = Tally()
    with transaction.atomic():
        ensure_role_groups()
        region_map = _regions(tally)
        dept_map = _departments(tally, region_map)
        hall_map, window_map = _halls(tally, region_map, dept_map)
        theme_map = _themes(tally)
        cert_map = _certificates(tally)
        user_map = _users(tally, dept_map, hall_map, region_map)
        editor = user_map["catalog_editor"]
        item_map = _items(tally, editor, dept_map, theme_map, cert_map)
        impl_map = _implementations(
            tally, editor, item_map, dept_map, hall_map, window_map, region_map
        )
        _variances(tally, editor, impl_map)
        _articles(tally)
        _intermediaries(tally, item_map, region_map)
    return tally


# --- generic upsert ----------------------------------------------------------


def _same(obj: models.Model, name: str, value) -> bool:
    if isinstance(value, models.Model) or (
        value is None and obj._meta.get_field(name).is_relation
    ):
        return getattr(obj, f"{name}_id") == (value.pk if value else None)
    return getattr(obj, name) == value


def _upsert(tally: Tally, model, lookup: dict, values: dict, fill: dict | None = None):
    """Create, or update only the fields that differ; validated either way.

    ``fill``: fields set only while empty (a Tibetan name the admin may have
    corrected is kept; a row from an earlier run without one gets it)."""
    obj = model.objects.filter(**lookup).first()
    fill = {name: value for name, value in (fill or {}).items() if value}
    if obj is None:
        obj = model(**lookup, **values, **fill)
        obj.full_clean()
        obj.save()
        tally.add(model, "created")
        return obj
    missing = {name: value for name, value in fill.items() if not getattr(obj, name)}
    changed = [name for name, value in values.items() if not _same(obj, name, value)]
    changed += list(missing)
    values = {**values, **missing}
    if not changed:
        tally.add(model, "unchanged")
        return obj
    for name in changed:
        setattr(obj, name, values[name])
    obj.full_clean()
    obj.save(update_fields=changed)
    tally.add(model, "updated")
    return obj


# --- reference data ----------------------------------------------------------


def _regions(tally: Tally) -> dict[str, Region]:
    out: dict[str, Region] = {}
    code, name = regions.PROVINCE
    out[code] = _upsert(
        tally,
        Region,
        {"code": code},
        {"name": name, "level": "province", "parent": None},
        {"name_bo": tibetan.region_name(code)},
    )
    code, name = regions.PREFECTURE
    out[code] = _upsert(
        tally,
        Region,
        {"code": code},
        {"name": name, "level": "prefecture", "parent": out["510000"]},
        {"name_bo": tibetan.region_name(code)},
    )
    for order, (code, name) in enumerate(regions.COUNTIES, start=1):
        out[code] = _upsert(
            tally,
            Region,
            {"code": code},
            {"name": name, "level": "county", "parent": out["513300"], "order": order},
            {"name_bo": tibetan.region_name(code)},
        )
        for t_order, (t_code, t_name) in enumerate(
            regions.TOWNSHIPS.get(code, []), start=1
        ):
            out[t_code] = _upsert(
                tally,
                Region,
                {"code": t_code},
                {
                    "name": t_name,
                    "level": "township",
                    "parent": out[code],
                    "order": t_order,
                },
            )
    return out


def _departments(tally: Tally, region_map) -> dict[str, Department]:
    out: dict[str, Department] = {}
    for key, d in departments.DEPARTMENTS.items():
        out[key] = _upsert(
            tally,
            Department,
            {"credit_code": make_credit_code(d["stem"])},
            {
                "name": d["name"],
                "short_name": d["short_name"],
                "region": region_map[d["region"]],
                "parent": out[d["parent"]] if d["parent"] else None,
                "level": d["level"],
                "nature": d["nature"],
                "kind": d["kind"],
                "phone": d["phone"],
                "address": d["address"],
            },
            {
                "name_bo": tibetan.department_name(
                    d["name"], d["region"], region_map[d["region"]].name
                )
            },
        )
    return out


def _halls(tally: Tally, region_map, dept_map):
    hall_map: dict[str, ServiceHall] = {}
    window_map: dict[tuple[str, str], Window] = {}
    for key, h in halls.HALLS.items():
        hall = _upsert(
            tally,
            ServiceHall,
            {"name": h["name"], "region": region_map[h["region"]]},
            {
                "address": h["address"],
                "hours": h["hours"],
                "phone": h["phone"],
                "self_service": h["self_service"],
            },
        )
        hall_map[key] = hall
        for number, name, comprehensive, dept_keys in h["windows"]:
            window = _upsert(
                tally,
                Window,
                {"hall": hall, "number": number},
                {"name": name, "is_comprehensive": comprehensive},
            )
            wanted = {dept_map[k].pk for k in dept_keys}
            have = set(window.departments.values_list("pk", flat=True))
            if wanted - have:
                window.departments.add(*(wanted - have))
            window_map[(key, number)] = window
    return hall_map, window_map


def _themes(tally: Tally) -> dict[str, Theme]:
    return {
        code: _upsert(
            tally,
            Theme,
            {"code": code},
            {"name": name, "audience": audience, "icon": icon, "order": order},
            {"name_bo": tibetan.THEMES.get(code, "")},
        )
        for code, name, audience, icon, order in themes.THEMES
    }


def _certificates(tally: Tally) -> dict[str, CertificateType]:
    out = {}
    for key, (ministry, suffix, name, holder) in certificates.CERTIFICATES.items():
        authority, stem = certificates.MINISTRIES[ministry]
        out[key] = _upsert(
            tally,
            CertificateType,
            {"code": make_credit_code(stem) + suffix},
            {"name": name, "issuing_authority": authority, "holder_kind": holder},
        )
    return out


def _users(tally: Tally, dept_map, hall_map, region_map) -> dict[str, User]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    # One hash for the one public demo password: hashing it anew for each of
    # some eighty users would take minutes with production's hasher.
    password = None
    groups = {g.name: g for g in Group.objects.all()}
    out: dict[str, User] = {}
    for u in users.USERS:
        user = User.objects.filter(username=u["username"]).first()
        values = {
            "display_name": u["display_name"],
            "phone": u.get("phone", ""),
            "is_staff": u.get("staff", False),
            "is_superuser": u.get("superuser", False),
        }
        if user is None:
            user = User(username=u["username"], email=f"{u['username']}@demo.invalid")
            for name, value in values.items():
                setattr(user, name, value)
            password = password or make_password(users.DEMO_PASSWORD)
            user.password = password
            user.save()
            tally.add(User, "created")
        else:
            changed = [k for k, v in values.items() if getattr(user, k) != v]
            for name in changed:
                setattr(user, name, values[name])
            if changed:
                user.save(update_fields=changed)
            tally.add(User, "updated" if changed else "unchanged")
        if u["role"]:
            group = groups[u["role"]]
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
        where = {
            "department": dept_map[u["department"]] if u.get("department") else None,
            "hall": hall_map[u["hall"]] if u.get("hall") else None,
            "region": region_map[u["region"]] if u.get("region") else None,
        }
        if any(where.values()):
            _upsert(tally, StaffProfile, {"user": user}, where)
        out[u["username"]] = user
    return out


# --- items -------------------------------------------------------------------


def _items(tally: Tally, editor, dept_map, theme_map, cert_map):
    out: dict[str, ServiceItem] = {}
    for d in map(tibetan.apply, ITEMS):
        item = ServiceItem.objects.filter(basic_code=d["code"]).first()
        if (
            item is not None
            and item.versions.exclude(status=c.VersionStatus.DRAFT).exists()
        ):
            tally.add(ServiceItem, "unchanged")
            out[d["code"]] = item
            continue
        try:
            with transaction.atomic():
                item = _item_publish(item, d, editor, dept_map, cert_map)
                item.themes.add(*(theme_map[t] for t in d["themes"]))
        except ServiceError as exc:
            details = "; ".join(e.detail for e in exc.errors) or exc.detail
            raise DemoError(f"demo item {d['code']} {d['name']}: {details}") from exc
        except ValidationError as exc:
            raise DemoError(f"demo item {d['code']} {d['name']}: {exc}") from exc
        tally.add(ServiceItem, "created")
        out[d["code"]] = item
    return out


def _item_publish(item, d, editor, dept_map, cert_map) -> ServiceItem:
    """Create (or finish an earlier run's draft of) one item and publish it."""
    lead = dept_map[d["lead"]]
    if item is None:
        version = item_create(
            basic_code=d["code"],
            name=d["name"],
            item_type=d["type"],
            actor=editor,
            lead_department=lead,
            hot=d["hot"],
            version_fields=d["version"],
        )
    else:
        version = item.versions.filter(status=c.VersionStatus.DRAFT).first()
        if version is None:
            version = ServiceItemVersion.objects.create(
                item=item, version=1, name=d["name"], item_type=d["type"]
            )
        version = version_update_draft(
            version=version,
            actor=editor,
            changes={"name": d["name"], "item_type": d["type"], **d["version"]},
        )
        version.materials.all().delete()
        version.stages.all().delete()
        # Unpublished, so still the demo's own: bring its popularity in line.
        ServiceItem.objects.filter(pk=item.pk).update(
            hot=d["hot"], lead_department=lead
        )
    for order, m in enumerate(d["materials"], start=1):
        material = Material(
            version=version,
            order=order,
            name=m["name"],
            form=m["form"],
            medium=m["medium"],
            paper_copies=m["paper_copies"],
            source=m["source"],
            source_note=m["source_note"],
            necessity=m["necessity"],
            certificate_type=cert_map[m["cert"]] if m["cert"] else None,
            legal_basis=m["legal_basis"],
            notes=m["notes"],
            name_bo=m.get("name_bo", ""),
        )
        material.full_clean()
        material.save()
    for order, s in enumerate(d["stages"], start=1):
        stage = ProcessStage.objects.create(
            version=version, order=order, name=s["name"]
        )
        for step_order, st in enumerate(s["steps"], start=1):
            dept = dept_map[st["dept"]] if st["dept"] else None
            step = ProcessStep(
                stage=stage,
                order=step_order,
                name=st["name"],
                department=dept,
                department_kind=st["department_kind"] or (dept.kind if dept else ""),
                action=st["action"],
                limit_days=st["limit_days"],
                site_inspection=st["site_inspection"],
                special_procedure=st["special_procedure"],
            )
            step.full_clean()
            step.save()
    result_cert = d.get("result_cert")
    if result_cert:
        # The approval of this item issues an e-certificate of this type.
        version.result_certificate_type = cert_map[result_cert]
        version.save(update_fields=["result_certificate_type"])
    published = version_publish(version=version, actor=editor)
    return published.item


def _implementations(
    tally, editor, item_map, dept_map, hall_map, window_map, region_map
):
    out: dict[tuple[str, str], Implementation] = {}
    for d in ITEMS:
        item = item_map[d["code"]]
        for key in d["impls"]:
            dept = dept_map[key]
            code = dept.credit_code + dept.level + item.basic_code
            impl = Implementation.objects.filter(
                code=code, business_item_code=""
            ).first()
            if impl is not None:
                tally.add(Implementation, "unchanged")
                out[(d["code"], key)] = impl
                continue
            region_code = departments.DEPARTMENTS[key]["region"]
            hall_key = halls.HALL_OF_REGION[region_code]
            hall = hall_map[hall_key]
            try:
                impl = implementation_create(
                    item=item,
                    region=region_map[region_code],
                    department=dept,
                    code=code,
                    actor=editor,
                    hall=hall,
                    hours=hall.hours,
                    consult_phone=dept.phone,
                    complaint_phone="12345",
                )
            except ServiceError as exc:
                raise DemoError(f"implementation {code}: {exc.detail}") from exc
            impl.windows.add(*_windows_for(hall_key, dept, dept_map, window_map))
            if d["points"] and dept.level == c.AuthorityLevel.COUNTY:
                townships = regions.TOWNSHIPS.get(region_code, [])[:3]
                impl.service_points.add(*(region_map[t] for t, _ in townships))
            tally.add(Implementation, "created")
            out[(d["code"], key)] = impl
    return out


def _windows_for(hall_key: str, dept: Department, dept_map, window_map):
    """The hall's windows of this body, else its general comprehensive windows."""
    spec = halls.HALLS[hall_key]["windows"]
    own = [
        window_map[(hall_key, number)]
        for number, _, _, dept_keys in spec
        if any(dept_map[k].pk == dept.pk for k in dept_keys)
    ]
    if own:
        return own
    return [
        window_map[(hall_key, number)]
        for number, name, comprehensive, dept_keys in spec
        if comprehensive and not dept_keys and name.startswith("综合受理")
    ]


def _variances(tally: Tally, approver, impl_map) -> None:
    for v in VARIANCES:
        impl = impl_map[(v["item"], v["dept"])]
        if Variance.objects.filter(implementation=impl, field=v["field"]).exists():
            tally.add(Variance, "unchanged")
            continue
        variance_record(
            implementation=impl,
            field=v["field"],
            local_value=v["local_value"],
            reason=v["reason"],
            approved_by=approver,
            approved_on=dt.date.fromisoformat(v["approved_on"]),
        )
        tally.add(Variance, "created")


# --- public pages and intermediaries -------------------------------------------


def _articles(tally: Tally) -> None:
    for a in articles.ARTICLES:
        article = _upsert(
            tally,
            Article,
            {"slug": a["slug"]},
            {
                "kind": a["kind"],
                "title": a["title"],
                "summary": a.get("summary", ""),
                "body": a["body"],
                "document_number": a.get("document_number", ""),
                "issuer": a.get("issuer", ""),
                "published_on": dt.date.fromisoformat(a["published_on"]),
                "is_published": True,
            },
        )
        _fill_blank(article, articles.TIBETAN.get(a["slug"], {}))


def _fill_blank(obj: models.Model, values: dict[str, str]) -> None:
    """Write the values whose fields are still empty (a rerun fills the Tibetan
    of rows loaded before it existed, and keeps what an editor wrote)."""
    missing = [name for name, value in values.items() if not getattr(obj, name)]
    if missing:
        for name in missing:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=missing)


def _intermediaries(tally: Tally, item_map, region_map) -> None:
    services = {}
    for s in SERVICES:
        service = _upsert(
            tally,
            IntermediaryService,
            {"name": s["name"]},
            {"basis": s["basis"], "fee_basis": s["fee_basis"]},
        )
        linked = set(service.items.values_list("basic_code", flat=True))
        missing = [item_map[code] for code in s["items"] if code not in linked]
        if missing:
            service.items.add(*missing)
        services[s["key"]] = service
    for a in AGENCIES:
        agency = _upsert(
            tally,
            IntermediaryAgency,
            {"credit_code": make_credit_code(a["stem"])},
            {
                "name": a["name"],
                "region": region_map[a["region"]],
                "qualification": a["qualification"],
                "phone": a["phone"],
            },
        )
        have = set(agency.services.values_list("pk", flat=True))
        wanted = [services[k] for k in a["services"] if services[k].pk not in have]
        if wanted:
            agency.services.add(*wanted)
