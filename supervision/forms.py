"""HTML forms of the rating, kiosk, complaint and staff pages (checks are the services')."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Department

from . import constants as c

# The citizen's forms word their own errors (Django's have no Tibetan): the
# same messages as the services' checks where those exist.
TEXT_ERRORS = {
    "required": _("请填写此项"),
    "max_length": _("不能超过%(limit_value)d个字"),
}
LEVEL_ERRORS = {
    "required": _("请选择五个评价等级之一"),
    "invalid_choice": _("请选择五个评价等级之一"),
}


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("评价等级"),
        choices=c.Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=LEVEL_ERRORS,
    )
    tags = forms.MultipleChoiceField(
        label=_("评价标签（可多选）"),
        choices=c.RatingTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("评价标签无效")},
    )
    comment = forms.CharField(
        label=_("评价内容（选填）"),
        required=False,
        max_length=500,
        error_messages=TEXT_ERRORS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VisitForm(forms.Form):
    reference = forms.CharField(
        label=_("来访编号（取号单号）"),
        max_length=40,
        error_messages=TEXT_ERRORS,
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
        error_messages={"max_length": _("办件编号格式不正确")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    department = forms.ChoiceField(
        label=_("或选择被投诉部门"),
        required=False,
        error_messages={"invalid_choice": _("请选择有效的部门")},
    )
    content = forms.CharField(
        label=_("投诉内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=TEXT_ERRORS,
    )
    contact_name = forms.CharField(
        label=_("联系人"), max_length=40, error_messages=TEXT_ERRORS
    )
    contact_phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        error_messages={
            "required": _("请填写此项"),
            "max_length": _("请填写正确的手机号码"),
        },
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = department_choices()


class ComplaintTrackForm(forms.Form):
    number = forms.CharField(
        label=_("投诉编号"),
        max_length=20,
        error_messages=TEXT_ERRORS,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    query_code = forms.CharField(
        label=_("查询码"),
        max_length=16,
        error_messages=TEXT_ERRORS,
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


class OrderIssueForm(forms.Form):
    """督办's form; the deadline is one of the two (the service checks which)."""

    department = forms.ChoiceField(label=_("被督办部门"))
    note = forms.CharField(
        label=_("督办事项和要求"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    working_days = forms.IntegerField(
        label=_("办理时限（工作日）"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=_("填写工作日数，或在下面选择截止日期，二选一。"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    due_date = forms.DateField(
        label=_("或截止日期"),
        required=False,
        help_text=_("须晚于今天；遇节假日顺延至其后第一个工作日。"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    card = forms.IntegerField(required=False, widget=forms.HiddenInput)
    application = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("（请选择）"))] + [
            (d.pk, d.name) for d in departments
        ]


class OrderAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("办理情况"),
        max_length=2000,
        help_text=_("已采取的措施、办理结果和完成时间。"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class OrderReviewForm(forms.Form):
    note = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        help_text=_("退回重办时必填。"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    working_days = forms.IntegerField(
        label=_("重办时限（工作日）"),
        required=False,
        min_value=1,
        max_value=60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    due_date = forms.DateField(
        label=_("或重办截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class CardFilterForm(forms.Form):
    colour = forms.ChoiceField(label=_("颜色"), required=False)
    department = forms.ChoiceField(label=_("部门"), required=False)

    def __init__(self, *args, departments=(), **kwargs):
        from workflow.constants import CardColour

        super().__init__(*args, **kwargs)
        self.fields["colour"].choices = [("", _("全部"))] + list(CardColour.choices)
        self.fields["department"].choices = [("", _("全部部门"))] + [
            (str(d.pk), d.name) for d in departments
        ]
