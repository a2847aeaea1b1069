"""Factories for application tests: data made through the real services.

Fixed defaults, named traits (``ApplicationFactory(submitted=True)``), no
random statuses.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools

import factory
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from applications import constants as c
from applications.constants import AuthorizationConfirmation
from applications.models import AgentAuthorization, Application
from applications.services.acceptance import (
    application_accept,
    application_refuse,
    application_request_supplement,
)
from applications.services.drafts import application_create
from applications.services.materials import application_provide_material
from applications.services.submission import application_submit
from catalog import constants as cc
from catalog.models import Material, ProcessStage, ProcessStep
from people.models import ApplicantProfile
from people.privacy import (
    encrypt_id_number,
    id_number_hash,
    make_id_number,
    mask_id_number,
)
from portal.roles import Role
from tests.factories import (
    DepartmentFactory,
    RegionFactory,
    ServiceHallFactory,
    UserFactory,
    VersionFactory,
    implementation_for,
    staff,
)

_id_seq = itertools.count(1)

FORM_SCHEMA = {
    "type": "object",
    "required": ["contact_phone", "purpose"],
    "properties": {
        "contact_phone": {
            "type": "string",
            "title": "联系电话",
            "pattern": "^1[0-9]{10}$",
            "description": "11位手机号码",
        },
        "purpose": {
            "type": "string",
            "title": "申请用途",
            "enum": ["新办", "变更", "延续"],
        },
        "household_size": {
            "type": "integer",
            "title": "家庭人口",
            "minimum": 1,
            "maximum": 30,
        },
        "area": {"type": "number", "title": "经营面积（平方米）"},
        "agree": {"type": "boolean", "title": "同意共享信息"},
    },
}
GOOD_FORM = {"contact_phone": "13800001111", "purpose": "新办"}


def citizen(username: str = "zhaxi", *, full_name: str = "扎西"):
    """A registered citizen (user + real-name profile + applicant role)."""
    n = next(_id_seq)
    number = make_id_number(f"51330119900101{n:03d}")
    user = UserFactory(username=username, display_name=full_name)
    ApplicantProfile.objects.create(
        user=user,
        full_name=full_name,
        id_number_hash=id_number_hash(number),
        id_number_masked=mask_id_number(number),
        id_number_encrypted=encrypt_id_number(number),
        birth_date=dt.date(1990, 1, 1),
        phone="13800001111",
    )
    group, _ = Group.objects.get_or_create(name=Role.APPLICANT.value)
    user.groups.add(group)
    return user


def applicable_version(
    *,
    materials: list[dict] | None = None,
    form_schema: dict | None = None,
    department=None,
    **fields,
):
    """A published licensing item with the given materials (name, necessity...)."""
    from catalog.services import version_publish

    department = department or DepartmentFactory()
    version = VersionFactory(
        with_children=False,
        form_schema=FORM_SCHEMA if form_schema is None else form_schema,
        **fields,
    )
    if materials is None:
        materials = [
            {"name": "居民身份证"},
            {"name": "申请表", "medium": cc.MaterialMedium.ELECTRONIC},
            {"name": "房屋租赁合同", "necessity": cc.MaterialNecessity.TOLERATED},
            {"name": "无犯罪记录证明", "necessity": cc.MaterialNecessity.COMMITMENT},
            {"name": "其他补充材料", "necessity": cc.MaterialNecessity.OPTIONAL},
        ]
    for i, spec in enumerate(materials, start=1):
        Material.objects.create(version=version, order=i, **spec)
    stage = ProcessStage.objects.create(version=version, order=1, name="审查")
    ProcessStep.objects.create(
        stage=stage, order=1, name="审核", department=department, limit_days=5
    )
    return version_publish(
        version=version, actor=UserFactory(username="factory-editor")
    )


def hall_and_implementation(version=None, *, hall=None, region=None):
    region = region or RegionFactory()
    hall = hall or ServiceHallFactory(region=region)
    version = version or applicable_version()
    department = DepartmentFactory(region=region)
    return hall, implementation_for(version, department=department, hall=hall)


def clerk_at(hall, username: str = "clerk"):
    return staff(username, Role.CLERK, hall=hall)


def agent_user(username: str = "agent"):
    return staff(username, Role.AGENT)


def authorization(
    *, agent, citizen, item=None, days: int = 30, revoked=False, pending=False
):
    """An authorisation the citizen confirmed from their account (in force),
    or with ``pending`` one still waiting for the citizen."""
    return AgentAuthorization.objects.create(
        agent=agent,
        citizen=citizen,
        item=item,
        signed_statement="本人委托代办员代为申请，有效期内有效。",
        signed_at=timezone.now(),
        valid_until=timezone.localdate() + dt.timedelta(days=days),
        revoked_at=timezone.now() if revoked else None,
        confirmed_at=None if pending else timezone.now(),
        confirmed_via="" if pending else AuthorizationConfirmation.ACCOUNT,
        recorded_by=agent if pending else citizen,
    )


# --- files ---------------------------------------------------------------------


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, format="PNG")
    return buf.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buf, format="JPEG")
    return buf.getvalue()


def ofd_bytes() -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
        z.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return buf.getvalue()


def upload(name: str = "身份证.pdf", content: bytes | None = None, ctype: str = ""):
    return SimpleUploadedFile(
        name, pdf_bytes() if content is None else content, content_type=ctype
    )


# --- applications ----------------------------------------------------------------


def fill_materials(application: Application, user) -> None:
    """Satisfy every needed material the simplest allowed way."""
    for am in application.materials.select_related("material"):
        necessity = am.material.necessity
        if necessity == cc.MaterialNecessity.OPTIONAL:
            continue
        if necessity == cc.MaterialNecessity.TOLERATED:
            application_provide_material(
                application=application,
                user=user,
                material=am.material,
                provision=c.Provision.TOLERATED,
                promise_text="承诺在期限内补交原件",
                promised_by=timezone.localdate() + dt.timedelta(days=10),
            )
        elif necessity == cc.MaterialNecessity.COMMITMENT:
            application_provide_material(
                application=application,
                user=user,
                material=am.material,
                provision=c.Provision.COMMITMENT,
                promise_text="本人承诺所述情况属实",
            )
        else:
            application_provide_material(
                application=application,
                user=user,
                material=am.material,
                provision=c.Provision.UPLOAD,
                file=upload(f"{am.material.name}.pdf"),
            )


class ApplicationFactory(factory.Factory):
    """An online application taken to ``stage`` through the services.

    Traits: ``submitted``, ``accepted``, ``supplement`` (one-time notice),
    ``refused``. Pass ``implementation`` and ``applicant`` to share data.
    """

    class Meta:
        model = Application

    class Params:
        submitted = factory.Trait(stage="submitted")
        accepted = factory.Trait(stage="accepted")
        supplement = factory.Trait(stage="supplement")
        refused = factory.Trait(stage="refused")

    stage = "draft"
    applicant = factory.LazyFunction(lambda: citizen(f"citizen{next(_id_seq)}"))
    implementation = factory.LazyFunction(lambda: hall_and_implementation()[1])
    form_data = factory.LazyFunction(lambda: dict(GOOD_FORM))
    clerk = None

    @classmethod
    def _create(
        cls, model_class, *, stage, applicant, implementation, form_data, clerk
    ):
        app = application_create(
            user=applicant,
            implementation=implementation,
            channel=c.IntakeChannel.ONLINE,
            form_data=form_data,
        )
        if stage == "draft":
            return app
        fill_materials(app, applicant)
        app = application_submit(application=app, user=applicant)
        if stage == "submitted":
            return app
        clerk = clerk or clerk_at(app.hall, f"clerk-{app.hall_id}")
        if stage == "accepted":
            return application_accept(application=app, clerk=clerk)
        if stage == "supplement":
            first = app.materials.select_related("material").first()
            application_request_supplement(
                application=app,
                clerk=clerk,
                items=[{"material_id": first.material_id, "problem": "照片不清晰"}],
            )
            app.refresh_from_db()
            return app
        if stage == "refused":
            return application_refuse(
                application=app,
                clerk=clerk,
                reason="申请事项不属于本机关职权范围",
                legal_basis="《中华人民共和国行政许可法》第三十二条第一款第（二）项",
            )
        raise ValueError(stage)


def api_client(user) -> APIClient:
    """An API client authenticated as ``user``."""
    client = APIClient()
    client.force_authenticate(user)
    return client
