"""Forms of the catalog admin: the draft version form, variances, import, retire.

The version form edits list-valued guide elements as plain text with the same
codecs the spreadsheet uses (one entry per line, parts separated by ``|``), so
an editor learns one format for both.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.strict_json import StrictJSONDecoder

from . import constants as c
from .importexport import (
    CellError,
    Codec,
    codec_for_version_field,
    format_version_value,
)
from .models import Region, ServiceItemVersion, Variance


class CodecTextField(forms.CharField):
    """A textarea whose text is parsed by a spreadsheet codec."""

    def __init__(self, *, codec: Codec, **kwargs) -> None:
        self.codec = codec
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3, "cols": 80}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", codec.help)
        # CharField keyword arguments only; model-field extras are dropped.
        for extra in ("encoder", "decoder", "max_length"):
            kwargs.pop(extra, None)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return value
        return self.codec.format(value)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        try:
            return self.codec.parse(text)
        except CellError as exc:
            raise ValidationError(exc.message, code="invalid") from exc

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            new = self.to_python(data)
        except ValidationError:
            return True
        return self.codec.normalise(initial) != new


# Guide elements edited as text through their codec.
TEXT_CODEC_FIELDS = (
    "legal_bases",
    "acceptance_conditions",
    "special_procedures",
    "fees",
    "results",
    "faq",
    "form_texts_bo",
)


# Guide elements an editor changes on a draft (the rest is life-cycle data).
VERSION_EDITABLE_FIELDS = [
    "name",
    "item_type",
    "legal_bases",
    "power_source",
    "authority_level",
    "implementing_nature",
    "entrusting_body",
    "co_handling_bodies",
    "keywords",
    "acceptance_conditions",
    "served_parties",
    "statutory_limit_value",
    "statutory_limit_unit",
    "statutory_limit_note",
    "promised_limit_value",
    "promised_limit_unit",
    "promised_limit_note",
    "is_immediate",
    "special_procedures",
    "channels",
    "depth",
    "depth_flags",
    "visits",
    "visits_reason",
    "place",
    "hours",
    "appointment",
    "appointment_quota",
    "courier",
    "self_service",
    "fees",
    "results",
    "result_by_post",
    "result_certificate_type",
    "consult_channels",
    "complaint_channels",
    "review_body",
    "litigation_body",
    "faq",
    "form_schema",
    "name_bo",
    "conditions_bo",
    "form_texts_bo",
]


class VersionDraftForm(forms.ModelForm):
    """Edits a draft's guide elements; the admin saves through the service."""

    served_parties = forms.MultipleChoiceField(
        label=_("服务对象"),
        choices=c.ServedParty.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    channels = forms.MultipleChoiceField(
        label=_("办理渠道"),
        choices=c.Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    depth_flags = forms.TypedMultipleChoiceField(
        label=_("网办能力"),
        choices=[(k, f"{k} {v}") for k, v in c.DEPTH_FLAGS.items()],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ServiceItemVersion
        fields = VERSION_EDITABLE_FIELDS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in TEXT_CODEC_FIELDS:
            if name in self.fields:
                old = self.fields[name]
                self.fields[name] = CodecTextField(
                    codec=codec_for_version_field(name), label=old.label
                )
        for field in self.fields.values():
            if isinstance(field, forms.JSONField):
                # NaN, 1e999, \u0000 or deep nesting: a form error, not a 500.
                field.decoder = StrictJSONDecoder

    def clean_depth_flags(self) -> list[int]:
        return sorted(self.cleaned_data.get("depth_flags") or [])


class VarianceInlineForm(forms.ModelForm):
    """A variance typed as text in the element's own format, checked up front.

    catalog.services.variance_record stays the authority; these checks only
    turn its refusals into field errors before anything is saved.
    """

    local_value = forms.CharField(
        label=_("本地值"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text=_(
            "按该要素的格式填写：时限、次数填数字；渠道以“、”分隔；"
            "收费每行一项“收费项目|收费标准|收费依据”；是/否"
        ),
    )

    class Meta:
        model = Variance
        fields = ["field", "local_value", "reason", "approved_by", "approved_on"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["local_value"] = self._codec_format(
                self.instance.field, self.instance.local_value
            )
        if "approved_by" in self.fields:
            self.fields["approved_by"].required = False
            self.fields["approved_by"].help_text = _("不填则为当前用户")
        if "approved_on" in self.fields:
            self.fields["approved_on"].required = False
            self.fields["approved_on"].help_text = _("不填则为今天")

    @staticmethod
    def _codec_format(field: str, value: Any) -> Any:
        codec = codec_for_version_field(field)
        if codec is None:
            return value
        text = codec.format(value)
        return text if text is not None else ""

    def clean(self) -> dict:
        data = super().clean()
        field = data.get("field")
        raw = data.get("local_value")
        if not field or raw is None:
            return data
        codec = codec_for_version_field(field)
        try:
            value = codec.parse(raw) if codec else raw
        except CellError as exc:
            self.add_error("local_value", exc.message)
            return data
        if value in (None, "", []):
            self.add_error("local_value", _("请填写本地值"))
            return data
        data["local_value"] = value
        self.instance.local_value = value
        implementation = getattr(self.instance, "implementation", None)
        version = implementation.item.current_version if implementation else None
        if version is None:
            raise ValidationError(_("事项尚未发布，不能登记差异"))
        if getattr(version, field) == value:
            self.add_error(
                "local_value",
                _("本地值与标准值（%(standard)s）相同，无需登记差异")
                % {"standard": format_version_value(field, getattr(version, field))},
            )
        if not (data.get("reason") or "").strip():
            self.add_error("reason", _("差异须说明原因"))
        return data


class CatalogImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel文件（.xlsx）"),
        help_text=_("工作表“事项”和“材料”；可先导出或下载模板，在其中修改后上传。"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.CATALOG_IMPORT_MAX_BYTES
        self.fields["file"].help_text = _(
            "工作表“事项”和“材料”；可先导出或下载模板，在其中修改后上传。"
            "文件不超过 %(size)s MB。"
        ) % {"size": f"{limit / (1024 * 1024):.1f}".rstrip("0").rstrip(".")}


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("废止原因"),
        max_length=300,
        error_messages={"required": _("请填写废止原因")},
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    effective_to = forms.DateField(
        label=_("失效日期"),
        required=False,
        help_text=_("不填则为今天（格式：2026-12-31）"),
    )

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError(_("请填写废止原因"))
        return reason


class VarianceReportFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("区县"), required=False)

    def __init__(self, *args, regions: list[Region], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("全部区县"))] + [
            (r.code, r.name) for r in regions
        ]
