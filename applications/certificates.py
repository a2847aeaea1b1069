"""Once-only: materials satisfied by certificates the evidence library holds.

Applications sits above evidence and asks it directly (no hook). For a
material whose requirement names a certificate type, the *holder* is the
application's: its enterprise for a legal person's application, else the
applicant's real-name profile. So the applicant online, the clerk taking a
walk-in's application at the counter and the agent applying for the citizen
who authorised them all see the same offers.

- :func:`certificate_offers`: the holder's valid certificates of the type;
- :func:`prefill_values`: form fields the certificate carries (same name in
  the form's schema and the certificate's data), written into the form and
  remembered on the material row so they show as prefilled;
- :func:`reference_problems`: the re-check at submission: consent still
  given, the certificate still valid and still the holder's, prefilled
  values unchanged.

Trust levels (国办函〔2016〕108号, docs/domain.md): a signed certificate from
the library is level A; an upload at the counter (the clerk holds the
original) B; an upload online C; a commitment D (:func:`trust_level_for`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from catalog import constants as cc
from evidence import selectors as evidence
from evidence.holders import Holder, enterprise_holder, person_holder
from evidence.models import AccessLogEntry, Certificate
from evidence.selectors import holders_for_user
from evidence.services.access import certificate_read
from people.privacy import mask_name
from people.selectors import applicant_profile_for_user, enterprises_for_user
from portal.errors import ErrorItem
from portal.models import AuditEntry

from . import constants as c
from .form_privacy import form_id_fields
from .models import Application, ApplicationMaterial, UploadedFile

TRUST_A, TRUST_B, TRUST_C, TRUST_D = "A", "B", "C", "D"


@dataclass(frozen=True)
class CertificateOffer:
    """A held certificate that can satisfy a material."""

    identifier: str
    name: str
    issuer: str
    valid_until: str
    trust_level: str

    @classmethod
    def of(cls, cert: Certificate) -> CertificateOffer:
        until = cert.valid_until.isoformat() if cert.valid_until else _("长期")
        return cls(
            identifier=cert.identifier,
            name=_("%(type)s（%(issuer)s签发，有效期至%(until)s）")
            % {
                "type": cert.certificate_type.name,
                "issuer": cert.issuer.name,
                "until": until,
            },
            issuer=cert.issuer.name,
            valid_until=until,
            trust_level=TRUST_A,
        )


def certificate_holder(application) -> Holder | None:
    """Whose certificates may satisfy the application's materials."""
    if application.enterprise_id:
        return enterprise_holder(application.enterprise)
    profile = applicant_profile_for_user(user=application.applicant)
    return person_holder(profile) if profile is not None else None


def held_certificates(*, application, material) -> list[Certificate]:
    if material.certificate_type_id is None:
        return []
    holder = certificate_holder(application)
    if holder is None:
        return []
    return evidence.offers_for(
        holder=holder, certificate_type=material.certificate_type
    )


def certificate_offers(*, application, material) -> list[CertificateOffer]:
    """The offers shown on the material's card (and accepted by the service)."""
    return [
        CertificateOffer.of(cert)
        for cert in held_certificates(application=application, material=material)
    ]


def offered_certificate(
    *, application, material, identifier: str
) -> Certificate | None:
    """The certificate ``identifier`` if it is one of the material's offers now."""
    for cert in held_certificates(application=application, material=material):
        if cert.identifier == identifier:
            return cert
    return None


def prefill_values(schema: dict, cert: Certificate) -> dict:
    """Form fields the certificate carries: same name, a text field, not an ID number."""
    props = (schema or {}).get("properties") or {}
    sealed = set(form_id_fields(schema))
    values = {}
    for name, value in (cert.data or {}).items():
        spec = props.get(name)
        if spec is None or name in sealed or not isinstance(value, str):
            continue
        if spec.get("type", "string") != "string" or "enum" in spec:
            continue
        if "maxLength" in spec and len(value) > spec["maxLength"]:
            continue
        values[name] = value
    return values


