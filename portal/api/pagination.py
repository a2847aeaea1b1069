"""Page-number pagination that refuses bad paging input instead of guessing.

DRF's stock paginator silently clamps ``page_size`` and answers an unreadable
``page`` with a generic 404; app clients then page through the wrong data
without noticing. Here both get a stable error code.
"""

from __future__ import annotations

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from rest_framework.pagination import PageNumberPagination

from portal.errors import ServiceError

PAGE_PARAMS = frozenset({"page", "page_size"})


def _positive_int(raw: str) -> int | None:
    # str.isdigit() accepts non-ASCII digits and int() accepts "1_0": be strict.
    raw = raw.strip()
    if not raw or len(raw) > 9 or not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if value > 0 else None


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ("last",)

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        size = _positive_int(raw)
        if size is None or size > self.max_page_size:
            raise ServiceError(
                "invalid_page_size",
                _("每页条数应为1到%(max_page_size)s之间的整数")
                % {"max_page_size": self.max_page_size},
                field=self.page_size_query_param,
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw not in self.last_page_strings and _positive_int(raw) is None:
            raise ServiceError(
                "invalid_page", _("页码应为正整数"), field=self.page_query_param
            )
        paginator = self.django_paginator_class(queryset, page_size)
        page_number = paginator.num_pages if raw in self.last_page_strings else raw
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            raise ServiceError(
                "page_out_of_range",
                _("页码超出范围（共%(num_pages)s页）")
                % {"num_pages": paginator.num_pages},
                field=self.page_query_param,
                status=404,
            ) from exc
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)
