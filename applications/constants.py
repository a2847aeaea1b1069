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

# The only status changes allowed; applications.services.status.transition_locked
# enforces it and writes a StatusChange row for each. Why each edge exists and
# which service takes it: TRANSITION_NOTES below (a test keeps them in step).
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

TRANSITION_NOTES: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SUBMITTED): "submission.application_submit: every channel",
    (S.DRAFT, S.WITHDRAWN): "withdrawal.application_withdraw: a draft given up",
    (S.SUBMITTED, S.ACCEPTED): (
        "acceptance.application_accept (clerk), or timers.application_deem_accepted "
        "(system): Art. 32, no notice within the window means accepted"
    ),
    (S.SUBMITTED, S.SUPPLEMENT_REQUESTED): (
        "acceptance.application_request_supplement: Art. 32 one-time notice"
    ),
    (S.SUBMITTED, S.REFUSED): "acceptance.application_refuse: Art. 32 (1)-(2)",
    (S.SUBMITTED, S.WITHDRAWN): "withdrawal.application_withdraw",
    (S.SUPPLEMENT_REQUESTED, S.SUBMITTED): "submission: the supplement came",
    (S.SUPPLEMENT_REQUESTED, S.REFUSED): "acceptance.application_refuse",
    (S.SUPPLEMENT_REQUESTED, S.WITHDRAWN): "withdrawal.application_withdraw",
    (S.SUPPLEMENT_REQUESTED, S.CLOSED): (
        "timers.application_close_lapsed_supplement (system): the notice's stored "
        "due date passed with no supplement"
    ),
    (S.ACCEPTED, S.IN_REVIEW): "status.application_transition: workflow routes it",
    (S.ACCEPTED, S.WITHDRAWN): (
        "withdrawal.application_withdraw; hooks.on_withdrawn_after_acceptance"
    ),
    (S.ACCEPTED, S.CLOSED): (
        "status.application_transition: workflow terminates a tolerated-gap "
        "acceptance whose gap was not closed in time (local practice)"
    ),
    (S.IN_REVIEW, S.APPROVED): "decision.application_decide: Art. 37-38",
    (
        S.IN_REVIEW,
        S.REJECTED,
    ): "decision.application_decide: Art. 38 (reasons, remedies)",
    (S.IN_REVIEW, S.WITHDRAWN): (
        "withdrawal.application_withdraw; hooks.on_withdrawn_after_acceptance"
    ),
    (S.APPROVED, S.DELIVERED): "decision.application_deliver: Art. 44",
    (S.REJECTED, S.CLOSED): "decision.application_close: archived",
    (S.DELIVERED, S.CLOSED): "decision.application_close: archived",
    (S.REFUSED, S.CLOSED): "decision.application_close: archived",
    (S.WITHDRAWN, S.CLOSED): "decision.application_close: archived",
}

# Before a decision the applicant may still withdraw.
WITHDRAWABLE = {S.DRAFT, S.SUBMITTED, S.SUPPLEMENT_REQUESTED, S.ACCEPTED, S.IN_REVIEW}
# The applicant (or who files for them) may still change form and materials.
EDITABLE = {S.DRAFT, S.SUPPLEMENT_REQUESTED}
# Statuses a hall clerk reviews for acceptance.
AWAITING_ACCEPTANCE = {S.SUBMITTED}
# Accepted and not yet decided: a withdrawal from here stops routing's clocks.
UNDER_HANDLING = {S.ACCEPTED, S.IN_REVIEW}
# Ended one way or another; application_close archives them (办结归档).
ARCHIVABLE = {S.DELIVERED, S.REJECTED, S.REFUSED, S.WITHDRAWN}


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


class DecisionOutcome(models.TextChoices):
    """The decision on an accepted application (Art. 37-38); kept after closing."""

    APPROVED = "approved", _("准予许可")
    REJECTED = "rejected", _("不予许可")


class DeliveryMethod(models.TextChoices):
    """How the result reached the applicant (送达方式)."""

    WINDOW = "window", _("窗口领取")
    POST = "post", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达")


class ClosureReason(models.TextChoices):
    ARCHIVED = "archived", _("办结归档")
    SUPPLEMENT_LAPSED = "supplement_lapsed", _("逾期未补正，办理终止")


ACCEPTANCE_WINDOW_WORKING_DAYS = 5
DELIVERY_WORKING_DAYS = 10  # Administrative Licensing Law Art. 44

# Administrative Licensing Law Art. 32 (4), quoted: why the system accepts an
# application nobody reviewed within the window, and as of which day. Lazy: the
# pages show it in their language; the StatusChange row stores the site's.
DEEMED_ACCEPTANCE_BASIS = _(
    "依据《中华人民共和国行政许可法》第三十二条：申请材料不齐全或者不符合法定形式的，"
    "应当当场或者在五日内一次告知申请人需要补正的全部内容，"
    "逾期不告知的，自收到申请材料之日起即为受理。"
)
