"""HTML forms of the clerk's and the agent's desks (parsing only; rules in services).

Labels and messages in Chinese. A form here never decides a rule the service
also checks; it only makes sure the service gets well-shaped input and the
person at the counter hears every mistake at once, beside its field.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.constants import Language

from .forms_people import PeopleForm
from .services.time_limits import supplement_due_default, supplement_due_latest

ID_WIDGET = forms.TextInput(
    attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "text"}
)


class ApplicantLookupForm(PeopleForm):
    """Counter: find the applicant by ID number."""

    id_number = forms.CharField(
        label=_("申请人身份证号码"),
        max_length=32,
        help_text=_("18位居民身份证号码，末位可为X；可用读卡器读取"),
        widget=ID_WIDGET,
        error_messages={"required": _("请输入申请人的身份证号码")},
    )


# The languages the counter and the agent record for a walk-in (the
# service's people.services.applicants.COUNTER_LANGUAGES).
LANGUAGE_CHOICES = [
    (Language.ZH_HANS.value, _("中文")),
    (Language.BO.value, _("藏文（བོད་ཡིག）")),
]


def language_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("申请人使用的语言"),
        choices=LANGUAGE_CHOICES,
        initial=Language.ZH_HANS.value,
        required=False,  # blank: Chinese
        help_text=_(
            "受理、补正、不予受理和办结的文书及短信按此语言出具；选藏文时文书为藏汉双语"
        ),
        error_messages={
            "required": _("请选择申请人使用的语言"),
            "invalid_choice": _("语言只能选择中文或藏文"),
        },
    )


class ApplicantLanguageForm(PeopleForm):
    """Counter and agent: the language of an applicant without an online account."""

    language = language_field()


class WalkInForm(PeopleForm):
    """Counter: register a walk-in citizen (applicant_register_at_counter)."""

    full_name = forms.CharField(
        label=_("姓名"),
        max_length=64,
        help_text=_("与身份证一致"),
        error_messages={"required": _("请填写姓名")},
    )
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=32,
        widget=ID_WIDGET,
        error_messages={"required": _("请填写身份证号码")},
    )
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        help_text=_("用于接收受理、补正和办结短信"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
        error_messages={"required": _("请填写手机号码")},
    )
    language = language_field()


class CitizenLookupForm(PeopleForm):
    """Agent: find the citizen by ID number and name (both must match)."""

    id_number = forms.CharField(
        label=_("委托人身份证号码"),
        max_length=32,
        widget=ID_WIDGET,
        error_messages={"required": _("请输入委托人的身份证号码")},
    )
    full_name = forms.CharField(
        label=_("委托人姓名"),
        max_length=64,
        help_text=_("与身份证一致，用于核对"),
        error_messages={"required": _("请输入委托人姓名")},
    )


class ItemSearchForm(forms.Form):
    q = forms.CharField(
        label=_("事项名称或编码"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class HallSearchForm(forms.Form):
    """The clerk's hall lists: which list, and a search within it."""

    LISTS = [
        ("all", _("全部")),
        ("today", _("今日收件")),
        ("supplement", _("待补正")),
        ("accepted", _("已受理")),
        ("refused", _("不予受理")),
    ]
    list = forms.ChoiceField(label=_("列表"), choices=LISTS, required=False)
    q = forms.CharField(
        label=_("办件编号、申请人身份证号码或姓名"),
        max_length=47,
        required=False,
        help_text=_("身份证号码须完整（18位）；办件编号可只输前几位"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class SupplementNoticeForm(PeopleForm):
    """一次性告知: every material of the application, a tick and what is wrong.

    ``items`` (after is_valid) is the list the service takes:
    ``[{"material_id": ..., "problem": ...}]``; ``due_date`` the clerk's
    supplement due date (blank: the default).
    """

    PROBLEM_MAX = 300

    due_date = forms.DateField(
        label=_("补正期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请输入有效的日期")},
    )

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        self.items: list[dict] = []
        # The limits are the service's (it checks them again); shown here so
        # the clerk picks within them. Blank keeps the default.
        today = timezone.localdate()
        default = supplement_due_default(today)[0]
        latest = supplement_due_latest(today)
        due = self.fields["due_date"]
        due.initial = default
        due.widget.attrs.update(min=today.isoformat(), max=latest.isoformat())
        due.help_text = _("默认%(default)s；可选今天至%(latest)s") % {
            "default": f"{default:%Y-%m-%d}",
            "latest": f"{latest:%Y-%m-%d}",
        }
        for am in self.materials:
            self.fields[f"pick_{am.material_id}"] = forms.BooleanField(
                label=am.material.name, required=False
            )
            self.fields[f"problem_{am.material_id}"] = forms.CharField(
                label=_("存在的问题及补正要求"),
                required=False,
                max_length=self.PROBLEM_MAX,
                widget=forms.Textarea(
                    attrs={"rows": 2, "placeholder": _("存在的问题及补正要求")}
                ),
                error_messages={
                    "max_length": _("问题说明不超过%(limit_value)d字"),
                },
            )

    def rows(self):
        """(ApplicationMaterial, tick field, problem field) per material."""
        return [
            (am, self[f"pick_{am.material_id}"], self[f"problem_{am.material_id}"])
            for am in self.materials
        ]

    def clean(self):
        data = super().clean()
        items = []
        for am in self.materials:
            pick = f"pick_{am.material_id}"
            problem_field = f"problem_{am.material_id}"
            picked = bool(data.get(pick))
            problem = (data.get(problem_field) or "").strip()
            if problem_field in self.errors:
                continue
            if picked and not problem:
                self.add_error(
                    problem_field,
                    _("请写明“%(name)s”存在的问题") % {"name": am.material.name},
                )
            elif problem and not picked:
                self.add_error(pick, _("已填写问题说明，请勾选该材料，或清空说明"))
            elif picked:
                items.append({"material_id": am.material_id, "problem": problem})
        if not items and not self.errors:
            raise forms.ValidationError(
                _("一次性告知须至少勾选一项需补正的材料，并写明存在的问题"),
                code="supplement_items_required",
            )
        self.items = items
        return data


class RefuseForm(PeopleForm):
    reason = forms.CharField(
        label=_("不予受理理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写不予受理的理由")},
    )
    legal_basis = forms.CharField(
        label=_("法律依据"),
        max_length=300,
        help_text=_(
            "写明法律、法规名称及条款，如《中华人民共和国行政许可法》第三十二条"
        ),
        error_messages={
            "required": _("请填写不予受理的法律依据"),
            "max_length": _("法律依据不超过%(limit_value)d字"),
        },
    )
