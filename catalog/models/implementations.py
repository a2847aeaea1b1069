"""Implementations of an item by one body, local variances and intermediary services."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.codes import CodeError
from people.validators import credit_code_validator

from .. import constants as c
from ..codes import validate_implementation_code
from .items import ServiceItem
from .organisation import Department, Region, ServiceHall, Window


class Implementation(models.Model):
    """A body's implementation of an item in one region (实施清单)."""

    item = models.ForeignKey(
        ServiceItem,
        on_delete=models.CASCADE,
        related_name="implementations",
        verbose_name=_("事项"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="implementations",
        verbose_name=_("实施区划"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="implementations",
        verbose_name=_("实施主体"),
    )
    code = models.CharField(_("实施编码"), max_length=31, unique=True)
    business_item_code = models.CharField(
        _("业务办理项编码"), max_length=50, blank=True
    )
    hall = models.ForeignKey(
        ServiceHall,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implementations",
        verbose_name=_("办理大厅"),
    )
    windows = models.ManyToManyField(Window, blank=True, verbose_name=_("办理窗口"))
    hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    consult_phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=40, blank=True)
    service_points = models.ManyToManyField(
        Region,
        blank=True,
        related_name="service_point_implementations",
        verbose_name=_("乡镇（村）便民服务点"),
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["item", "region__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "department", "business_item_code"],
                name="implementation_unique_body",
            )
        ]
        verbose_name = _("实施清单")
        verbose_name_plural = _("实施清单")

    def __str__(self) -> str:
        return f"{self.item.name}（{self.region.name}）"

    def clean(self) -> None:
        if not (self.item_id and self.department_id and self.code):
            return
        try:
            validate_implementation_code(
                self.code,
                credit_code=self.department.credit_code,
                basic_code=self.item.basic_code,
            )
        except CodeError as exc:
            raise ValidationError({"code": exc.message}, code=exc.code) from exc


class Variance(models.Model):
    """A recorded local difference from the standard guide, with its reason."""

    implementation = models.ForeignKey(
        Implementation,
        on_delete=models.CASCADE,
        related_name="variances",
        verbose_name=_("实施清单"),
    )
    field = models.CharField(
        _("差异要素"),
        max_length=40,
        choices=[(k, v) for k, v in c.VARIANCE_FIELDS.items()],
    )
    standard_value = models.JSONField(_("标准值"), null=True, blank=True)
    local_value = models.JSONField(_("本地值"))
    reason = models.CharField(_("差异原因"), max_length=300)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("批准人"),
    )
    approved_on = models.DateField(_("批准日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["implementation", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["implementation", "field"], name="variance_unique_field"
            )
        ]
        verbose_name = _("差异记录")
        verbose_name_plural = _("差异记录")

    def __str__(self) -> str:
        return f"{self.implementation} · {self.get_field_display()}"


class IntermediaryService(models.Model):
    """Intermediary service (中介服务) an item may need, e.g. a survey report."""

    name = models.CharField(_("中介服务名称"), max_length=200)
    basis = models.CharField(_("设定依据"), max_length=300, blank=True)
    fee_basis = models.CharField(_("收费依据"), max_length=300, blank=True)
    items = models.ManyToManyField(
        ServiceItem,
        blank=True,
        related_name="intermediary_services",
        verbose_name=_("关联事项"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("中介服务")
        verbose_name_plural = _("中介服务")

    def __str__(self) -> str:
        return self.name


class IntermediaryAgency(models.Model):
    name = models.CharField(_("机构名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[credit_code_validator],
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, verbose_name=_("所在区划")
    )
    qualification = models.CharField(_("资质"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    services = models.ManyToManyField(
        IntermediaryService, related_name="agencies", verbose_name=_("可提供服务")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("中介机构")
        verbose_name_plural = _("中介机构")

    def __str__(self) -> str:
        return self.name
