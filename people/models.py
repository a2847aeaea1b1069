"""Real-name identity and the e-mail/SMS outbox.

Personal data: ID numbers are stored as a keyed hash (for lookup), a masked
form (for display) and an encrypted form (for the rare logged full display);
see people.privacy. Never log them.

Places are GB/T 2260 region codes, not foreign keys: the catalog's regions
sit above this app, and a code is what a person's or an enterprise's
register holds anyway (the catalog resolves it to a name).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import constants as c
from .validators import credit_code_validator, region_code_validator


class ApplicantProfile(models.Model):
    """A natural person known to the portal (registered online or at a counter)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant"
    )
    full_name = models.CharField(_("姓名"), max_length=64)
    id_number_hash = models.CharField(max_length=64, unique=True)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18)
    id_number_encrypted = models.TextField()
    birth_date = models.DateField(_("出生日期"))
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    region_code = models.CharField(
        _("户籍或居住地"),
        max_length=12,
        blank=True,
        validators=[region_code_validator],
        help_text=_("行政区划代码（GB/T 2260）"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("窗口或代办员代为登记时记录登记人"),
    )
    language = models.CharField(
        _("语言"),
        max_length=8,
        blank=True,
        choices=c.Language.choices,
        help_text=_("网页、回执和短信使用的语言；留空为中文"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申请人（自然人）")
        verbose_name_plural = _("申请人（自然人）")

    def __str__(self) -> str:
        return f"{self.full_name}（{self.id_number_masked}）"


class Enterprise(models.Model):
    """A legal person that applies through the people allowed to act for it."""

    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[credit_code_validator],
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=64)
    region_code = models.CharField(
        _("注册地"),
        max_length=12,
        blank=True,
        validators=[region_code_validator],
        help_text=_("行政区划代码（GB/T 2260）"),
    )
    address = models.CharField(_("住所"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("企业（法人）")
        verbose_name_plural = _("企业（法人）")

    def __str__(self) -> str:
        return self.name


class EnterpriseMember(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enterprise_roles",
    )
    role = models.CharField(_("身份"), max_length=16, choices=c.EnterpriseRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "user"],
                name="people_enterprise_member_unique",
            )
        ]
        verbose_name = _("企业经办人")
        verbose_name_plural = _("企业经办人")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.user}"


class OutboxMessageQuerySet(models.QuerySet):
    def about(self, obj: models.Model) -> OutboxMessageQuerySet:
        """Messages whose subject is this row (any app's model)."""
        subject_type, subject_id = subject_of(obj)
        return self.filter(subject_type=subject_type, subject_id=subject_id)


def subject_of(obj: models.Model) -> tuple[str, str]:
    """(subject_type, subject_id) naming a row, as the audit log names objects."""
    return obj._meta.label_lower, str(obj.pk)


class OutboxMessage(models.Model):
    """One outgoing e-mail or SMS: sent after commit, retried by beat.

    What the message is about is named, not linked: ``subject_type`` is the
    model's ``app_label.model`` ("applications.application") and
    ``subject_id`` its primary key, so any app can send messages without
    this one knowing its models. Delivery is at least once, deduplicated by
    the message's id (people.services.outbox).
    """

    channel = models.CharField(max_length=8, choices=c.OutboxChannel.choices)
    recipient = models.CharField(max_length=200)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # What it is about: "app_label.model" and primary key (blank: nothing),
    # and a reference people read (an application number, say).
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    dedupe_key = models.CharField(max_length=200)  # unique: Meta.constraints
    status = models.CharField(
        max_length=8, choices=c.OutboxStatus.choices, default=c.OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # Written and committed before the backend is called: a row pending with
    # an attempt recorded was perhaps delivered (the sender died meanwhile).
    attempted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # A one-time code's text: blanked once it is sent or has failed for good,
    # so the outbox does not keep codes (people.services.otp_codes).
    erase_after_send = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], name="people_outbox_dedupe_key_unique"
            )
        ]
        verbose_name = _("消息发件箱")
        verbose_name_plural = _("消息发件箱")

    def __str__(self) -> str:
        about = f"{self.subject_type}:{self.subject_id}" if self.subject_type else "-"
        return f"{self.channel} → {about}: {self.subject}"


class OneTimeCode(models.Model):
    """One SMS code sent to a person's registered phone (people.services.otp_codes).

    Only a keyed hash of the code is stored, never the code. A code proves one
    ``purpose`` about one subject (``subject_type``/``subject_id``, named like
    the outbox's: an agent authorisation, say) for one ``user``; it expires,
    is used at most once, and dies after OTP_MAX_ATTEMPTS wrong guesses.

    ``user`` is null for a request that matched nobody (a password reset for
    an unknown phone): the row still counts for the throttles, so a known and
    an unknown number are answered alike. ``phone_hash`` (keyed) and
    ``requested_from`` are what the throttles count by.
    """

    purpose = models.CharField(max_length=16, choices=c.CodePurpose.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    phone_hash = models.CharField(max_length=64)
    requested_from = models.GenericIPAddressField(null=True, blank=True)
    # Filled by the delivering task (people.tasks.deliver_one_time_code):
    # empty means not sent (yet, or never: nobody to send to).
    code_hash = models.CharField(max_length=64, blank=True)
    # The SMS text with a "{code}" placeholder; never holds the code itself.
    text_template = models.CharField(max_length=400, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["phone_hash", "created_at"]),
            models.Index(fields=["requested_from", "created_at"]),
            models.Index(fields=["purpose", "subject_type", "subject_id"]),
        ]
        verbose_name = _("一次性验证码")
        verbose_name_plural = _("一次性验证码")

    def __str__(self) -> str:
        return f"{self.purpose}#{self.pk}"
