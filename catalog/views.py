"""Public catalog pages: search, guide (HTML, print, PDF) and browsing.

Thin: reads go through catalog.selectors; presentation through catalog.guide.
List pages keep a fixed number of queries whatever the data size (tests).
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.errors import ServiceError
from portal.templatetags.portal_ui import bo_text

from . import constants as c
from .forms import ItemFilterForm
from .guide import Guide, build_guide, depth_text, parties_text, promise_date
from .models import (
    Department,
    IntermediaryAgency,
    IntermediaryService,
    Region,
    ServiceItem,
    Theme,
)
from .pdf import guide_pdf
from .selectors import (
    counties,
    implementations_for_item,
    item_get_public,
    item_public_queryset,
    item_search,
    version_guide,
)

PAGE_SIZE = 20


def paginate(request: HttpRequest, qs, per_page: int = PAGE_SIZE) -> Page:
    """The requested page; bad or out-of-range page numbers give the nearest page."""
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def decorate_items(items) -> list[ServiceItem]:
    """Attach display strings used by the result list (no queries)."""
    items = list(items)
    for item in items:
        item.parties_display = parties_text(item.served_parties)
        item.depth_display = depth_text(item.depth)
    return items


def item_results(qs: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    return qs.select_related("lead_department")


def _page_context(request: HttpRequest, qs) -> dict:
    page = paginate(request, item_results(qs))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "items": decorate_items(page.object_list),
        "count": page.paginator.count,
        "query_string": query.urlencode(),
    }


@require_safe
def item_list(request: HttpRequest) -> HttpResponse:
    """Search and filter the published catalog (/items/?q=&region=&...)."""
    form = ItemFilterForm(request.GET or None)
    filter_keys = ("region", "department", "type", "theme", "depth")
    context: dict = {
        "form": form,
        "searched": bool(request.GET),
        "filters_open": any(request.GET.get(k) for k in filter_keys),
    }
    if form.is_bound and not form.is_valid():
        context.update(page=None, items=[], count=0)
        return render(request, "catalog/item_list.html", context)
    data = form.cleaned_data if form.is_bound else {}
    try:
        qs = item_search(
            q=data.get("q") or None,
            region=data.get("region"),
            department=data.get("department"),
            item_type=data.get("type") or None,
            theme=data["theme"].code if data.get("theme") else None,
            depth=data.get("depth"),
        )
        context.update(_page_context(request, qs))
    except ServiceError as exc:  # validate_query again inside item_search
        form.add_error("q", exc.detail)
        context.update(page=None, items=[], count=0)
    context["active_filters"] = _active_filters(data)
    return render(request, "catalog/item_list.html", context)


def _active_filters(data: dict) -> list[tuple[str, str]]:
    filters = []
    if data.get("q"):
        filters.append((_("关键词"), data["q"]))
    if data.get("region"):
        filters.append((_("区划"), bo_text(data["region"], "name")))
    if data.get("department"):
        filters.append((_("部门"), bo_text(data["department"], "name")))
    if data.get("type"):
        filters.append((_("事项类型"), str(c.ItemType(data["type"]).label)))
    if data.get("theme"):
        filters.append((_("主题"), bo_text(data["theme"], "name")))
    if data.get("depth"):
        filters.append((_("网办深度"), depth_text(data["depth"])))
    return filters


def _guide(basic_code: str) -> Guide:
    try:
        item = item_get_public(basic_code=basic_code[:12])
    except ServiceError as exc:
        raise Http404(exc.detail) from exc
    if item.basic_code != basic_code:
        raise Http404(_("未找到该事项或事项未发布"))
    version = version_guide(version=item.current_version)
    # Reuse the loaded item so implementations see its current version.
    version.item = item
    implementations = list(implementations_for_item(item=item))
    return build_guide(version, implementations)


@require_safe
def item_detail(request: HttpRequest, basic_code: str) -> HttpResponse:
    guide = _guide(basic_code)
    intermediaries = IntermediaryService.objects.filter(items=guide.item)
    last_region = request.session.get(APPLY_REGION, "")
    chosen = next(
        (
            v.code
            for v in guide.implementations
            if v.implementation.region.code == last_region
        ),
        "",
    )
    return render(
        request,
        "catalog/item_detail.html",
        {
            "guide": guide,
            "item": guide.item,
            "intermediaries": intermediaries,
            "apply_choice": chosen,
            "promise": promise_date(guide.version),
        },
    )


# The county (region code) a visitor last applied in: preselected on the next
# guide with several implementations.
APPLY_REGION = "apply_region"


@require_safe
def item_apply(request: HttpRequest, basic_code: str) -> HttpResponse:
    """ "在线申请" on a guide with several implementations: the county chosen
    first (a select on the guide), remembered, then the application form."""
    guide = _guide(basic_code)
    code = (request.GET.get("implementation") or "").strip().upper()
    chosen = next((v for v in guide.implementations if v.code == code), None)
    if chosen is None or not guide.item.is_applicable:
        return redirect(
            reverse("catalog:item_detail", args=[basic_code]) + "#implementations"
        )
    request.session[APPLY_REGION] = chosen.implementation.region.code
    return redirect(reverse("applications:apply", args=[chosen.code]))


@require_safe
def item_print(request: HttpRequest, basic_code: str) -> HttpResponse:
    guide = _guide(basic_code)
    return render(
        request, "catalog/item_print.html", {"guide": guide, "item": guide.item}
    )


@require_safe
def item_pdf(request: HttpRequest, basic_code: str) -> HttpResponse:
    guide = _guide(basic_code)
    data = guide_pdf(guide)
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"{guide.item.basic_code}-{guide.version.name}.pdf"
    response["Content-Disposition"] = (
        f'attachment; filename="guide-{guide.item.basic_code}.pdf"; '
        f"filename*=UTF-8''{quote(filename)}"
    )
    return response


@require_safe
def department_list(request: HttpRequest) -> HttpResponse:
    departments = (
        Department.objects.filter(is_active=True)
        .select_related("region")
        .annotate(
            item_count=Count(
                "implementations__item",
                filter=Q(implementations__item__current_version__isnull=False),
                distinct=True,
            )
        )
        .order_by("region__code", "name")
    )
    return render(request, "catalog/department_list.html", {"departments": departments})


@require_safe
def department_detail(request: HttpRequest, credit_code: str) -> HttpResponse:
    department = (
        Department.objects.select_related("region", "parent")
        .filter(credit_code=credit_code.upper()[:18], is_active=True)
        .first()
    )
    if department is None:
        raise Http404(_("未找到该部门"))
    context = {"department": department}
    context.update(_page_context(request, item_search(department=department)))
    return render(request, "catalog/department_detail.html", context)


def _region_counts() -> QuerySet[Region]:
    published = Q(implementations__item__current_version__isnull=False)
    return Region.objects.annotate(
        item_count=Count("implementations__item", filter=published, distinct=True)
    )


@require_safe
def region_list(request: HttpRequest) -> HttpResponse:
    prefecture = _region_counts().filter(code=settings.PREFECTURE_CODE).first()
    county_list = _region_counts().filter(pk__in=counties().values("pk"))
    return render(
        request,
        "catalog/region_list.html",
        {"prefecture": prefecture, "counties": county_list.order_by("code")},
    )


@require_safe
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = Region.objects.select_related("parent").filter(code=code[:12]).first()
    if region is None:
        raise Http404(_("未找到该区划"))
    context = {
        "region": region,
        "parent_crumb": _parent_crumb(region),
        "halls": region.halls.order_by("name"),
        "townships": region.children.order_by("code"),
    }
    context.update(_page_context(request, item_search(region=region)))
    return render(request, "catalog/region_detail.html", context)


def _parent_crumb(region: Region) -> Region | None:
    """The parent in the breadcrumb, unless the region list already stands for
    it (the prefecture served and its province)."""
    prefecture = settings.PREFECTURE_CODE
    parent = region.parent
    if parent is None or parent.code in (prefecture, prefecture[:2] + "0000"):
        return None
    return parent


@require_safe
def theme_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/theme_list.html", theme_groups())


def theme_groups() -> dict:
    """Themes split into personal life events and enterprise life cycle (1 query)."""
    themes = list(Theme.objects.order_by("audience", "order", "code"))
    return {
        "personal_themes": [
            t for t in themes if t.audience == c.ThemeAudience.PERSONAL
        ],
        "enterprise_themes": [
            t for t in themes if t.audience == c.ThemeAudience.ENTERPRISE
        ],
    }


@require_safe
def theme_detail(request: HttpRequest, code: str) -> HttpResponse:
    theme = Theme.objects.filter(code=code[:40]).first()
    if theme is None:
        raise Http404(_("未找到该主题"))
    context = {"theme": theme}
    context.update(_page_context(request, item_search(theme=theme.code)))
    return render(request, "catalog/theme_detail.html", context)


@require_safe
def type_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/type_list.html", {"types": type_counts()})


def type_counts() -> list[dict]:
    """Every item type with its number of published items (1 query)."""
    counts = dict(
        item_public_queryset()
        .order_by()
        .values_list("item_type")
        .annotate(n=Count("id"))
        .values_list("item_type", "n")
    )
    return [
        {"code": value, "label": label, "count": counts.get(value, 0)}
        for value, label in c.ItemType.choices
    ]


@require_safe
def type_detail(request: HttpRequest, code: str) -> HttpResponse:
    if code not in c.ItemType.values:
        raise Http404(_("未知的事项类型"))
    return redirect(f"{reverse('catalog:item_list')}?type={code}")


@require_safe
def intermediary_list(request: HttpRequest) -> HttpResponse:
    services = IntermediaryService.objects.prefetch_related(
        Prefetch(
            "agencies",
            queryset=IntermediaryAgency.objects.select_related("region").order_by(
                "name"
            ),
        ),
        Prefetch(
            "items",
            queryset=item_public_queryset().order_by("basic_code"),
        ),
    ).order_by("name")
    page = paginate(request, services)
    return render(
        request,
        "catalog/intermediary_list.html",
        {"page": page, "services": page.object_list},
    )
