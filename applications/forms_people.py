"""HTML forms for accounts, enterprises and agent authorisations.

Forms only shape input; the rules live in people.services (applicants,
enterprises) and applications.services.people (authorisations), whose
ServiceError items are put back onto the matching fields by
:func:`apply_service_error`.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PeopleForm(forms.Form):
    """Labels without the trailing colon (the page layout puts them above)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RegisterForm(PeopleForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("3至150个字符，可用字母、数字和 @ . + - _"),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    full_name = forms.CharField(
        label=_("姓名"),
        max_length=64,
        help_text=_("与身份证一致"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=32,
        help_text=_("18位居民身份证号码，末位可为X"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}
        ),
    )
    email = forms.EmailField(
        label=_("电子邮箱（选填）"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        help_text=_("至少8个字符，不能全为数字，不能与用户名或姓名相似"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_map = {"password": "password1"}

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class EnterpriseForm(PeopleForm):
    name = forms.CharField(label=_("单位名称"), max_length=200)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=32,
        help_text=_("18位，见营业执照"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=64)
    address = forms.CharField(label=_("住所（选填）"), max_length=200, required=False)


class MemberAddForm(PeopleForm):
    id_number = forms.CharField(
        label=_("经办人身份证号码"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    full_name = forms.CharField(label=_("经办人姓名"), max_length=64)

    field_map = {"user": "id_number"}


class AuthorizationGrantForm(PeopleForm):
    citizen_id_number = forms.CharField(
        label=_("委托人身份证号码"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    citizen_full_name = forms.CharField(
        label=_("委托人姓名"), max_length=64, help_text=_("与身份证一致，用于核对")
    )
    item_code = forms.CharField(
        label=_("授权事项基本编码（选填）"),
        max_length=12,
        required=False,
        help_text=_("留空表示不限事项"),
    )
    valid_until = forms.DateField(
        label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"})
    )
    document = forms.FileField(
        label=_("授权书（PDF、JPEG 或 PNG，不超过10MB）"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png"}
        ),
    )
    signed_statement = forms.CharField(
        label=_("或：委托人签署的授权声明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("无授权书时，录入委托人当面签署的声明全文"),
    )

    field_map = {
        "citizen": "citizen_id_number",
        "id_number": "citizen_id_number",
        "item": "item_code",
    }


class CitizenGrantForm(PeopleForm):
    """The citizen authorises an agent from their own account."""

    agent_username = forms.CharField(
        label=_("代办员账号"),
        max_length=150,
        help_text=_("请向代办员索取其在本网的账号"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    item_code = AuthorizationGrantForm.base_fields["item_code"]
    valid_until = AuthorizationGrantForm.base_fields["valid_until"]

    field_map = {"agent": "agent_username", "item": "item_code"}


class AuthorizationCodeForm(PeopleForm):
    code = forms.CharField(
        label=_("委托人手机收到的6位验证码"),
        max_length=12,
        error_messages={"required": _("请填写验证码")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
        help_text=_("请委托人本人读出短信中的验证码；委托人不同意时不要索取"),
    )


class PaperAuthorizationForm(PeopleForm):
    """A hall clerk records the citizen's signed paper, as witness."""

    citizen_id_number = AuthorizationGrantForm.base_fields["citizen_id_number"]
    citizen_full_name = AuthorizationGrantForm.base_fields["citizen_full_name"]
    agent_username = forms.CharField(
        label=_("代办员账号"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    item_code = AuthorizationGrantForm.base_fields["item_code"]
    valid_until = AuthorizationGrantForm.base_fields["valid_until"]
    document = forms.FileField(
        label=_("委托人签字的授权书扫描件（PDF、JPEG 或 PNG，不超过10MB）"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png"}
        ),
    )
    witnessed = forms.BooleanField(
        label=_("本人已核验委托人身份证原件，并见证其在授权书上签字"),
        error_messages={"required": _("请确认已核验身份并见证签字")},
    )

    field_map = {
        "citizen": "citizen_id_number",
        "id_number": "citizen_id_number",
        "agent": "agent_username",
        "item": "item_code",
    }
