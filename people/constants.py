from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_rep", _("法定代表人")
    HANDLER = "handler", _("经办人")


class OutboxChannel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class CodePurpose(models.TextChoices):
    """What a one-time code proves (people.services.otp_codes)."""

    PASSWORD_RESET = "password_reset", _("找回密码")
    AGENT_AUTHORIZATION = "agent_auth", _("确认代办授权")
    ACCOUNT_ACTIVATION = "activation", _("开通网上账号")


class Language(models.TextChoices):
    """The languages a citizen reads the portal and its messages in (the same
    codes as settings.LANGUAGES). Each named in its own script."""

    ZH_HANS = "zh-hans", "中文"
    BO = "bo", "བོད་ཡིག"
    EN = "en", "English"
