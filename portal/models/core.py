"""Portal base: users, the audit chain and public content pages.

No import from people, catalog or later apps may appear here (see docs/architecture.md).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

from ..system import is_system_user, system_display_name


class User(AbstractUser):
    """Everyone who logs in. Roles are groups (portal.roles.Role)."""

    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        if is_system_user(self):
            return system_display_name()
        return self.display_name or self.username


class AuditChainHead(models.Model):
    """The head of one audit chain; locking it serialises that chain's appends.

    There are settings.AUDIT_CHAINS chains so concurrent transactions do not
    all queue on one row; a database connection always appends to the same
    chain, so one transaction never holds two heads (no deadlock).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain {self.pk} #{self.last_seq}"


class AuditEntry(models.Model):
    """Append-only, hash-chained record of one state change.

    ``hash`` = SHA-256 over the previous entry's hash and this entry's
    canonical content (portal.audit.entry_digest). On PostgreSQL a trigger
    refuses UPDATE and DELETE on the table.
    """

    chain = models.PositiveSmallIntegerField(_("链"), default=1)
    seq = models.BigIntegerField(_("序号"))
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        "portal.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64)  # indexed in Meta
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    source_ip = models.GenericIPAddressField(_("来源IP"), null=True, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        # An index on action without the pattern-ops twin db_index adds.
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["action"], name="audit_action_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "seq"], name="audit_chain_seq_unique"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.chain}#{self.seq} {self.action} {self.object_type}:{self.object_id}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit entries are append-only.")


class ArticleKind(models.TextChoices):
    NOTICE = "notice", _("通知公告")
    POLICY = "policy", _("政策文件")
    FAQ = "faq", _("常见问题")
    SUPERVISION = "supervision", _("监督投诉")


class Article(models.Model):
    """A public page: notice, policy document, FAQ entry, supervision info."""

    kind = models.CharField(_("类别"), max_length=16, choices=ArticleKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    slug = models.SlugField(_("链接名"), max_length=80, unique=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = models.TextField(_("正文"))
    # Tibetan (issue 13): shown on the Tibetan pages when filled, else the
    # Chinese with a "Chinese only" marker (portal_ui's bo tag).
    title_bo = models.CharField(_("标题（藏文）"), max_length=200, blank=True)
    summary_bo = models.CharField(_("摘要（藏文）"), max_length=300, blank=True)
    body_bo = models.TextField(_("正文（藏文）"), blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    issuer = models.CharField(_("发布机关"), max_length=100, blank=True)
    published_on = models.DateField(_("发布日期"))
    is_published = models.BooleanField(_("已发布"), default=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("公开信息")
        verbose_name_plural = _("公开信息")

    def __str__(self) -> str:
        return self.title


class ApiToken(AbstractAuthToken):
    """One API token per login (django-rest-knox's model, stored hashed).

    knox keeps only a SHA-512 digest and the first 15 characters (to find the
    row); the key itself is shown once, at login. ``expiry`` slides with use
    (portal.api.tokens) but never past ``ends_at``, fixed at login from the
    user's kind (staff or citizen), as is the idle time; a token past either
    is refused and deleted.
    """

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    expiry = models.DateTimeField(_("失效时间"))
    ends_at = models.DateTimeField(_("最迟失效时间"))
    idle_seconds = models.PositiveIntegerField(_("闲置失效秒数"))
    client = models.CharField(_("客户端"), max_length=200, blank=True)

    # Rows are made by portal.tokens.api_token_issue (knox's manager would
    # compute its own expiry).
    objects = models.Manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        indexes = [models.Index(fields=["user", "-created"], name="apitoken_user_idx")]

    def __str__(self) -> str:
        return f"token #{self.pk} of user {self.user_id}"
