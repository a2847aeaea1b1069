"""HTML forms of the applications pages (thin: parsing only, rules in services).

The application form itself is generated from the item version's JSON Schema
(:func:`schema_form_class`): string, integer, number, boolean and enum
properties become fields, an array of enumerated strings a checkbox group, an
array of objects a repeated group of rows (:class:`GroupField`); ``title`` is
the label, ``description`` the help text. Only a shape none of these covers
is edited as JSON text.
Every field is optional at this level: drafts save as you go, and the schema's
own ``required`` is checked (with field-level Chinese messages) on "next" and
on submission.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from decimal import Decimal

from django import forms
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from people.privacy import is_sealed, normalise_id_number
from portal.i18n import fold_digits
from portal.strict_json import StrictJSONDecoder

from .form_conditions import dependent_required, field_conditions
from .form_display import ordered_properties
from .uploads import ALLOWED_LABEL

MAX_TEXT = 2000


class SchemaForm(forms.Form):
    """Base of generated forms; knows how to go to and from form_data."""

    schema: dict = {}

    def __init__(self, *args, form_data: dict | None = None, **kwargs):
        """``form_data``: what is stored (initial values, and the sealed ID
        numbers a blank ID field keeps)."""
        if form_data and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(form_data)
        super().__init__(*args, **kwargs)
        # An ID number already saved is never put back into the page: the field
        # shows its masked form and, left blank, keeps it.
        self.sealed = {
            name: value
            for name, value in (form_data or {}).items()
            if is_sealed(value) and name in self.fields
        }
        self._mark_conditions(form_data or {})
        for name, value in self.sealed.items():
            field = self.fields[name]
            field.required = False
            field.help_text = format_lazy(
                _("已保存：{masked}。如需更改请重新填写，留空则保持不变。"),
                masked=value["masked"],
            )

    def _mark_conditions(self, form_data: dict) -> None:
        """Conditional fields (applications.form_conditions): shown when their
        condition holds for what the page shows (posted or saved), marked
        required when the condition makes them so."""
        if self.is_bound:
            shown = {}
            for name, prop in self.properties().items():
                if _kind(prop) in ("enum", "string", "integer", "number"):
                    raw = self.data.get(name)
                    if raw not in (None, ""):
                        shown[name] = (
                            _enum_value(prop, raw) if _kind(prop) == "enum" else raw
                        )
                elif _kind(prop) == "boolean":
                    shown[name] = bool(self.data.get(name))
        else:
            shown = form_data
        conditions = field_conditions(self.schema, shown)
        for name, condition in conditions.items():
            if name in self.fields:
                self.fields[name].condition = condition
        for name, needed in dependent_required(self.schema).items():
            if name not in self.fields:
                continue
            for other in needed:
                if other in self.fields:
                    field = self.fields[other]
                    field.help_text = format_lazy(
                        "{help}{sep}{rule}",
                        help=field.help_text,
                        sep="　" if field.help_text else "",
                        rule=format_lazy(
                            _("填写了“{label}”时必填"), label=self.fields[name].label
                        ),
                    )

    @classmethod
    def properties(cls) -> dict:
        return ordered_properties(cls.schema)

    @classmethod
    def initial_from(cls, form_data: dict) -> dict:
        initial = {}
        for name, prop in cls.properties().items():
            if name not in form_data or is_sealed(form_data[name]):
                continue
            value = form_data[name]
            kind = _kind(prop)
            if kind == "json":
                value = json.dumps(value, ensure_ascii=False, indent=2)
            elif kind == "multi":
                value = [str(v) for v in value] if isinstance(value, list) else []
            elif kind == "group":
                value = value if isinstance(value, list) else []
            initial[name] = value
        return initial

    def to_form_data(self) -> dict:
        """cleaned_data as JSON-ready form data; empty answers are left out."""
        data = {}
        for name, prop in self.properties().items():
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            kind = _kind(prop)
            if kind == "boolean":
                data[name] = bool(value)
                continue
            if value is None or value == "":
                if name in self.sealed:
                    data[name] = self.sealed[name]
                continue
            if isinstance(value, Decimal):
                value = float(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif kind == "enum":
                value = _enum_value(prop, value)
            elif kind == "multi":
                # In the schema's order, each once: what the person ticked.
                options = prop["items"]["enum"]
                value = [o for o in options if str(o) in set(value)]
                if not value:
                    continue
            elif kind == "group" and not value:
                continue
            data[name] = value
        return data

    def add_schema_errors(self, items) -> None:
        """Attach service ErrorItems (field = ``$.name...``) to their fields."""
        for item in items:
            path = (item.field or "").removeprefix("$").lstrip(".")
            name = path.split(".")[0].split("[")[0]
            if name in self.fields:
                self.add_error(name, item.detail)
            else:
                self.add_error(None, item.detail)


def _kind(prop: dict) -> str:
    if not isinstance(prop, dict):
        return "json"
    if "enum" in prop:
        return "enum"
    t = prop.get("type")
    if t == "array":
        items = prop.get("items")
        if isinstance(items, dict) and isinstance(items.get("enum"), list):
            return "multi"
        if (
            isinstance(items, dict)
            and isinstance(items.get("properties"), dict)
            and items["properties"]
            and all(_kind(p) in SCALAR_KINDS for p in items["properties"].values())
        ):
            return "group"
        return "json"
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    if t == "string":
        return "date" if prop.get("format") == "date" else "string"
    if t in ("integer", "number", "boolean"):
        return t
    return "json"


SCALAR_KINDS = {"enum", "string", "date", "integer", "number", "boolean"}


def _enum_value(prop: dict, raw: str):
    """Map the posted choice back to the enum member (which may not be a str)."""
    for option in prop.get("enum", []):
        if str(option) == raw:
            return option
    return raw


class FoldedIntegerField(forms.IntegerField):
    """An integer typed in full-width (１２) or Tibetan (༡༢) digits reads as
    ASCII (portal.i18n.fold_digits), like the ID number and phone fields."""

    def to_python(self, value):
        return super().to_python(
            fold_digits(value) if isinstance(value, str) else value
        )


class JSONNumberField(forms.DecimalField):
    """A JSON number: refused when it does not fit a float (``1e999`` would be
    stored as Infinity, which is not JSON and which PostgreSQL refuses).
    Full-width and Tibetan digits read as ASCII."""

    def to_python(self, value):
        return super().to_python(
            fold_digits(value) if isinstance(value, str) else value
        )

    def validate(self, value):
        super().validate(value)
        if value is not None and not math.isfinite(float(value)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class JSONTextField(forms.CharField):
    """Objects and lists the generator does not lay out: edited as JSON text."""

    widget = forms.Textarea

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            # Strict: NaN, 1e999, \u0000 and deep nesting are refused here,
            # not by PostgreSQL on save.
            return json.loads(value, cls=StrictJSONDecoder)
        except ValueError as exc:
            raise forms.ValidationError(_("请按 JSON 格式填写")) from exc


def _field_for(name: str, prop: dict, required: bool) -> forms.Field:
    kind = _kind(prop)
    common = {
        "required": False,
        "label": (prop.get("title") if isinstance(prop, dict) else None) or name,
        "help_text": (prop.get("description", "") if isinstance(prop, dict) else ""),
    }
    if kind == "enum":
        choices = [("", _("——请选择——"))] + [(str(o), str(o)) for o in prop["enum"]]
        field = forms.ChoiceField(choices=choices, **common)
    elif kind == "string":
        declared = prop.get("maxLength")
        max_length = min(declared, MAX_TEXT) if isinstance(declared, int) else MAX_TEXT
        # A text area only where the schema asks for long text; a bare string
        # (a name, a phone number) is one line.
        long_text = prop.get("format") == "textarea" or (
            isinstance(declared, int) and declared > 200
        )
        widget = forms.Textarea(attrs={"rows": 3}) if long_text else None
        if prop.get("format") == "id-number":
            field = IdNumberFormField(**common)
        else:
            field = forms.CharField(max_length=max_length, widget=widget, **common)
        if not long_text and prop.get("format") == "email":
            field.widget.input_type = "email"
        elif not long_text and str(prop.get("pattern", "")).startswith("^1[3-9]"):
            field.widget.input_type = "tel"
    elif kind == "date":
        field = forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}), **common
        )
    elif kind == "integer":
        field = FoldedIntegerField(**common)
    elif kind == "number":
        field = JSONNumberField(**common)
    elif kind == "boolean":
        field = forms.BooleanField(**common)
    elif kind == "multi":
        options = prop["items"]["enum"]
        field = forms.MultipleChoiceField(
            choices=[(str(o), str(o)) for o in options],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    elif kind == "group":
        field = GroupField(name=name, prop=prop, **common)
    else:
        field = JSONTextField(**common)
    field.schema_required = required
    field.widget.attrs.setdefault("autocomplete", "off")
    return field


MAX_ROWS = 30  # rows of a repeated group read from one post
BLANK_ROWS = 2  # empty rows offered below the filled ones (without JavaScript)


class GroupWidget(forms.Widget):
    """Rows of sub-inputs named ``<field>-<row>-<sub>``; the page shows the
    filled rows and two empty ones (site.js adds more without a reload)."""

    template_name = "applications/widgets/group.html"

    def __init__(self, subfields: dict, attrs=None):
        super().__init__(attrs)
        self.subfields = subfields

    def render(self, name, value, attrs=None, renderer=None):
        # The site's templates/ (not the form renderer's own directories).
        context = self.get_context(name, value, self.build_attrs(self.attrs, attrs))
        return mark_safe(render_to_string(self.template_name, context))

    def value_from_datadict(self, data, files, name):
        prefix = f"{name}-"
        rows: dict[int, dict] = {}
        for key in data:
            if not key.startswith(prefix):
                continue
            index, _sep, sub = key[len(prefix) :].partition("-")
            if not index.isdigit() or sub not in self.subfields:
                continue
            if int(index) >= MAX_ROWS:
                continue
            widget = self.subfields[sub].widget
            rows.setdefault(int(index), {})[sub] = widget.value_from_datadict(
                data, files, key
            )
        return [rows[i] for i in sorted(rows)]

    def value_omitted_from_data(self, data, files, name):
        return not any(key.startswith(f"{name}-") for key in data)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = [v for v in (value or []) if isinstance(v, dict)]
        values += [{}] * BLANK_ROWS
        base_id = (attrs or {}).get("id") or f"id_{name}"
        rows = []
        for i, row in enumerate(values):
            cells = []
            for sub, field in self.subfields.items():
                sub_name = f"{name}-{i}-{sub}"
                sub_id = f"{base_id}-{i}-{sub}"
                raw = row.get(sub)
                if isinstance(field.widget, forms.CheckboxInput):
                    raw = bool(raw)
                html = field.widget.render(
                    sub_name, raw, attrs={"id": sub_id, "autocomplete": "off"}
                )
                cells.append({"id": sub_id, "label": field.label, "html": html})
            rows.append({"number": i + 1, "cells": cells})
        context["widget"]["rows"] = rows
        return context


class GroupField(forms.Field):
    """An array of objects whose properties are all scalars: one row each.

    Rows left entirely blank are dropped; a row's own ``required`` is the
    schema's, checked with the rest of the form (service ``form_errors``)."""

    def __init__(self, *, name: str, prop: dict, **kwargs):
        items = prop["items"]
        self.sub_props = ordered_properties(items)
        self.subfields = {
            sub: _field_for(sub, sub_prop, False)
            for sub, sub_prop in self.sub_props.items()
        }
        kwargs.setdefault("widget", GroupWidget(self.subfields))
        super().__init__(**kwargs)

    def clean(self, value):
        rows = []
        errors = []
        for n, raw in enumerate(value or [], start=1):
            if not isinstance(raw, dict):
                continue
            if all(v in (None, "", False) for v in raw.values()):
                continue
            row = {}
            for sub, field in self.subfields.items():
                try:
                    cleaned = field.clean(raw.get(sub))
                except forms.ValidationError as exc:
                    for message in exc.messages:
                        errors.append(
                            forms.ValidationError(
                                _("第%(n)s行“%(label)s”：%(message)s"),
                                params={
                                    "n": n,
                                    "label": field.label,
                                    "message": message,
                                },
                            )
                        )
                    continue
                kind = _kind(self.sub_props[sub])
                if kind == "boolean":
                    row[sub] = bool(cleaned)
                    continue
                if cleaned is None or cleaned == "":
                    continue
                if isinstance(cleaned, Decimal):
                    cleaned = float(cleaned)
                elif isinstance(cleaned, dt.date):
                    cleaned = cleaned.isoformat()
                elif kind == "enum":
                    cleaned = _enum_value(self.sub_props[sub], cleaned)
                row[sub] = cleaned
            rows.append(row)
        if errors:
            raise forms.ValidationError(errors)
        return rows


