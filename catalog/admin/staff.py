"""Where a staff member works (department, hall, service region), on the
staff profile admin and as an inline of portal's user admin."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin import PortalUserAdmin
from portal.models import User

from ..models import StaffProfile
from .base import CatalogModelAdmin


@admin.register(StaffProfile)
class StaffProfileAdmin(CatalogModelAdmin):
    list_display = ("user", "department", "hall", "region")
    search_fields = ("user__username", "user__display_name", "department__name")
    list_select_related = ("user", "department", "hall", "region")
    autocomplete_fields = ("user", "department", "hall", "region")


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    fk_name = "user"
    max_num = 1
    can_delete = True
    autocomplete_fields = ("department", "hall", "region")
    verbose_name = _("工作人员归属")
    verbose_name_plural = _("工作人员归属（部门、大厅、服务区划）")


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(PortalUserAdmin):
    """Portal's user admin plus where a staff member works (a catalog model)."""

    inlines = [*PortalUserAdmin.inlines, StaffProfileInline]
