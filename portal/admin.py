"""Admin for portal's base: users and roles, public articles, the audit log.

Also the two mixins every admin of the project uses: ``AuditedAdminMixin``
(an admin save or delete writes an audit entry in the same transaction) and
``ServiceErrorAdminMixin`` (a ServiceError raised by a service becomes error
messages instead of a server error; the admin's transaction rolls back).
Nothing here imports people, catalog or later apps (docs/architecture.md: portal's base).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .audit import audit_record
from .context_processors import site_name
from .errors import ServiceError
from .models import Article, AuditEntry, User
from .roles import Role


def _site_header() -> str:
    return gettext("%(site)s 管理后台") % {"site": site_name()}


# The site's name from settings (SITE_NAME, SITE_NAME_EN), in the page's language.
admin.site.site_header = lazy(_site_header, str)()
admin.site.site_title = lazy(site_name, str)()
admin.site.index_title = _("管理首页")


def service_error_messages(exc: ServiceError, *, prefix: str = "") -> list[str]:
    """One line per broken rule ("prefix：detail"), or the summary when none."""
    details = [item.detail for item in exc.errors] or [exc.detail]
    return [f"{prefix}{detail}" for detail in details]


def _mask(value: Any) -> str:
    text = str(value or "")
    return text if len(text) <= 4 else "*" * (len(text) - 4) + text[-4:]


def audit_value(value: Any) -> Any:
    """A form value as it goes into the audit log (JSON-friendly, short)."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet | list | tuple | set):
        return [audit_value(v) for v in value]
    if isinstance(value, FieldFile):
        return value.name or ""
    if hasattr(value, "read") and hasattr(value, "name"):  # an uploaded file
        return str(value.name)
    return value


class AuditedAdminMixin:
    """Admin saves and deletes write audit entries inside the admin's transaction.

    The admin's add/change/delete views already run in ``transaction.atomic``;
    deleting from the changelist does not, so ``delete_queryset`` opens one.
    """

    audit_masked_fields: tuple[str, ...] = ()

    def audit_changes(self, form) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for name in form.changed_data:
            if "password" in name:
                changes[name] = "***"
                continue
            value = form.cleaned_data.get(name)
            if name in self.audit_masked_fields:
                value = _mask(value)
            changes[name] = audit_value(value)
        return changes

    def audit(self, request, action: str, obj, changes: dict | None = None) -> None:
        audit_record(actor=request.user, action=action, obj=obj, changes=changes or {})

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        self.audit(
            request,
            "admin.change" if change else "admin.add",
            obj,
            self.audit_changes(form),
        )

    def delete_model(self, request, obj) -> None:
        self.audit(request, "admin.delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change) -> None:
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            self.audit(request, "admin.delete", obj)
            obj.delete()
        for obj in formset.new_objects:
            obj.save()
            self.audit(request, "admin.add", obj, {"parent": str(form.instance)})
        for obj, fields in formset.changed_objects:
            obj.save()
            self.audit(
                request,
                "admin.change",
                obj,
                {name: audit_value(getattr(obj, name, None)) for name in fields},
            )
        formset.save_m2m()


class ReadOnlyAdminMixin:
    """Viewable in the admin, never added, changed or deleted there (the
    services or the system own these rows)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ServiceErrorAdminMixin:
    """Turns a ServiceError from a save into messages and a redirect.

    The exception leaves the admin's ``transaction.atomic`` block first, so
    whatever the view had written is rolled back.
    """

    def _service_error_response(self, request, exc: ServiceError):
        for line in service_error_messages(exc):
            self.message_user(request, line, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ServiceError as exc:
            return self._service_error_response(request, exc)

    def delete_view(self, request, *args, **kwargs):
        try:
            return super().delete_view(request, *args, **kwargs)
        except ServiceError as exc:
            return self._service_error_response(request, exc)


ROLE_LABELS = dict(Role.choices)


@admin.register(User)
class PortalUserAdmin(ServiceErrorAdminMixin, AuditedAdminMixin, DjangoUserAdmin):
    """Users with their roles (groups). catalog/admin.py adds the staff profile."""

    audit_masked_fields = ("phone",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("门户资料"), {"fields": ("display_name", "phone")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "password1", "password2"),
            },
        ),
    )
    list_display = (
        "username",
        "display_name",
        "role_list",
        "is_staff",
        "is_active",
        "last_login",
    )
    list_filter = ("groups", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "display_name", "email")
    ordering = ("username",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("角色"))
    def role_list(self, obj: User) -> str:
        names = sorted(g.name for g in obj.groups.all())
        return "、".join(str(ROLE_LABELS.get(n, n)) for n in names) or "—"

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                self.audit(request, "admin.password_change", user)
        return response


@admin.register(Article)
class ArticleAdmin(ServiceErrorAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "document_number", "published_on", "is_published")
    list_filter = ("kind", "is_published")
    search_fields = ("title", "summary", "document_number", "issuer", "title_bo")
    date_hierarchy = "published_on"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "kind",
                    "title",
                    "slug",
                    "summary",
                    "body",
                    "document_number",
                    "issuer",
                    "published_on",
                    "is_published",
                )
            },
        ),
        (
            _("藏文（可选）"),
            {
                "fields": ("title_bo", "summary_bo", "body_bo"),
                "description": _(
                    "藏文页面显示这里的藏文；未填写的部分显示中文，并标注“仅有中文”。"
                ),
            },
        ),
    )


AUDIT_LABELS = {
    "seq": _("序号"),
    "at": _("时间"),
    "actor_label": _("操作人"),
    "action": _("操作"),
    "object_type": _("对象类型"),
    "object_id": _("对象编号"),
    "object_repr": _("对象"),
    "source_ip": _("来源IP"),
    "prev_hash": _("前一条哈希"),
    "hash": _("哈希"),
}


def _audit_column(name: str):
    @admin.display(description=AUDIT_LABELS[name], ordering=name)
    def column(self, obj: AuditEntry):
        value = getattr(obj, name)
        if name == "at":
            return date_format(timezone.localtime(value), "Y-m-d H:i:s")
        return value

    return column


def _titled_filter(title):
    class TitledFilter(admin.AllValuesFieldListFilter):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.title = title

    return TitledFilter


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit chain, read-only for everyone (the table is append-only)."""

    list_display = (
        "seq_col",
        "at_col",
        "actor_label_col",
        "action_col",
        "object_type_col",
        "object_id_col",
        "object_repr_col",
        "source_ip_col",
    )
    list_display_links = ("seq_col",)
    list_filter = (
        ("action", _titled_filter(_("操作"))),
        ("object_type", _titled_filter(_("对象类型"))),
    )
    search_fields = ("=object_id", "=actor_label", "action", "object_repr")
    ordering = ("-seq",)
    show_full_result_count = False
    fields = (
        "seq_col",
        "at_col",
        "actor_label_col",
        "action_col",
        "object_type_col",
        "object_id_col",
        "object_repr_col",
        "changes_pretty",
        "source_ip_col",
        "prev_hash_col",
        "hash_col",
    )
    readonly_fields = fields

    @admin.display(description=_("变更内容"))
    def changes_pretty(self, obj: AuditEntry) -> str:
        return format_html(
            '<pre class="pre-wrap">{}</pre>',
            json.dumps(obj.changes, ensure_ascii=False, indent=2),
        )


for _name in AUDIT_LABELS:
    setattr(AuditEntryAdmin, f"{_name}_col", _audit_column(_name))

# The working-day calendar's admin lives beside this module (registered on import).
from . import admin_calendar  # noqa: E402, F401