class IdNumberFormField(forms.CharField):
    """A form field of format "id-number": typed as the user likes (full-width
    digits, a small x), kept normalised; the schema checks GB 11643."""

    def __init__(self, **kwargs):
        super().__init__(max_length=18, **kwargs)
        self.widget.attrs.update(spellcheck="false", autocapitalize="characters")

    def to_python(self, value):
        return normalise_id_number(super().to_python(value))


def tibetan_schema(schema: dict, texts) -> dict:
    """``schema`` with the Tibetan titles and help of the version's
    ``form_texts_bo`` ([{"field", "title", "help"}]); names, types and rules
    untouched. Fields without a Tibetan text keep their Chinese."""
    if not isinstance(schema, dict) or not isinstance(texts, list) or not texts:
        return schema
    schema = copy.deepcopy(schema)
    props = schema.get("properties")
    if not isinstance(props, dict):
        return schema
    for entry in texts:
        if not isinstance(entry, dict):
            continue
        prop = props.get(entry.get("field"))
        if not isinstance(prop, dict):
            continue
        if str(entry.get("title") or "").strip():
            prop["title"] = str(entry["title"]).strip()
        if str(entry.get("help") or "").strip():
            prop["description"] = str(entry["help"]).strip()
    return schema


def version_form_class(version) -> type[SchemaForm]:
    """The form of a version in the page's language: on a Tibetan page its
    fields' Tibetan titles and help where the catalog has them."""
    schema = version.form_schema
    if translation.get_language() == "bo":
        schema = tibetan_schema(schema, version.form_texts_bo)
    return schema_form_class(schema)


