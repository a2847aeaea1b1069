"""Service items and their versions with materials and process (a published version never changes)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import constants as c
from ..validators import basic_code_validator
from .organisation import CertificateType, Department, Theme


class ServiceItem(models.Model):
    """One catalog entry; its content lives in versions.

    The search columns (name, pinyin, initials, search_text) mirror the current
    published version and are refreshed by catalog.services on publish.
    """

    basic_code = models.CharField(
        _("基本编码"), max_length=12, unique=True, validators=[basic_code_validator]
    )
    name = models.CharField(_("事项名称"), max_length=200)
    name_bo = models.CharField(_("事项名称（藏文）"), max_length=200, blank=True)
    item_type = models.CharField(
        _("事项类型"), max_length=2, choices=c.ItemType.choices
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="items", verbose_name=_("主题")
    )
    lead_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_items",
        verbose_name=_("主管部门"),
    )
    current_version = models.OneToOneField(
        "ServiceItemVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("现行版本"),
    )
    depth = models.PositiveSmallIntegerField(
        _("网上办理深度"), choices=c.OnlineDepth.choices, null=True, blank=True
    )
    served_parties = models.JSONField(_("服务对象"), default=list, blank=True)
    pinyin = models.CharField(_("全拼"), max_length=600, blank=True)
    initials = models.CharField(_("拼音首字母"), max_length=200, blank=True)
    keywords = models.CharField(_("关键词"), max_length=300, blank=True)
    search_text = models.TextField(_("检索文本"), blank=True)
    hot = models.PositiveIntegerField(_("热度"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["basic_code"]
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")
        indexes = [
            models.Index(fields=["item_type"]),
            models.Index(fields=["depth"]),
            models.Index(fields=["-hot"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_applicable(self) -> bool:
        return self.item_type in c.APPLICABLE_ITEM_TYPES


class FrozenError(ValidationError):
    pass


def _frozen_error() -> FrozenError:
    return FrozenError(
        _("已发布的事项版本不能修改，请基于它新建草稿版本"), code="version_frozen"
    )


class ServiceItemVersion(models.Model):
    """The standard guide of an item at one version. Immutable once published."""

    # Fields that may still change after publishing (life-cycle only).
    LIFECYCLE_FIELDS = {"status", "effective_to", "retired_at", "retired_by"}

    item = models.ForeignKey(
        ServiceItem,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("事项"),
    )
    version = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=c.VersionStatus.choices,
        default=c.VersionStatus.DRAFT,
    )
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    retired_at = models.DateTimeField(_("废止时间"), null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    change_note = models.CharField(_("变更说明"), max_length=300, blank=True)

    # --- guide elements -----------------------------------------------------
    name = models.CharField(_("事项名称"), max_length=200)
    # What a citizen reads in Tibetan (issue 13): optional; a page in Tibetan
    # shows the Chinese with a marker where one is empty (catalog.bo).
    name_bo = models.CharField(_("事项名称（藏文）"), max_length=200, blank=True)
    conditions_bo = models.TextField(
        _("受理条件摘要（藏文）"),
        blank=True,
        help_text=_("藏文页面上代替受理条件显示，每行一条"),
    )
    form_texts_bo = models.JSONField(
        _("申请表字段（藏文）"),
        default=list,
        blank=True,
        help_text=_('[{"field": "字段名", "title": "藏文标题", "help": "藏文说明"}]'),
    )
    item_type = models.CharField(
        _("事项类型"), max_length=2, choices=c.ItemType.choices
    )
    legal_bases = models.JSONField(
        _("设定依据"),
        default=list,
        blank=True,
        help_text=_('[{"law": "法律法规名称", "article": "条款", "text": "条文"}]'),
    )
    power_source = models.CharField(_("权力来源"), max_length=100, blank=True)
    authority_level = models.CharField(
        _("行使层级"), max_length=100, blank=True, help_text=_("如 省级、市级、县级")
    )
    implementing_nature = models.CharField(
        _("实施主体性质"),
        max_length=16,
        choices=c.BodyNature.choices,
        default=c.BodyNature.STATUTORY,
    )
    entrusting_body = models.CharField(_("委托部门"), max_length=200, blank=True)
    co_handling_bodies = models.CharField(_("联办机构"), max_length=300, blank=True)
    acceptance_conditions = models.JSONField(_("受理条件"), default=list, blank=True)
    served_parties = models.JSONField(_("服务对象"), default=list, blank=True)
    statutory_limit_value = models.PositiveIntegerField(
        _("法定办结时限"), null=True, blank=True
    )
    statutory_limit_unit = models.CharField(
        _("法定时限单位"),
        max_length=16,
        choices=c.LimitUnit.choices,
        default=c.LimitUnit.WORKING_DAYS,
    )
    statutory_limit_note = models.CharField(
        _("法定时限说明"), max_length=300, blank=True
    )
    promised_limit_value = models.PositiveIntegerField(
        _("承诺办结时限"), null=True, blank=True
    )
    promised_limit_unit = models.CharField(
        _("承诺时限单位"),
        max_length=16,
        choices=c.LimitUnit.choices,
        default=c.LimitUnit.WORKING_DAYS,
    )
    promised_limit_note = models.CharField(
        _("承诺时限说明"), max_length=300, blank=True
    )
    is_immediate = models.BooleanField(_("即办件"), default=False)
    special_procedures = models.JSONField(
        _("特别程序"),
        default=list,
        blank=True,
        help_text=_('[{"name": "专家评审", "limit": "10个工作日", "basis": "..."}]'),
    )
    channels = models.JSONField(_("办理渠道"), default=list, blank=True)
    fees = models.JSONField(
        _("收费"),
        default=list,
        blank=True,
        help_text=_(
            '[{"item": "", "standard": "", "basis": "", "reduction": "", '
            '"online_payment": true}]'
        ),
    )
    results = models.JSONField(
        _("审批结果"),
        default=list,
        blank=True,
        help_text=_('[{"type": "证照", "name": "", "sample": ""}]'),
    )
    result_by_post = models.BooleanField(_("结果可快递送达"), default=False)
    result_certificate_type = models.ForeignKey(
        CertificateType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resulting_versions",
        verbose_name=_("审批结果电子证照类型"),
        help_text=_("批准后签发该类型的电子证照；为空则不签发"),
    )
    place = models.CharField(_("办理地点"), max_length=300, blank=True)
    hours = models.CharField(_("办理时间"), max_length=300, blank=True)
    appointment = models.BooleanField(_("支持预约办理"), default=False)
    appointment_quota = models.CharField(_("预约号源说明"), max_length=200, blank=True)
    courier = models.BooleanField(_("支持物流快递"), default=False)
    self_service = models.BooleanField(_("支持自助终端"), default=False)
    depth = models.PositiveSmallIntegerField(
        _("网上办理深度"),
        choices=c.OnlineDepth.choices,
        default=c.OnlineDepth.PUBLISHED,
    )
    depth_flags = models.JSONField(_("网办能力"), default=list, blank=True)
    visits = models.PositiveSmallIntegerField(_("到办事现场次数"), default=1)
    visits_reason = models.CharField(_("到现场原因"), max_length=300, blank=True)
    consult_channels = models.CharField(_("咨询方式"), max_length=300, blank=True)
    complaint_channels = models.CharField(_("监督投诉方式"), max_length=300, blank=True)
    review_body = models.CharField(_("行政复议机关"), max_length=200, blank=True)
    litigation_body = models.CharField(_("行政诉讼机关"), max_length=200, blank=True)
    faq = models.JSONField(_("常见问题"), default=list, blank=True)
    form_schema = models.JSONField(
        _("申请表定义（JSON Schema）"), default=dict, blank=True
    )
    keywords = models.CharField(_("关键词"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "version"], name="version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(status="draft"),
                name="version_one_draft_per_item",
            ),
        ]
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values("status").first()
            if stored and stored["status"] != c.VersionStatus.DRAFT:
                update_fields = kwargs.get("update_fields")
                if (
                    update_fields is None
                    or not set(update_fields) <= self.LIFECYCLE_FIELDS
                ):
                    raise _frozen_error()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status != c.VersionStatus.DRAFT:
            raise _frozen_error()
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == c.VersionStatus.DRAFT


class _DraftOnly(models.Model):
    """Children of a version: writable only while the version is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_draft()
        return super().delete(*args, **kwargs)

    def _owning_version_id(self) -> int:
        raise NotImplementedError

    def _check_draft(self) -> None:
        status = (
            ServiceItemVersion.objects.filter(pk=self._owning_version_id())
            .values_list("status", flat=True)
            .first()
        )
        if status is not None and status != c.VersionStatus.DRAFT:
            raise _frozen_error()


