from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("待补正")
    ACCEPTED = "accepted", _("已受理")
    REFUSED = "refused", _("不予受理")
    IN_REVIEW = "in_review", _("审查中")
    APPROVED = "approved", _("准予许可")
    REJECTED = "rejected", _("不予许可")
    DELIVERED = "delivered", _("已送达")
    WITHDRAWN = "withdrawn", _("已撤回")
    CLOSED = "closed", _("已办结归档")


S = ApplicationStatus

# The only status changes allowed; applications.services.application_transition
# enforces it and writes a StatusChange row for each.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.ACCEPTED, S.SUPPLEMENT_REQUESTED, S.REFUSED, S.WITHDRAWN},
    S.SUPPLEMENT_REQUESTED: {S.SUBMITTED, S.REFUSED, S.WITHDRAWN, S.CLOSED},
    S.ACCEPTED: {S.IN_REVIEW, S.WITHDRAWN, S.CLOSED},
    S.IN_REVIEW: {S.APPROVED, S.REJECTED, S.WITHDRAWN},
    S.APPROVED: {S.DELIVERED},
    S.REJECTED: {S.CLOSED},
    S.DELIVERED: {S.CLOSED},
    S.REFUSED: {S.CLOSED},
    S.WITHDRAWN: {S.CLOSED},
    S.CLOSED: set(),
}

# Before a decision the applicant may still withdraw.
WITHDRAWABLE = {S.DRAFT, S.SUBMITTED, S.SUPPLEMENT_REQUESTED, S.ACCEPTED, S.IN_REVIEW}
# The applicant (or who files for them) may still change form and materials.
EDITABLE = {S.DRAFT, S.SUPPLEMENT_REQUESTED}
# Statuses a hall clerk reviews for acceptance.
AWAITING_ACCEPTANCE = {S.SUBMITTED}


class IntakeChannel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    COUNTER = "counter", _("窗口受理")
    AGENT = "agent", _("代办")
    API = "api", _("移动端/自助终端")


class AuthorizationConfirmation(models.TextChoices):
    """How the citizen brought an agent authorisation into force (none: pending)."""

    ACCOUNT = "account", _("委托人在本人账户中授权")
    SMS_CODE = "sms_code", _("委托人以短信验证码确认")
    COUNTER_PAPER = "counter_paper", _("窗口人员见证签字授权书")


class ApplicantKind(models.TextChoices):
    NATURAL = "natural", _("自然人")
    LEGAL = "legal", _("法人")


class Provision(models.TextChoices):
    """How one required material is satisfied."""

    UPLOAD = "upload", _("上传")
    CERTIFICATE = "certificate", _("电子证照")
    TOLERATED = "tolerated", _("容缺后补")
    COMMITMENT = "commitment", _("告知承诺")


ACCEPTANCE_WINDOW_WORKING_DAYS = 5
