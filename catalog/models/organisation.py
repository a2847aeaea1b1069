"""Where services are given: regions, bodies, halls, windows, staff; themes and certificate types."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.codes import CodeError, validate_credit_code, validate_region_code
from people.validators import credit_code_validator, region_code_validator

from .. import constants as c


class Region(models.Model):
    code = models.CharField(
        _("行政区划代码"),
        max_length=12,
        unique=True,
        validators=[region_code_validator],
    )
    name = models.CharField(_("名称"), max_length=64)
    name_bo = models.CharField(
        _("名称（藏文）"),
        max_length=100,
        blank=True,
        help_text=_("藏文页面显示；留空时显示中文并标注“仅有中文”"),
    )
    level = models.CharField(_("层级"), max_length=16, choices=c.RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级区划"),
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.code:
            try:
                validate_region_code(self.code)
            except CodeError as exc:
                raise ValidationError({"code": exc.message}, code=exc.code) from exc
        if self.parent_id and self.code:
            prefix = {"province": 2, "prefecture": 4, "county": 6, "township": 9}
            n = prefix.get(self.parent.level, len(self.parent.code))
            if self.code[:n] != self.parent.code[:n] or self.code == self.parent.code:
                raise ValidationError(
                    {"code": _("区划代码与上级区划不一致")}, code="region_parent"
                )


class Department(models.Model):
    """Implementing body (实施主体)."""

    name = models.CharField(_("名称"), max_length=100)
    name_bo = models.CharField(
        _("名称（藏文）"),
        max_length=200,
        blank=True,
        help_text=_("藏文页面显示；留空时显示中文并标注“仅有中文”"),
    )
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[credit_code_validator],
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("所属区划"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级部门"),
    )
    level = models.CharField(_("层级"), max_length=1, choices=c.AuthorityLevel.choices)
    nature = models.CharField(
        _("实施主体性质"),
        max_length=16,
        choices=c.BodyNature.choices,
        default=c.BodyNature.STATUTORY,
    )
    kind = models.CharField(
        _("部门类别"),
        max_length=40,
        blank=True,
        help_text=_("如 市场监管、公安、税务，用于标准流程中按部门类别指派"),
    )
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("部门（实施主体）")
        verbose_name_plural = _("部门（实施主体）")

    def __str__(self) -> str:
        return self.name


class ServiceHall(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="halls",
        verbose_name=_("所属区划"),
    )
    address = models.CharField(_("地址"), max_length=200)
    hours = models.CharField(_("办公时间"), max_length=200)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    self_service = models.BooleanField(_("24小时自助服务区"), default=False)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("政务服务大厅")
        verbose_name_plural = _("政务服务大厅")

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    hall = models.ForeignKey(
        ServiceHall,
        on_delete=models.CASCADE,
        related_name="windows",
        verbose_name=_("大厅"),
    )
    number = models.CharField(_("窗口号"), max_length=16)
    name = models.CharField(_("名称"), max_length=100)
    is_comprehensive = models.BooleanField(_("综合窗口"), default=True)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="windows", verbose_name=_("进驻部门")
    )

    class Meta:
        ordering = ["hall", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "number"], name="window_unique_number"
            )
        ]
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")

    def __str__(self) -> str:
        return f"{self.hall.name} {self.number}号窗口"


class StaffProfile(models.Model):
    """Where a staff user works: a department and/or a hall."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("部门"),
    )
    hall = models.ForeignKey(
        ServiceHall,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("大厅"),
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务区划"),
        help_text=_("代办员服务的乡镇或村"),
    )

    class Meta:
        verbose_name = _("工作人员归属")
        verbose_name_plural = _("工作人员归属")

    def __str__(self) -> str:
        return str(self.user)


class Theme(models.Model):
    """A life event (personal) or enterprise life-cycle stage."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    name_bo = models.CharField(
        _("名称（藏文）"),
        max_length=100,
        blank=True,
        help_text=_("藏文页面显示；留空时显示中文并标注“仅有中文”"),
    )
    audience = models.CharField(
        _("对象"), max_length=16, choices=c.ThemeAudience.choices
    )
    icon = models.CharField(_("图标"), max_length=8, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["audience", "order", "code"]
        verbose_name = _("主题")
        verbose_name_plural = _("主题")

    def __str__(self) -> str:
        return self.name


class CertificateType(models.Model):
    """Directory entry of an e-certificate type (standard reference data)."""

    code = models.CharField(_("证照类型代码"), max_length=21, unique=True)
    name = models.CharField(_("证照名称"), max_length=100)
    issuing_authority = models.CharField(_("颁发部门类别"), max_length=100)
    holder_kind = models.CharField(
        _("持证主体"), max_length=16, choices=c.ServedParty.choices
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("电子证照类型")
        verbose_name_plural = _("电子证照类型")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        code = self.code or ""
        if len(code) != 21 or not code[18:].isdigit():
            raise ValidationError(
                {
                    "code": _(
                        "证照类型代码应为21位：定义部门统一社会信用代码18位加3位数字"
                    )
                }
            )
        try:
            validate_credit_code(code[:18])
        except CodeError as exc:
            raise ValidationError({"code": exc.message}) from exc