def schema_form_class(schema: dict) -> type[SchemaForm]:
    """A Form class for one item version's JSON Schema."""
    schema = schema if isinstance(schema, dict) else {}
    required = set(schema.get("required", []) or [])
    props = ordered_properties(schema)
    then_required = set()
    for node in [schema, *(schema.get("allOf") or [])]:
        then = node.get("then") if isinstance(node, dict) else None
        if isinstance(then, dict):
            then_required |= set(then.get("required") or [])
    fields = {
        name: _field_for(name, prop, name in required or name in then_required)
        for name, prop in props.items()
    }
    return type("ApplicationSchemaForm", (SchemaForm,), {"schema": schema, **fields})


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("办件编号"),
        max_length=47,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    query_code = forms.CharField(
        label=_("查询码"),
        max_length=16,
        help_text=_("受理通知书或提交回执上的8位查询码"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("选择文件"),
        help_text=format_lazy(_("支持{types}，按文件内容识别"), types=ALLOWED_LABEL),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/*"}
        ),
    )


class ToleratedForm(forms.Form):
    promise_text = forms.CharField(
        label=_("补交承诺"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        initial=_("本人承诺在约定日期前补交该材料，逾期未补交的同意终止办理。"),
    )
    promised_by = forms.DateField(
        label=_("承诺补交日期"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, latest: dt.date | None = None, **kwargs):
        """``latest``: the last day the item allows (the date picker's max)."""
        super().__init__(*args, **kwargs)
        attrs = self.fields["promised_by"].widget.attrs
        attrs["min"] = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
        if latest is not None:
            attrs["max"] = latest.isoformat()


class CommitmentForm(forms.Form):
    promise_text = forms.CharField(
        label=_("承诺内容"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agree = forms.BooleanField(
        label=_("我已阅读并签署上述承诺，知悉虚假承诺须承担的法律责任"),
        error_messages={"required": _("请勾选确认签署承诺")},
    )


class CertificateForm(forms.Form):
    certificate_ref = forms.ChoiceField(label=_("选择电子证照"), choices=())
    consent = forms.BooleanField(
        label=_("同意本次办理从电子证照库调取该证照（调取记录可在“我的证照”中查看）"),
        required=True,
    )

    def __init__(self, *args, offers=(), on_behalf: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = list(offers)
        self.fields["certificate_ref"].choices = [
            (o.identifier, o.name) for o in offers
        ]
        if on_behalf:
            self.fields["consent"].label = _("申请人已同意本次办理调取该电子证照")


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因（选填）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
