"""HTML forms of the rating, kiosk, complaint and staff pages (checks are the services')."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Department

from . import constants as c


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("评价等级"),
        choices=c.Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    tags = forms.MultipleChoiceField(
        label=_("评价标签（可多选）"),
        choices=c.RatingTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("评价内容（选填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VisitForm(forms.Form):
    reference = forms.CharField(
        label=_("来访编号（取号单号）"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("复核结论"), choices=c.ReviewOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("复核意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppealDecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("复核结论"),
        choices=[("1", _("申诉成立")), ("0", _("申诉不成立"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("复核说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def department_choices():
    return [("", _("（不选择）"))] + list(
        Department.objects.filter(is_active=True)
        .order_by("region__code", "name")
        .values_list("pk", "name")
    )


class ComplaintForm(forms.Form):
    application_number = forms.CharField(
        label=_("所涉办件编号"),
        required=False,
        max_length=47,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    department = forms.ChoiceField(label=_("或选择被投诉部门"), required=False)
    content = forms.CharField(
        label=_("投诉内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=40)
    contact_phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = department_choices()


class ComplaintTrackForm(forms.Form):
    number = forms.CharField(
        label=_("投诉编号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    query_code = forms.CharField(
        label=_("查询码"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class AssignForm(forms.Form):
    department = forms.ChoiceField(label=_("承办部门"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = department_choices()[1:]


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("调查结论"),
        choices=c.ComplaintOutcome.choices,
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label=_("答复内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