class Material(_DraftOnly):
    version = models.ForeignKey(
        ServiceItemVersion, on_delete=models.CASCADE, related_name="materials"
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("材料名称"), max_length=200)
    name_bo = models.CharField(_("材料名称（藏文）"), max_length=200, blank=True)
    form = models.CharField(
        _("材料形式"),
        max_length=16,
        choices=c.MaterialForm.choices,
        default=c.MaterialForm.ORIGINAL,
    )
    medium = models.CharField(
        _("材料载体"),
        max_length=16,
        choices=c.MaterialMedium.choices,
        default=c.MaterialMedium.BOTH,
    )
    paper_copies = models.PositiveSmallIntegerField(_("纸质份数"), default=1)
    source = models.CharField(
        _("来源渠道"),
        max_length=16,
        choices=c.MaterialSource.choices,
        default=c.MaterialSource.APPLICANT,
    )
    source_note = models.CharField(_("来源说明"), max_length=200, blank=True)
    necessity = models.CharField(
        _("必要性"),
        max_length=16,
        choices=c.MaterialNecessity.choices,
        default=c.MaterialNecessity.REQUIRED,
    )
    certificate_type = models.ForeignKey(
        CertificateType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="materials",
        verbose_name=_("可由电子证照替代"),
    )
    blank_form = models.FileField(_("空白表格"), upload_to="catalog/forms/", blank=True)
    sample = models.FileField(_("示例样表"), upload_to="catalog/samples/", blank=True)
    legal_basis = models.CharField(_("要求提供的依据"), max_length=300, blank=True)
    notes = models.CharField(_("填报须知"), max_length=300, blank=True)

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self) -> str:
        return self.name

    def _owning_version_id(self) -> int:
        return self.version_id


