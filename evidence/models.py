"""The e-certificate library: what a type's certificates carry, the certificates,
the departments' signing keys, the sharing rules and the access log.

The holder is named the way people names identity (people.privacy): the
keyed hash of the normalised ID number (a natural person) or credit code (a
legal person), and its masked form for display; never the number itself.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.constants import ServedParty

from . import constants as c
from .codes import MAX_LENGTH


class CertificateSpec(models.Model):
    """What the certificates of one catalog type carry (the type is catalog's).

    ``data_schema`` is a JSON Schema (2020-12) of ``Certificate.data``; its
    ``title`` of each property is the label printed and shown. A property
    whose name is also a field of an application form is prefilled from the
    certificate (applications). ``validity_years`` empty: valid until revoked.
    """

    certificate_type = models.OneToOneField(
        "catalog.CertificateType",
        on_delete=models.CASCADE,
        related_name="spec",
        verbose_name=_("证照类型"),
    )
    validity_years = models.PositiveSmallIntegerField(
        _("有效期（年）"), null=True, blank=True, help_text=_("留空表示长期有效")
    )
    data_schema = models.JSONField(_("照面信息结构"), default=dict, blank=True)

    class Meta:
        verbose_name = _("证照类型规格")
        verbose_name_plural = _("证照类型规格")

    def __str__(self) -> str:
        return str(self.certificate_type)


class SigningKey(models.Model):
    """One Ed25519 key of an issuing department; only the public half is here.

    The newest key that is neither retired nor revoked signs (one per
    department, enforced by a constraint). Rotation retires it
    (``valid_until`` set): certificates signed earlier still verify. A
    revoked key (compromise) makes every signature by it fail.
    """

    key_id = models.CharField(_("密钥标识"), max_length=40, unique=True)
    department = models.ForeignKey(
        "catalog.Department",
        on_delete=models.PROTECT,
        related_name="signing_keys",
        verbose_name=_("部门"),
    )
    public_key = models.CharField(_("公钥（Base64）"), max_length=64)
    valid_from = models.DateTimeField(_("启用时间"))
    valid_until = models.DateTimeField(_("停用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("吊销原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["department", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=models.Q(valid_until__isnull=True, revoked_at__isnull=True),
                name="evidence_one_active_key_per_department",
            )
        ]
        verbose_name = _("签名密钥")
        verbose_name_plural = _("签名密钥")

    def __str__(self) -> str:
        return self.key_id


def certificate_file_path(instance, filename: str) -> str:
    # Stored names never come from the identifier or the holder.
    return f"evidence/{uuid.uuid4().hex}.pdf"


class CertificateQuerySet(models.QuerySet):
    def held_by(self, keys: list[tuple[str, str]]) -> CertificateQuerySet:
        """Certificates whose (holder_kind, holder_hash) is one of ``keys``."""
        q = models.Q(pk__in=[])
        for kind, digest in keys:
            q |= models.Q(holder_kind=kind, holder_hash=digest)
        return self.filter(q)

    def valid(self) -> CertificateQuerySet:
        return self.filter(status=c.CertificateStatus.VALID)


class Certificate(models.Model):
    """One e-certificate (电子证照), signed by its issuing department."""

    identifier = models.CharField(_("电子证照标识"), max_length=MAX_LENGTH, unique=True)
    certificate_type = models.ForeignKey(
        "catalog.CertificateType",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("证照类型"),
    )
    issuer = models.ForeignKey(
        "catalog.Department",
        on_delete=models.PROTECT,
        related_name="certificates_issued",
        verbose_name=_("颁发部门"),
    )
    serial = models.CharField(_("顺序号"), max_length=20)
    version = models.CharField(_("版本号"), max_length=3, default="001")
    holder_kind = models.CharField(
        _("持证主体类型"), max_length=16, choices=ServedParty.choices
    )
    holder_hash = models.CharField(max_length=64)
    holder_masked = models.CharField(_("持证主体代码"), max_length=18)
    holder_name = models.CharField(_("持证主体名称"), max_length=200)
    issued_on = models.DateField(_("签发日期"))
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=c.CertificateStatus.choices,
        default=c.CertificateStatus.VALID,
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(_("注销原因"), max_length=200, blank=True)
    data = models.JSONField(_("照面信息"), default=dict, blank=True)
    data_sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=certificate_file_path, max_length=200)
    file_sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    signing_key = models.ForeignKey(
        SigningKey, on_delete=models.PROTECT, related_name="certificates"
    )
    statement = models.TextField(help_text=_("签名内容（规范化JSON）"))
    signature = models.CharField(_("签名（Base64）"), max_length=100)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    # The application (办件编号) whose approval issued it, if any: how the
    # decision notice and tracking find it (applications sits above evidence).
    application_number = models.CharField(
        _("办件编号"), max_length=47, blank=True, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["holder_hash", "holder_kind", "certificate_type"]),
            models.Index(
                fields=["valid_until"],
                name="evidence_cert_valid_until",
                condition=models.Q(status="valid", valid_until__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "certificate_type", "serial", "version"],
                name="evidence_cert_serial_unique",
            )
        ]
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")

    def __str__(self) -> str:
        return f"{self.certificate_type.name} {self.identifier}"


class SharingRule(models.Model):
    """数据共享目录: a department may read certificates of a type for some items.

    ``item`` empty: for every item the department handles.
    """

    department = models.ForeignKey(
        "catalog.Department",
        on_delete=models.CASCADE,
        related_name="sharing_rules",
        verbose_name=_("使用部门"),
    )
    certificate_type = models.ForeignKey(
        "catalog.CertificateType",
        on_delete=models.CASCADE,
        related_name="sharing_rules",
        verbose_name=_("证照类型"),
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("事项"),
    )
    basis = models.CharField(_("共享依据"), max_length=300)
    active = models.BooleanField(_("生效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["department", "certificate_type", "item"],
                condition=models.Q(item__isnull=False),
                name="evidence_sharing_rule_item_unique",
            ),
            # One "every item" rule per department and type (NULLs differ).
            models.UniqueConstraint(
                fields=["department", "certificate_type"],
                condition=models.Q(item__isnull=True),
                name="evidence_sharing_rule_all_unique",
            ),
        ]
        verbose_name = _("共享规则")
        verbose_name_plural = _("共享规则")

    def __str__(self) -> str:
        return f"{self.department_id}:{self.certificate_type_id}"


class AccessLogEntry(models.Model):
    """One read of a certificate by someone other than its holder, or a refusal.

    ``holder_hash``/``holder_kind`` are copied so the holder's "who read my
    data" list is one indexed query. Applications are named by id and
    number (evidence sits below applications and has no foreign key to it).
    """

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="reads"
    )
    holder_kind = models.CharField(max_length=16, choices=ServedParty.choices)
    holder_hash = models.CharField(max_length=64)
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "catalog.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    application_id = models.PositiveBigIntegerField(null=True, blank=True)
    application_number = models.CharField(max_length=47, blank=True)
    item_name = models.CharField(_("事项"), max_length=200, blank=True)
    purpose = models.CharField(
        _("用途"), max_length=16, choices=c.AccessPurpose.choices
    )
    outcome = models.CharField(
        _("结果"), max_length=16, choices=c.AccessOutcome.choices
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["holder_hash", "holder_kind", "-at"])]
        verbose_name = _("证照调用记录")
        verbose_name_plural = _("证照调用记录")

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.outcome} {self.at:%Y-%m-%d}"
