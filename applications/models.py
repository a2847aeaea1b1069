"""Applications and what hangs off them; agent authorisations.

Who applies (real-name profiles, enterprises and their members) is
people's: an application points at a user and, for a legal person, at a
people.Enterprise. ID numbers typed into forms are sealed
(applications.form_privacy). Never log them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import constants as c
from . import visibility


class AgentAuthorization(models.Model):
    """A citizen's authorisation for a township agent to apply on their behalf."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agent_grants"
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agent_authorizations",
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("授权事项"),
        help_text=_("为空表示不限事项"),
    )
    document = models.FileField(
        _("授权书"), upload_to="authorizations/%Y/%m/", blank=True
    )
    signed_statement = models.TextField(_("签署的授权声明"), blank=True)
    signed_at = models.DateTimeField(_("签署时间"))
    valid_until = models.DateField(_("有效期至"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # In force only once the citizen confirmed it (applications.visibility):
    # from their own account, with a code sent to their registered phone, or
    # on a signed paper a hall clerk checked and witnessed.
    confirmed_at = models.DateTimeField(_("委托人确认时间"), null=True, blank=True)
    confirmed_via = models.CharField(
        _("确认方式"),
        max_length=16,
        choices=c.AuthorizationConfirmation.choices,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("见证窗口人员"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("代办授权")
        verbose_name_plural = _("代办授权")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True, confirmed_via="")
                | (models.Q(confirmed_at__isnull=False) & ~models.Q(confirmed_via="")),
                name="applications_agentauth_confirmed_with_how",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agent} → {self.citizen}"

    def state_on(self, today) -> str:
        """pending / active / expired / revoked / declined, for pages (not a rule:
        whether it lets the agent act is applications.visibility's)."""
        if self.revoked_at is not None:
            return "revoked" if self.confirmed_at else "declined"
        if self.valid_until < today:
            return "expired"
        return "active" if self.confirmed_at else "pending"


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user) -> ApplicationQuerySet:
        """The applications ``user`` may see (applications.visibility), none
        for an anonymous visitor."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        q = visibility.visible_q(user)
        return self if q is None else self.filter(q)


class Application(models.Model):
    """One request by one applicant for one item (办件), pinned to a version."""

    # Unique by a constraint, not unique=True: that would add a second
    # (pattern-ops) index that no query uses and every insert pays for.
    number = models.CharField(_("办件编号"), max_length=47, null=True, blank=True)
    query_code = models.CharField(_("查询码"), max_length=8, blank=True)
    implementation = models.ForeignKey(
        "catalog.Implementation", on_delete=models.PROTECT, related_name="applications"
    )
    version = models.ForeignKey(
        "catalog.ServiceItemVersion",
        on_delete=models.PROTECT,
        related_name="applications",
    )
    # No index of its own: (applicant, -created_at) below serves it.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="applications",
        verbose_name=_("申请人"),
    )
    applicant_kind = models.CharField(
        _("申请人类型"),
        max_length=16,
        choices=c.ApplicantKind.choices,
        default=c.ApplicantKind.NATURAL,
    )
    enterprise = models.ForeignKey(  # partial index in Meta
        "people.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="applications",
    )
    submitted_by = models.ForeignKey(  # indexed with created_at below
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
        verbose_name=_("录入人"),
    )
    channel = models.CharField(
        _("申请渠道"),
        max_length=16,
        choices=c.IntakeChannel.choices,
        default=c.IntakeChannel.ONLINE,
    )
    hall = models.ForeignKey(
        "catalog.ServiceHall",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("受理大厅"),
    )
    agent_authorization = models.ForeignKey(  # partial index in Meta
        AgentAuthorization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="applications",
    )
    status = models.CharField(
        _("状态"),
        max_length=24,
        choices=c.ApplicationStatus.choices,
        default=c.ApplicationStatus.DRAFT,
    )
    form_data = models.JSONField(_("申请表"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    acceptance_due = models.DateField(_("受理审查期限"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(  # partial index in Meta
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
    )
    promised_date = models.DateField(_("承诺办结日期"), null=True, blank=True)
    dates_provisional = models.BooleanField(default=False)
    refusal_reason = models.TextField(_("不予受理理由"), blank=True)
    refusal_basis = models.CharField(_("不予受理依据"), max_length=300, blank=True)
    # Deemed acceptance (Art. 32): the window lapsed with no notice; accepted
    # as of the day the materials arrived, by the system actor.
    acceptance_deemed = models.BooleanField(_("视为受理"), default=False)
    decision = models.CharField(
        _("决定"), max_length=16, choices=c.DecisionOutcome.choices, blank=True
    )
    decision_basis = models.TextField(_("决定依据"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(  # partial index in Meta
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
    )
    # Art. 44: an approval's certificate is delivered within 10 working days
    # of the decision; stored so a timer reads it, never recomputes it.
    delivery_due = models.DateField(_("送达期限"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivery_method = models.CharField(
        _("送达方式"), max_length=16, choices=c.DeliveryMethod.choices, blank=True
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    closure_reason = models.CharField(
        _("归档原因"), max_length=24, choices=c.ClosureReason.choices, blank=True
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "hall"]),
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["submitted_by", "-created_at"]),
            # Foreign keys that most rows leave empty: indexed where set only
            # (what lookups and PROTECT checks by them need), so a new
            # application does not add an entry for NULL to each.
            *(
                models.Index(
                    fields=[name],
                    name=f"app_{short}_set",
                    condition=models.Q(**{f"{name}__isnull": False}),
                )
                for name, short in (
                    ("enterprise", "enterprise"),
                    ("agent_authorization", "agent_auth"),
                    ("accepted_by", "accepted_by"),
                    ("decided_by", "decided_by"),
                )
            ),
            # The deemed-acceptance timer's sweep: submitted rows by due date.
            models.Index(
                fields=["acceptance_due"],
                name="app_submitted_due",
                condition=models.Q(status="submitted"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="application_number_unique")
        ]
        verbose_name = _("办件")
        verbose_name_plural = _("办件")

    def __str__(self) -> str:
        return self.number or f"草稿#{self.pk}"


class ApplicationMaterial(models.Model):
    """How one material of the pinned version is satisfied in an application."""

    application = models.ForeignKey(  # indexed by the unique constraint
        Application, on_delete=models.CASCADE, db_index=False, related_name="materials"
    )
    material = models.ForeignKey(
        "catalog.Material", on_delete=models.PROTECT, related_name="+"
    )
    provision = models.CharField(
        _("提供方式"),
        max_length=16,
        choices=c.Provision.choices,
        default=c.Provision.UPLOAD,
    )
    certificate_ref = models.CharField(
        _("电子证照标识"),
        max_length=100,
        blank=True,
        help_text=_("电子证照库中申请人所持证照的标识（applications.certificates）"),
    )
    # Once-only: the applicant's consent to fetch the certificate (withdrawn:
    # cleared, and submission refuses the reference), and the form fields it
    # prefilled with their values (re-checked at submission).
    certificate_consent_at = models.DateTimeField(
        _("同意调取时间"), null=True, blank=True
    )
    certificate_prefill = models.JSONField(default=dict, blank=True)
    trust_level = models.CharField(
        _("可信等级"),
        max_length=1,
        blank=True,
        help_text=_(
            "国办函〔2016〕108号：A 本机关签发 · B 窗口核验原件 · C 用户上传 · D 用户承诺"
        ),
    )
    promise_text = models.TextField(_("承诺内容"), blank=True)
    promised_by = models.DateField(_("承诺补交日期"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签署时间"), null=True, blank=True)
    problem = models.CharField(_("存在问题"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["application", "material__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "material"], name="application_material_unique"
            )
        ]
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")

    def __str__(self) -> str:
        return f"{self.application} · {self.material_id}"


def upload_path(instance, filename: str) -> str:
    # Stored names never come from the user.
    return f"uploads/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}"


class UploadedFile(models.Model):
    application_material = models.ForeignKey(
        ApplicationMaterial, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("上传文件")
        verbose_name_plural = _("上传文件")

    def __str__(self) -> str:
        return self.original_name


class StatusChange(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(max_length=24, choices=c.ApplicationStatus.choices)
    to_status = models.CharField(max_length=24, choices=c.ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "at", "id"]
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")

    def __str__(self) -> str:
        return f"{self.application}: {self.from_status} → {self.to_status}"


class SupplementNotice(models.Model):
    """One-time notice (一次性告知): every missing or faulty material at once."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="supplement_notices"
    )
    items = models.JSONField(
        help_text='[{"material_id": 1, "name": "...", "problem": "..."}]'
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()
    # The last day to supplement (ends at the end of the day), chosen by the
    # clerk within limits or the default; stored, so the timer that closes a
    # lapsed application and the printed notice read the same date.
    due_date = models.DateField(_("补正期限"))
    due_provisional = models.BooleanField(default=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Set when the application was closed because this notice's date passed.
    lapsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [
            # The lapse timer's sweep: open notices by due date.
            models.Index(
                fields=["due_date"],
                name="notice_open_due",
                condition=models.Q(resolved_at__isnull=True, lapsed_at__isnull=True),
            )
        ]
        verbose_name = _("一次性告知")
        verbose_name_plural = _("一次性告知")

    def __str__(self) -> str:
        return f"{self.application} 告知 {self.issued_at:%Y-%m-%d}"


class ApplicationCounter(models.Model):
    """Daily sequence per implementation for application numbers."""

    implementation_code = models.CharField(max_length=31)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["implementation_code", "day"], name="application_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.implementation_code} {self.day} #{self.last}"


class IdempotencyRecord(models.Model):
    """An Idempotency-Key seen from one user and the application it produced."""

    user = models.ForeignKey(  # indexed by the unique constraint
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        db_index=False,
        related_name="+",
    )
    key = models.CharField(max_length=100)
    scope = models.CharField(max_length=40)
    request_fingerprint = models.CharField(max_length=64)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope", "key"], name="idempotency_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