def trust_level_for(provision: str, *, channel: str) -> str:
    if provision == c.Provision.CERTIFICATE:
        return TRUST_A
    if provision == c.Provision.UPLOAD:
        return TRUST_B if channel == c.IntakeChannel.COUNTER else TRUST_C
    if provision == c.Provision.COMMITMENT:
        return TRUST_D
    return ""


def reference_problems(application, materials) -> list[ErrorItem]:
    """Every certificate reference that no longer holds (the submission re-check)."""
    items = []
    form = application.form_data or {}
    for i, am in enumerate(materials):
        if am.provision != c.Provision.CERTIFICATE or not am.certificate_ref:
            continue
        name = am.material.name
        field = f"materials[{i}]"
        if am.certificate_consent_at is None:
            items.append(
                ErrorItem(
                    "certificate_consent_missing",
                    _("已撤回调取“%(name)s”电子证照的同意，请重新同意或改为上传材料")
                    % {"name": name},
                    field,
                )
            )
            continue
        cert = offered_certificate(
            application=application, material=am.material, identifier=am.certificate_ref
        )
        if cert is None:
            items.append(
                ErrorItem(
                    "certificate_no_longer_valid",
                    _(
                        "所引用的“%(name)s”电子证照已失效或不属于申请人，请重新选择或上传材料"
                    )
                    % {"name": name},
                    field,
                )
            )
            continue
        changed = [
            f
            for f, value in (am.certificate_prefill or {}).items()
            if form.get(f) != value
        ]
        if changed:
            items.append(
                ErrorItem(
                    "certificate_prefill_changed",
                    _(
                        "申请表中由“%(name)s”电子证照预填的内容已被修改，请恢复或改为上传材料"
                    )
                    % {"name": name},
                    field,
                )
            )
    return items


def prefilled_fields(application) -> list[tuple[str, str]]:
    """(field title, material name) of the form fields a certificate prefilled."""
    props = (application.version.form_schema or {}).get("properties") or {}
    out = []
    rows = application.materials.filter(provision=c.Provision.CERTIFICATE)
    for am in rows.select_related("material"):
        for f in am.certificate_prefill or {}:
            title = (props.get(f) or {}).get("title") or f
            out.append((title, am.material.name))
    return out


# --- staff reads and the citizen's "who read my data" ------------------------------


def staff_certificate_read(*, user, identifier: str, application_pk=None):
    """A staff member opens a certificate: through an application, or a sharing rule.

    Through an application: ``application_pk`` names an application the user
    may see (``Application.objects.visible_to``: the hall's clerk, and the
    departments with a task on it once workflow registers its rule) that
    references the certificate. Otherwise a sharing rule of the user's
    department for the type (and the application's item, if one is named)
    must allow it. Every attempt by a known identifier is logged in evidence's
    access log, refusals too. Returns the certificate or None (answer 404).
    """
    profile = getattr(user, "staff_profile", None)
    department = profile.department if profile is not None else None
    app = None
    if application_pk is not None:
        try:
            pk = int(application_pk)
        except (TypeError, ValueError):
            pk = None
        app = (
            Application.objects.visible_to(user)
            .select_related("version", "implementation__item")
            .filter(pk=pk)
            .first()
            if pk is not None
            else None
        )
    references = bool(
        app is not None
        and app.materials.filter(
            provision=c.Provision.CERTIFICATE, certificate_ref=identifier
        ).exists()
    )
    return certificate_read(
        identifier=identifier,
        reader=user,
        department=department,
        through_application=references,
        application_id=app.pk if app is not None else None,
        application_number=(app.number or "") if app is not None else "",
        item=app.implementation.item if app is not None else None,
        item_name=app.version.name if app is not None else "",
    )


@dataclass(frozen=True)
class AccessRow:
    """One read of the citizen's data by staff, as the citizen sees it."""

    at: object
    kind: str  # "certificate" or "file"
    what: str
    department: str
    reader: str
    purpose: str
    application_number: str
    item_name: str
    refused: bool


