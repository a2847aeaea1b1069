"""The version's object tools and list actions: publish, check the guide,
new draft from a version, retire. Each goes through its catalog service
(``version_publish``, ``version_check``, ``version_new_draft``,
``version_retire``) and reports per version in the admin's messages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import service_error_messages
from portal.errors import ServiceError

from .. import services
from ..forms_admin import RetireForm
from ..models import ServiceItemVersion


class VersionPublishingMixin:
    """Tool URLs, views and actions of ``ServiceItemVersionAdmin``."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/publish/",
                wrap(self.publish_view),
                name="catalog_serviceitemversion_publish",
            ),
            path(
                "<int:pk>/check/",
                wrap(self.check_view),
                name="catalog_serviceitemversion_check",
            ),
            path(
                "<int:pk>/new-draft/",
                wrap(self.new_draft_view),
                name="catalog_serviceitemversion_new_draft",
            ),
            path(
                "<int:pk>/retire/",
                wrap(self.retire_view),
                name="catalog_serviceitemversion_retire",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "version_tools": self.has_change_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _label(version: ServiceItemVersion) -> str:
        return gettext("「%(name)s」（%(code)s v%(n)s）") % {
            "name": version.name,
            "code": version.item.basic_code,
            "n": version.version,
        }

    def _change_url(self, version: ServiceItemVersion) -> str:
        return reverse("admin:catalog_serviceitemversion_change", args=[version.pk])

    def _publish_one(self, request, version: ServiceItemVersion) -> bool:
        label = self._label(version)
        try:
            services.version_publish(version=version, actor=request.user)
        except ServiceError as exc:
            self.message_user(
                request,
                gettext("%(label)s未发布：%(detail)s")
                % {"label": label, "detail": exc.detail},
                messages.ERROR,
            )
            if exc.errors:
                for line in service_error_messages(exc, prefix=f"{label}："):
                    self.message_user(request, line, messages.ERROR)
            return False
        return True

    def _new_draft_one(self, request, version) -> ServiceItemVersion | None:
        try:
            return services.version_new_draft(version=version, actor=request.user)
        except ServiceError as exc:
            self.message_user(
                request, f"{self._label(version)}：{exc.detail}", messages.ERROR
            )
            return None

    def _check_one(self, request, version) -> None:
        label = self._label(version)
        problems = services.version_check(version=version)
        if not problems:
            self.message_user(
                request,
                gettext("%(label)s：办事指南检查通过，可以发布") % {"label": label},
                messages.SUCCESS,
            )
            return
        self.message_user(
            request,
            gettext("%(label)s：办事指南有%(count)d处不符合要求")
            % {"label": label, "count": len(problems)},
            messages.WARNING,
        )
        for problem in problems:
            self.message_user(request, f"{label}：{problem.detail}", messages.WARNING)

    def _retire_one(self, request, version, reason: str, effective_to) -> bool:
        try:
            services.version_retire(
                version=version,
                actor=request.user,
                reason=reason,
                effective_to=effective_to,
            )
        except ServiceError as exc:
            self.message_user(
                request, f"{self._label(version)}：{exc.detail}", messages.ERROR
            )
            return False
        return True

    def _tool_version(self, request, pk: int) -> ServiceItemVersion:
        if not self.has_change_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            self.get_queryset(request).select_related("item"), pk=pk
        )

    def publish_view(self, request, pk: int):
        version = self._tool_version(request, pk)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(version))
        if self._publish_one(request, version):
            self.message_user(
                request,
                gettext("%(label)s已发布") % {"label": self._label(version)},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._change_url(version))

    def check_view(self, request, pk: int):
        version = self._tool_version(request, pk)
        self._check_one(request, version)
        return HttpResponseRedirect(self._change_url(version))

    def new_draft_view(self, request, pk: int):
        version = self._tool_version(request, pk)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(version))
        draft = self._new_draft_one(request, version)
        if draft is None:
            return HttpResponseRedirect(self._change_url(version))
        self.message_user(
            request,
            gettext("已基于 v%(base)s 新建草稿 v%(n)s")
            % {"base": version.version, "n": draft.version},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(draft))

    def retire_view(self, request, pk: int):
        version = self._tool_version(request, pk)
        form = RetireForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if self._retire_one(
                request,
                version,
                form.cleaned_data["reason"],
                form.cleaned_data["effective_to"],
            ):
                self.message_user(
                    request,
                    gettext("%(label)s已废止") % {"label": self._label(version)},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(self._change_url(version))
        return self._retire_page(request, [version], form, action=None)

    def _retire_page(self, request, versions, form, *, action: str | None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("废止事项版本"),
            "versions": versions,
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/catalog/serviceitemversion/retire.html", context
        )

    @admin.action(description=_("发布所选草稿"), permissions=["change"])
    def publish_drafts(self, request, queryset):
        done = sum(
            self._publish_one(request, version)
            for version in queryset.select_related("item")
        )
        if done:
            self.message_user(
                request,
                gettext("已发布%(count)d个版本") % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("基于所选版本新建草稿"), permissions=["change"])
    def new_drafts(self, request, queryset):
        done = 0
        for version in queryset.select_related("item"):
            if self._new_draft_one(request, version) is not None:
                done += 1
        if done:
            self.message_user(
                request,
                gettext("已新建%(count)d个草稿版本") % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("废止所选版本"), permissions=["change"])
    def retire_versions(self, request, queryset):
        versions = list(queryset.select_related("item"))
        if request.POST.get("post") == "yes":
            form = RetireForm(request.POST)
            if form.is_valid():
                done = sum(
                    self._retire_one(
                        request,
                        version,
                        form.cleaned_data["reason"],
                        form.cleaned_data["effective_to"],
                    )
                    for version in versions
                )
                if done:
                    self.message_user(
                        request,
                        gettext("已废止%(count)d个版本") % {"count": done},
                        messages.SUCCESS,
                    )
                return None
        else:
            form = RetireForm()
        return self._retire_page(request, versions, form, action="retire_versions")

    @admin.action(description=_("检查办事指南"), permissions=["view"])
    def check_guides(self, request, queryset):
        for version in queryset.select_related("item"):
            self._check_one(request, version)
