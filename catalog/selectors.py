"""Reads of the catalog that views, the API and other apps use."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from portal.errors import ServiceError
from portal.i18n import has_tibetan

from . import constants as c
from .models import (
    Department,
    Implementation,
    Material,
    ProcessStage,
    Region,
    ServiceItem,
    ServiceItemVersion,
    Variance,
)
from .search import (
    MAX_QUERY_LENGTH,
    MIN_QUERY_LENGTH,
    QueryPlan,
    normalise_query,
    plan_query,
)


def item_public_queryset() -> QuerySet[ServiceItem]:
    """Items with a version in force: what the public catalog shows."""
    return ServiceItem.objects.filter(current_version__isnull=False)


def validate_query(raw: str) -> str:
    """The normalised query, or ServiceError query_too_short / query_too_long."""
    q = normalise_query(raw)
    if len(q) < MIN_QUERY_LENGTH:
        raise ServiceError(
            "query_too_short",
            _("搜索词至少%(min)s个字符") % {"min": MIN_QUERY_LENGTH},
            field="q",
        )
    # A Tibetan syllable is several code points (བསྒྲུབས is 7): twice as many.
    longest = MAX_QUERY_LENGTH * 2 if has_tibetan(q) else MAX_QUERY_LENGTH
    if len(q) > longest:
        raise ServiceError(
            "query_too_long",
            _("搜索词不能超过%(max)s个字符") % {"max": longest},
            field="q",
        )
    return q


def _rank_expression(plan: QueryPlan) -> Case:
    """Relevance of a matched row: exact name or code first, then name prefix,
    name contains, pinyin, initials, code prefix, keywords; other matches last.
    """
    name_has_all = Q()
    for term in plan.terms:
        name_has_all &= Q(name__contains=term)
    exact = Q(name=plan.text)
    if plan.code:
        exact |= Q(basic_code=plan.code)
    whens = [When(exact, then=100)]
    if plan.is_implementation_code:
        whens.append(
            When(
                Exists(
                    Implementation.objects.filter(item=OuterRef("pk"), code=plan.code)
                ),
                then=95,
            )
        )
    whens += [
        When(name__startswith=plan.text, then=80),
        When(name_has_all, then=70),
        When(pinyin=plan.compact, then=65),
        When(pinyin__startswith=plan.compact, then=60),
        When(pinyin__contains=plan.compact, then=50),
        When(initials=plan.compact, then=45),
        When(initials__startswith=plan.compact, then=40),
        When(initials__contains=plan.compact, then=30),
    ]
    if plan.code:
        whens.append(When(basic_code__startswith=plan.code, then=25))
    whens.append(When(keywords__contains=plan.terms[0], then=20))
    return Case(*whens, default=Value(10), output_field=IntegerField())


def item_search(
    *,
    q: str | None = None,
    region: Region | None = None,
    department: Department | None = None,
    item_type: str | None = None,
    theme: str | None = None,
    depth: int | None = None,
    base: QuerySet[ServiceItem] | None = None,
) -> QuerySet[ServiceItem]:
    """Published items matching the filters, best match first.

    The text filter is one LIKE on ``search_text`` per query word (one in
    practice: pinyin typed with spaces is joined); it is trigram-indexed on
    PostgreSQL. Ranking (:func:`_rank_expression`) is computed only over the
    matched rows; ties go to the more popular item (``hot``), then the shorter
    name. Region and department filters are EXISTS subqueries, so an item
    appears once however many implementations it has. ``q`` of 1 or more than
    50 characters raises ServiceError (query_too_short / query_too_long).
    """
    qs = base if base is not None else item_public_queryset()
    if region is not None:
        qs = qs.filter(
            Exists(
                Implementation.objects.filter(item=OuterRef("pk")).filter(
                    Q(region=region) | Q(region__parent=region)
                )
            )
        )
    if department is not None:
        qs = qs.filter(
            Exists(
                Implementation.objects.filter(
                    item=OuterRef("pk"), department=department
                )
            )
            | Q(lead_department=department)
        )
    if item_type:
        qs = qs.filter(item_type=item_type)
    if theme:
        qs = qs.filter(themes__code=theme)
    if depth:
        qs = qs.filter(depth=depth)
    if q is None or q == "":
        return qs.order_by("-hot", "basic_code")
    plan = plan_query(validate_query(q))
    for term in plan.terms:
        qs = qs.filter(search_text__contains=term)
    return qs.annotate(
        rank=_rank_expression(plan), name_length=Length("name")
    ).order_by("-rank", "-hot", "name_length", "basic_code")


def item_get_public(*, basic_code: str) -> ServiceItem:
    item = (
        item_public_queryset()
        .select_related("current_version", "lead_department")
        .filter(basic_code=basic_code)
        .first()
    )
    if item is None:
        raise ServiceError("item_not_found", _("未找到该事项或事项未发布"), status=404)
    return item


def version_guide(*, version: ServiceItemVersion) -> ServiceItemVersion:
    """The version with everything the guide page shows, in a fixed number of queries."""
    return (
        ServiceItemVersion.objects.select_related("item", "item__lead_department")
        .prefetch_related(
            "materials__certificate_type",
            Prefetch(
                "stages",
                queryset=ProcessStage.objects.prefetch_related("steps__department"),
            ),
        )
        .get(pk=version.pk)
    )


def implementations_for_item(*, item: ServiceItem) -> QuerySet[Implementation]:
    return (
        item.implementations.filter(is_active=True)
        .select_related("region", "department", "hall")
        .prefetch_related("variances", "windows", "service_points")
        .order_by("region__code")
    )


@dataclass
class EffectiveGuide:
    """The standard guide as one implementation applies it (variances applied)."""

    version: ServiceItemVersion
    implementation: Implementation
    overrides: dict

    def value(self, field: str):
        if field in self.overrides:
            return self.overrides[field]
        return getattr(self.version, field)


def implementation_guide(*, implementation: Implementation) -> EffectiveGuide:
    version = implementation.item.current_version
    overrides = {v.field: v.local_value for v in implementation.variances.all()}
    return EffectiveGuide(
        version=version, implementation=implementation, overrides=overrides
    )


def variance_report(*, region: Region | None = None) -> QuerySet[Variance]:
    """Every recorded variance, grouped by item, for the catalog office."""
    qs = Variance.objects.select_related(
        "implementation__item",
        "implementation__region",
        "implementation__department",
        "approved_by",
    )
    if region is not None:
        qs = qs.filter(
            Q(implementation__region=region) | Q(implementation__region__parent=region)
        )
    return qs.order_by(
        "implementation__item__basic_code", "implementation__region__code", "field"
    )


def region_tree() -> QuerySet[Region]:
    return Region.objects.select_related("parent").order_by("code")


def counties(*, prefecture_code: str | None = None) -> QuerySet[Region]:
    """The counties of ``prefecture_code`` (default: the prefecture served)."""
    return Region.objects.filter(
        parent__code=prefecture_code or settings.PREFECTURE_CODE,
        level=c.RegionLevel.COUNTY,
    ).order_by("code")


# A published version and its children never change (catalog.models), so
# what one holds can be kept by the process that read it once.
_PUBLISHED_MATERIALS: dict[int, tuple[Material, ...]] = {}
PUBLISHED_MATERIALS_MAX = 2048


def version_materials(*, version: ServiceItemVersion) -> tuple[Material, ...]:
    """The version's materials in order; read once per process when published.

    The Material instances are shared between callers: read them, never
    change them.
    """
    cached = _PUBLISHED_MATERIALS.get(version.pk)
    if cached is not None:
        return cached
    materials = tuple(version.materials.all().order_by("order", "id"))
    if version.status == c.VersionStatus.PUBLISHED:
        if len(_PUBLISHED_MATERIALS) >= PUBLISHED_MATERIALS_MAX:
            _PUBLISHED_MATERIALS.clear()
        _PUBLISHED_MATERIALS[version.pk] = materials
    return materials
