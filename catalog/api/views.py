"""Read-only catalog API: items, the item guide, regions, departments.

Public data: anyone may read, nobody may write (any other method is 405).
Views parse their query parameters strictly (filters.py), ask the selectors for
the rows and load everything the serializer reads up front, so each endpoint
runs a fixed number of queries however long the page or the guide.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.decorators import api_view, permission_classes, schema
from rest_framework.permissions import AllowAny

from catalog.codes import validate_basic_code
from catalog.models import (
    Department,
    Material,
    ProcessStage,
    ProcessStep,
    ServiceItem,
    ServiceItemVersion,
)
from catalog.selectors import (
    implementations_for_item,
    item_public_queryset,
    item_search,
    region_tree,
)
from people.codes import CodeError
from portal.api.errors import error_responses
from portal.errors import NotFoundError

from .filters import DEPARTMENT_FILTERS, ITEM_FILTERS, REGION_FILTERS, ParamSet
from .serializers import (
    CatalogDepartmentSerializer,
    CatalogItemDetailSerializer,
    CatalogItemListSerializer,
    CatalogRegionSerializer,
)

PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="页码，从1开始；也可用 last"),
    OpenApiParameter("page_size", int, description="每页条数，1–100，默认20"),
]


class _CatalogListView(generics.ListAPIView):
    """A public list whose query parameters are all declared in ``filters``."""

    permission_classes = [AllowAny]
    filter_backends: list = []
    filters: ParamSet

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        return self.filtered_queryset(**self.filters.parse(self.request.query_params))

    def filtered_queryset(self, **filters) -> QuerySet:
        raise NotImplementedError


@extend_schema(
    tags=["catalog"],
    summary="检索事项",
    description="已发布的政务服务事项。带 q 时按匹配程度排序，否则按热度。",
    parameters=ITEM_FILTERS.openapi_parameters() + PAGE_PARAMETERS,
    responses={200: CatalogItemListSerializer(many=True), **error_responses(400, 404)},
)
class ItemListView(_CatalogListView):
    serializer_class = CatalogItemListSerializer
    filters = ITEM_FILTERS

    def filtered_queryset(self, **filters) -> QuerySet[ServiceItem]:
        return item_search(**filters).select_related("lead_department")


def _version_guide_queryset() -> QuerySet[ServiceItemVersion]:
    # Joins instead of plain prefetches for the optional foreign keys, so the
    # query count does not depend on whether any material names a certificate
    # type or any step a department.
    return ServiceItemVersion.objects.select_related(
        "item", "item__lead_department"
    ).prefetch_related(
        "item__themes",
        Prefetch(
            "materials",
            queryset=Material.objects.select_related("certificate_type"),
        ),
        Prefetch(
            "stages",
            queryset=ProcessStage.objects.prefetch_related(
                Prefetch(
                    "steps", queryset=ProcessStep.objects.select_related("department")
                )
            ),
        ),
    )


@extend_schema(
    tags=["catalog"],
    summary="事项办事指南",
    description=(
        "事项现行版本的完整办事指南：全部指南要素、申请材料、办理阶段与并联环节、"
        "主题和各地实施清单（含经批准的本地差异）。未发布或不存在的事项返回404。"
    ),
    responses={200: CatalogItemDetailSerializer, **error_responses(404)},
)
class ItemDetailView(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    filter_backends: list = []
    serializer_class = CatalogItemDetailSerializer
    lookup_field = "basic_code"
    queryset = ServiceItemVersion.objects.none()

    def get_object(self) -> ServiceItemVersion:
        basic_code = self.kwargs["basic_code"]
        not_found = NotFoundError("not_found", _("未找到该事项，或事项尚未发布"))
        try:
            validate_basic_code(basic_code)
        except CodeError:
            raise not_found from None
        version_id = (
            item_public_queryset()
            .filter(basic_code=basic_code)
            .values_list("current_version_id", flat=True)
            .first()
        )
        if version_id is None:
            raise not_found
        version = _version_guide_queryset().get(pk=version_id)
        version.public_implementations = list(
            implementations_for_item(item=version.item)
        )
        return version


@extend_schema(
    tags=["catalog"],
    summary="行政区划",
    description="行政区划（GB/T 2260），按代码排序；可按上级区划和层级筛选。",
    parameters=REGION_FILTERS.openapi_parameters() + PAGE_PARAMETERS,
    responses={200: CatalogRegionSerializer(many=True), **error_responses(400, 404)},
)
class RegionListView(_CatalogListView):
    serializer_class = CatalogRegionSerializer
    filters = REGION_FILTERS

    def filtered_queryset(self, *, parent=None, level=None) -> QuerySet:
        qs = region_tree()
        if parent is not None:
            qs = qs.filter(parent=parent)
        if level:
            qs = qs.filter(level=level)
        return qs


@extend_schema(
    tags=["catalog"],
    summary="部门（实施主体）",
    description="有效的部门（实施主体），按区划代码和名称排序；可按区划和部门类别筛选。",
    parameters=DEPARTMENT_FILTERS.openapi_parameters() + PAGE_PARAMETERS,
    responses={
        200: CatalogDepartmentSerializer(many=True),
        **error_responses(400, 404),
    },
)
class DepartmentListView(_CatalogListView):
    serializer_class = CatalogDepartmentSerializer
    filters = DEPARTMENT_FILTERS

    def filtered_queryset(self, *, region=None, kind=None) -> QuerySet:
        qs = Department.objects.filter(is_active=True).select_related(
            "region", "parent"
        )
        if region is not None:
            qs = qs.filter(region=region)
        if kind:
            qs = qs.filter(kind=kind)
        return qs.order_by("region__code", "name", "credit_code")


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@schema(None)
def not_found(request, *args, **kwargs):
    """Any other path under the catalog API: the JSON 404, not Django's HTML page."""
    raise Http404