class ProcessStage(_DraftOnly):
    """One stage of the process; its steps run in parallel."""

    version = models.ForeignKey(
        ServiceItemVersion, on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveIntegerField(_("顺序"))
    name = models.CharField(_("阶段名称"), max_length=100)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "order"], name="stage_unique_order"
            )
        ]
        verbose_name = _("办理阶段")
        verbose_name_plural = _("办理阶段")

    def __str__(self) -> str:
        return self.name

    def _owning_version_id(self) -> int:
        return self.version_id


class ProcessStep(_DraftOnly):
    stage = models.ForeignKey(
        ProcessStage, on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("环节名称"), max_length=100)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("办理部门"),
    )
    department_kind = models.CharField(
        _("办理部门类别"),
        max_length=40,
        blank=True,
        help_text=_("未指定具体部门时，按实施地同类别部门办理，如 税务"),
    )
    action = models.CharField(_("办理内容"), max_length=200, blank=True)
    limit_days = models.PositiveSmallIntegerField(_("环节时限（工作日）"))
    site_inspection = models.BooleanField(_("需现场勘验"), default=False)
    special_procedure = models.BooleanField(_("特别程序"), default=False)

    class Meta:
        ordering = ["stage", "order", "id"]
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")

    def __str__(self) -> str:
        return self.name

    def _owning_version_id(self) -> int:
        return ProcessStage.objects.values_list("version_id", flat=True).get(
            pk=self.stage_id
        )

    def clean(self) -> None:
        if not self.department_id and not self.department_kind:
            raise ValidationError(
                _("环节须指定办理部门或部门类别"), code="step_department"
            )
