"""Public search and browse filters (GET parameters of /items/)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from people.codes import CodeError, validate_credit_code, validate_region_code
from portal.errors import ServiceError
from portal.templatetags.portal_ui import bo_text

from . import constants as c
from .models import Department, Region, Theme
from .selectors import counties, validate_query


class ItemFilterForm(forms.Form):
    """Filters of the item search. Codes in, model objects out (cleaned_data).

    Every field is optional. Unknown codes are errors with a specific Chinese
    message rather than silently ignored, so the user knows why nothing shows.
    """

    q = forms.CharField(
        label=_("搜索事项"),
        required=False,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "maxlength": 50,
                "placeholder": _("输入事项名称、拼音或编码，如 护照、huzhao"),
                "autocomplete": "off",
                "enterkeyhint": "search",
            }
        ),
    )
    region = forms.CharField(label=_("区划"), required=False, widget=forms.Select)
    department = forms.CharField(label=_("部门"), required=False, widget=forms.Select)
    type = forms.ChoiceField(label=_("事项类型"), required=False)
    theme = forms.CharField(label=_("主题"), required=False, widget=forms.Select)
    depth = forms.ChoiceField(label=_("网办深度"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = [("", _("全部"))]
        prefecture = Region.objects.filter(code=settings.PREFECTURE_CODE)
        names = ("name", "name_bo")
        regions = [
            (r.code, bo_text(r, "name"))
            for qs in (prefecture, counties())
            for r in qs.only("code", *names)
        ]
        self.fields["region"].widget.choices = any_ + regions
        self.fields["department"].widget.choices = any_ + [
            (d.credit_code, bo_text(d, "name"))
            for d in Department.objects.filter(is_active=True)
            .order_by("region__code", "name")
            .only("credit_code", *names)
        ]
        self.fields["type"].choices = any_ + list(c.ItemType.choices)
        self.fields["theme"].widget.choices = any_ + [
            (t.code, bo_text(t, "name")) for t in Theme.objects.only("code", *names)
        ]
        self.fields["depth"].choices = any_ + [
            (str(v), label) for v, label in c.OnlineDepth.choices
        ]
        self.fields["type"].error_messages["invalid_choice"] = _("未知的事项类型")
        self.fields["depth"].error_messages["invalid_choice"] = _("网办深度应为Ⅰ至Ⅳ级")

    def clean_q(self) -> str:
        q = self.cleaned_data.get("q") or ""
        if not q:
            return ""
        try:
            return validate_query(q)
        except ServiceError as exc:
            raise forms.ValidationError(exc.detail, code=exc.code) from exc

    def clean_region(self) -> Region | None:
        code = (self.cleaned_data.get("region") or "").strip()
        if not code:
            return None
        try:
            validate_region_code(code)
        except CodeError as exc:
            raise forms.ValidationError(
                _("区划代码有误：%(reason)s") % {"reason": exc.message}, code=exc.code
            ) from exc
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(
                _("未找到该区划（代码 %(code)s）") % {"code": code},
                code="region_not_found",
            )
        return region

    def clean_department(self) -> Department | None:
        code = (self.cleaned_data.get("department") or "").strip().upper()
        if not code:
            return None
        try:
            validate_credit_code(code)
        except CodeError as exc:
            raise forms.ValidationError(
                _("部门代码有误：%(reason)s") % {"reason": exc.message}, code=exc.code
            ) from exc
        department = Department.objects.filter(credit_code=code, is_active=True).first()
        if department is None:
            raise forms.ValidationError(
                _("未找到该部门（统一社会信用代码 %(code)s）") % {"code": code},
                code="department_not_found",
            )
        return department

    def clean_theme(self) -> Theme | None:
        code = (self.cleaned_data.get("theme") or "").strip()
        if not code:
            return None
        theme = Theme.objects.filter(code=code[:40]).first()
        if theme is None:
            raise forms.ValidationError(_("未找到该主题"), code="theme_not_found")
        return theme

    def clean_depth(self) -> int | None:
        value = self.cleaned_data.get("depth")
        return int(value) if value else None

    @property
    def has_filters(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(k) for k in ("q", "region", "department", "type", "theme"))
