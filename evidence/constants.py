from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateStatus(models.TextChoices):
    """A certificate's status. Stored values never change."""

    VALID = "valid", _("有效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已注销")


# Allowed transitions (evidence.services.issuing is the one place they happen):
# valid -> expired: the beat sweep, the day after valid_until;
# valid -> revoked: the issuing department revokes, with a reason;
# expired -> revoked: a certificate found wrong after it lapsed is still
#   revoked, so verification says why.
STATUS_TRANSITIONS: dict[str, set[str]] = {
    CertificateStatus.VALID: {CertificateStatus.EXPIRED, CertificateStatus.REVOKED},
    CertificateStatus.EXPIRED: {CertificateStatus.REVOKED},
    CertificateStatus.REVOKED: set(),
}


class TrustLevel(models.TextChoices):
    """Trust in a reused document (国办函〔2016〕108号)."""

    A = "A", _("A级：本机关签发，可直接使用")
    B = "B", _("B级：窗口人员核验原件，可复用")
    C = "C", _("C级：用户上传，使用前窗口核验原件")
    D = "D", _("D级：用户自制，凭本人承诺")


class AccessPurpose(models.TextChoices):
    """Why a certificate was read (recorded on every read)."""

    APPLICATION = "application", _("办件引用")
    REVIEW = "review", _("审核办件")
    SHARING_RULE = "sharing_rule", _("共享目录调用")
    HOLDER = "holder", _("本人查看")


class AccessOutcome(models.TextChoices):
    GRANTED = "granted", _("已读取")
    REFUSED = "refused", _("已拒绝")
