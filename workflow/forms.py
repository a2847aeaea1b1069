"""HTML forms of the reviewer's and the department head's desks.

Parsing only: every rule (who may decide, the extension cap, a second
decision, a finding from a department not on the case) is the service's, and
its ServiceError is shown beside the field it names
(portal.forms.apply_service_error). A form here only makes sure the service
gets well-shaped input and the reviewer hears every mistake at once, in
Chinese, beside its field.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import User

from . import constants as c
from .models import Task
from .services.procedures import SPECIAL_REASONS

TEXT_MAX = 2000
BASIS_MAX = 500


def _text(label, *, required=True, rows=4, max_length=TEXT_MAX, help_text="", **kw):
    messages = {"required": kw.pop("required_message", _("请填写此项"))}
    messages["max_length"] = _("不能超过%(limit_value)d个字")
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=messages,
    )


class InboxFilterForm(forms.Form):
    """The inbox's filters (GET), the names workflow.selectors.InboxFilters reads.

    All optional; a value the form refuses is dropped (the selector's default
    applies), and the form shows why beside the field.
    """

    ALL = "all"
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            (c.TaskState.OPEN, _("待办")),
            (c.TaskState.APPROVED, _("已同意")),
            (c.TaskState.REJECTED, _("不同意")),
            (ALL, _("全部")),
        ],
        error_messages={"invalid_choice": _("请选择列表中的状态")},
    )
    mark = forms.ChoiceField(
        label=_("时限"),
        required=False,
        choices=[
            ("", _("不限")),
            (c.Mark.YELLOW, _("临近到期及超期")),
            (c.Mark.RED, _("已超期")),
        ],
        error_messages={"invalid_choice": _("请选择列表中的时限")},
    )
    number = forms.CharField(
        label=_("办件编号"),
        required=False,
        max_length=47,
        help_text=_("可输入编号末尾几位"),
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
        error_messages={"max_length": _("办件编号最长%(limit_value)d位")},
    )
    mine = forms.BooleanField(label=_("只看我认领的"), required=False)
    item = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> dict:
        """The mapping for workflow.selectors.inbox_for (valid values only)."""
        if not self.is_bound:
            return {}
        self.is_valid()  # cleaned_data then holds the valid fields only
        data = {
            k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)
        }
        if data.get("state") == self.ALL:
            data["state"] = ""
        if "mine" in data:
            data["mine"] = "1"
        return data


class DecisionForm(forms.Form):
    """Approve, or reject with the reason and the legal basis."""

    outcome = forms.ChoiceField(
        label=_("审查结论"),
        choices=[
            (c.OpinionOutcome.APPROVE, _("同意")),
            (c.OpinionOutcome.REJECT, _("不同意")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择审查结论"),
            "invalid_choice": _("请选择审查结论"),
        },
    )
    opinion = _text(
        _("审查意见"),
        required_message=_("请填写审查意见"),
        help_text=_("不同意的，写明理由；意见将告知申请人"),
    )
    basis = forms.CharField(
        label=_("法律依据"),
        required=False,
        max_length=BASIS_MAX,
        help_text=_("不同意时必填，例如：《中华人民共和国行政许可法》第三十八条"),
        error_messages={"max_length": _("不能超过%(limit_value)d个字")},
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == c.OpinionOutcome.REJECT and not data.get("basis"):
            self.add_error("basis", _("不同意的，须写明法律依据"))
        return data


class SupplementRequestForm(forms.Form):
    """What is missing, one item a line; the hall passes it to the applicant."""

    items = _text(
        _("需补正的内容"),
        rows=5,
        required_message=_("请逐项写明需要补正的内容"),
        help_text=_("每行一项，一次列全；补正期间本案中止计时"),
    )

    def text(self) -> str:
        lines = [ln.strip() for ln in self.cleaned_data["items"].splitlines()]
        return "\n".join(ln for ln in lines if ln)


class ExtensionRequestForm(forms.Form):
    days = forms.IntegerField(
        label=_("延长工作日"),
        # The range is the service's (the cap depends on the case).
        error_messages={
            "required": _("请填写延长的工作日数"),
            "invalid": _("请填写整数"),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = _text(
        _("延期理由"),
        rows=3,
        required_message=_("请写明延期理由"),
        help_text=_("经科室负责人批准后生效，理由将告知申请人"),
    )


class SpecialProcedureForm(forms.Form):
    """Start a special procedure (Art. 45): the time it takes is not counted."""

    reason = forms.ChoiceField(
        label=_("特别程序"),
        choices=[(r.value, r.label) for r in SPECIAL_REASONS],
        error_messages={
            "required": _("请选择特别程序的种类"),
            "invalid_choice": _("请选择特别程序的种类"),
        },
    )
    note = _text(
        _("说明"),
        rows=2,
        required_message=_("请说明特别程序的内容"),
        help_text=_("例如：委托检测机构检测油烟排放；告知申请人所需时间"),
    )


class CommentForm(forms.Form):
    text = _text(_("内部意见"), rows=3, required_message=_("请填写意见"))


class ReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("改派给"),
        queryset=None,
        empty_label=_("请选择本部门人员"),
        error_messages={
            "required": _("请选择承办人"),
            "invalid_choice": _("请选择本部门人员"),
        },
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            staff if staff is not None else User.objects.none()
        )
        self.fields["assignee"].label_from_instance = lambda u: (
            u.display_name or u.username
        )


class ExtensionDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("审批意见"),
        required=False,
        max_length=500,
        error_messages={"max_length": _("不能超过%(limit_value)d个字")},
    )


class ConsultationForm(forms.Form):
    username = forms.CharField(
        label=_("会商人员账号"),
        max_length=150,
        help_text=_("部门以外的工作人员，仅可查看此一件"),
        error_messages={"required": _("请填写会商人员账号")},
    )
    note = forms.CharField(
        label=_("会商事项"),
        required=False,
        max_length=500,
        error_messages={"max_length": _("不能超过%(limit_value)d个字")},
    )


class InspectionForm(forms.Form):
    on = forms.DateField(
        label=_("踏勘日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("请选择踏勘日期"),
            "invalid": _("日期格式不正确"),
        },
    )
    days = forms.IntegerField(
        label=_("踏勘天数"),
        initial=1,
        required=False,
        help_text=_("连续的天数，一天完成的填1"),
        error_messages={"invalid": _("请填写整数")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    place = forms.CharField(
        label=_("踏勘地点"),
        max_length=300,
        error_messages={"required": _("请填写踏勘地点")},
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)
    tasks = forms.ModelMultipleChoiceField(
        label=_("参加的部门任务"),
        queryset=None,
        required=False,
        help_text=_("不选则为本案需现场勘验的全部待办任务"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选任务不属于本案")},
    )

    def __init__(self, *args, tasks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = (
            tasks if tasks is not None else Task.objects.none()
        )
        self.fields["tasks"].label_from_instance = lambda t: (
            f"{t.department.name} · {t.name}"
        )


class FindingForm(forms.Form):
    text = _text(_("踏勘意见"), rows=3, required_message=_("请填写踏勘意见"))