def _reader_label(user) -> str:
    return mask_name(getattr(user, "display_name", "") or "") or _("工作人员")


def access_log_for_user(*, user, limit: int = 200) -> list[AccessRow]:
    """Every read by staff of the user's certificates and uploaded files, newest first.

    Certificate reads come from evidence's access log (refusals too); views
    of uploaded files from the audit chain (``applications.file_view``) on
    the user's own applications and their enterprises', by anyone but the
    user. A fixed number of queries whatever the length.
    """
    holders = holders_for_user(user=user)
    rows: list[AccessRow] = []
    if holders:
        q = None
        for h in holders:
            part = AccessLogEntry.objects.filter(
                holder_kind=h.kind, holder_hash=h.digest
            )
            q = part if q is None else q | part
        for e in q.select_related(
            "certificate__certificate_type", "department", "reader"
        ).order_by("-at", "-pk")[:limit]:
            rows.append(
                AccessRow(
                    at=e.at,
                    kind="certificate",
                    what=e.certificate.certificate_type.name,
                    department=e.department.name if e.department else "",
                    reader=_reader_label(e.reader),
                    purpose=e.get_purpose_display(),
                    application_number=e.application_number,
                    item_name=e.item_name,
                    refused=e.outcome == "refused",
                )
            )
    apps = {
        str(a["pk"]): a
        for a in Application.objects.filter(
            Q(applicant=user) | Q(enterprise__in=enterprises_for_user(user=user))
        ).values("pk", "number", "version__name")
    }
    if apps:
        entries = list(
            AuditEntry.objects.filter(
                action="applications.file_view",
                object_type=Application._meta.label_lower,
                object_id__in=list(apps),
            )
            .exclude(actor_id=user.pk)
            .exclude(actor__isnull=True)
            .select_related("actor__staff_profile__department")
            .order_by("-at", "-pk")[:limit]
        )
        file_ids = {e.changes.get("file") for e in entries}
        names = dict(
            UploadedFile.objects.filter(pk__in=[i for i in file_ids if i]).values_list(
                "pk", "application_material__material__name"
            )
        )
        for e in entries:
            profile = getattr(e.actor, "staff_profile", None)
            app = apps[e.object_id]
            rows.append(
                AccessRow(
                    at=e.at,
                    kind="file",
                    what=names.get(e.changes.get("file"), _("上传的材料")),
                    department=profile.department.name
                    if profile is not None and profile.department_id
                    else "",
                    reader=_reader_label(e.actor),
                    purpose=_("查看申请材料"),
                    application_number=app["number"] or "",
                    item_name=app["version__name"],
                    refused=False,
                )
            )
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows[:limit]


def certificate_share_by_item() -> list[dict]:
    """Per item: needed materials of submitted applications, and how many by certificate.

    One grouped query (supervision reads it): ``[{"item_id", "item_name",
    "materials", "by_certificate", "share"}]``, items without any submitted
    material left out, highest share first.
    """
    rows = (
        ApplicationMaterial.objects.filter(application__submitted_at__isnull=False)
        .exclude(material__necessity=cc.MaterialNecessity.OPTIONAL)
        .values("application__implementation__item_id", "application__version__name")
        .annotate(
            materials=Count("pk"),
            by_certificate=Count("pk", filter=Q(provision=c.Provision.CERTIFICATE)),
        )
    )
    out: dict[int, dict] = {}
    for r in rows:
        item = out.setdefault(
            r["application__implementation__item_id"],
            {
                "item_id": r["application__implementation__item_id"],
                "item_name": r["application__version__name"],
                "materials": 0,
                "by_certificate": 0,
            },
        )
        item["materials"] += r["materials"]
        item["by_certificate"] += r["by_certificate"]
    for item in out.values():
        item["share"] = item["by_certificate"] / item["materials"]
    return sorted(out.values(), key=lambda i: (-i["share"], i["item_name"]))
