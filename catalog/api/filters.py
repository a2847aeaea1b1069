"""Query parameters of the catalog API: parsed strictly, each with its error code.

One declaration per parameter feeds both the parsing and the OpenAPI
description, so the two cannot drift. An unknown parameter is an error
(``unknown_filter``): a misspelt filter silently ignored would hand a client the
whole catalog while it believes it filtered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from catalog import constants as c
from catalog.models import Department, Region, Theme
from catalog.search import MAX_QUERY_LENGTH
from portal.api.pagination import PAGE_PARAMS
from portal.errors import ErrorItem, ServiceError

# Accepted on every list endpoint besides its own filters.
COMMON_PARAMS = PAGE_PARAMS | {"format"}

_MAX_ECHO = 30


def _echo(value: str) -> str:
    """The user's value, shortened for quoting it back in a message."""
    return value if len(value) <= _MAX_ECHO else value[:_MAX_ECHO] + "…"


def _region(value: str, name: str) -> Region:
    region = None
    if value.isascii() and value.isdigit() and len(value) <= 12:
        region = Region.objects.filter(code=value).first()
    if region is None:
        raise ServiceError(
            "unknown_region",
            _("未找到行政区划代码：%(value)s") % {"value": _echo(value)},
            field=name,
        )
    return region


def _department(value: str, name: str) -> Department:
    code = value.upper()
    department = None
    if code.isascii() and code.isalnum() and len(code) == 18:
        department = Department.objects.filter(credit_code=code).first()
    if department is None:
        raise ServiceError(
            "unknown_department",
            _("未找到统一社会信用代码为 %(value)s 的部门") % {"value": _echo(value)},
            field=name,
        )
    return department


def _item_type(value: str, name: str) -> str:
    if value not in c.ItemType.values:
        raise ServiceError(
            "invalid_type",
            _("事项类型代码无效：%(value)s（可选 %(choices)s）")
            % {"value": _echo(value), "choices": "、".join(c.ItemType.values)},
            field=name,
        )
    return value


def _theme(value: str, name: str) -> str:
    if len(value) > 40 or not Theme.objects.filter(code=value).exists():
        raise ServiceError(
            "unknown_theme",
            _("未找到主题：%(value)s") % {"value": _echo(value)},
            field=name,
        )
    return value


def _depth(value: str, name: str) -> int:
    if value not in {str(v) for v in c.OnlineDepth.values}:
        raise ServiceError(
            "invalid_depth", _("网上办理深度应为1到4之间的整数"), field=name
        )
    return int(value)


def _region_level(value: str, name: str) -> str:
    if value not in c.RegionLevel.values:
        raise ServiceError(
            "invalid_level",
            _("区划层级无效：%(value)s（可选 %(choices)s）")
            % {"value": _echo(value), "choices": "、".join(c.RegionLevel.values)},
            field=name,
        )
    return value


def _text(value: str, name: str) -> str:
    return value


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    parse: Callable[[str, str], Any]
    target: str = ""  # keyword the parsed value is handed on as; name if empty
    type: Any = OpenApiTypes.STR
    enum: tuple | None = None

    @property
    def key(self) -> str:
        return self.target or self.name


@dataclass(frozen=True)
class ParamSet:
    params: tuple[Param, ...]
    extra: frozenset[str] = field(default=COMMON_PARAMS)

    def parse(self, query: Mapping[str, str]) -> dict[str, Any]:
        """Parsed values of the given parameters keyed by target; empty ones omitted.

        Raises ServiceError: ``unknown_filter`` (every unknown name listed),
        ``invalid_character`` or the parameter's own code.
        """
        known = {p.name: p for p in self.params}
        unknown = [k for k in query if k not in known and k not in self.extra]
        if unknown:
            items = [
                ErrorItem(
                    "unknown_filter",
                    _("不支持的查询参数：%(param)s") % {"param": _echo(k)},
                    k,
                )
                for k in unknown
            ]
            allowed = "、".join([*known, *sorted(self.extra - {"format"})])
            raise ServiceError(
                "unknown_filter",
                _("不支持的查询参数：%(params)s（可用参数：%(allowed)s）")
                % {"params": "、".join(_echo(k) for k in unknown), "allowed": allowed},
                field=unknown[0],
                errors=items if len(items) > 1 else None,
            )
        for key in query:
            # PostgreSQL rejects NUL in text; refuse it before it reaches a query.
            if "\x00" in key or "\x00" in (query.get(key) or ""):
                raise ServiceError(
                    "invalid_character",
                    _("查询参数 %(key)s 含有不允许的字符") % {"key": key},
                    field=key,
                )
        values: dict[str, Any] = {}
        for param in self.params:
            raw = (query.get(param.name) or "").strip()
            if raw:
                values[param.key] = param.parse(raw, param.name)
        return values

    def openapi_parameters(self) -> list[OpenApiParameter]:
        return [
            OpenApiParameter(
                p.name,
                p.type,
                OpenApiParameter.QUERY,
                description=p.description,
                enum=list(p.enum) if p.enum else None,
            )
            for p in self.params
        ]


ITEM_FILTERS = ParamSet(
    (
        Param(
            "q",
            f"检索词：事项名称（中文）、全拼、拼音首字母、基本编码或实施编码，"
            f"2到{MAX_QUERY_LENGTH}个字符；按匹配程度排序",
            _text,
        ),
        Param(
            "region",
            "行政区划代码：在该区划或其下级区划实施的事项",
            _region,
        ),
        Param(
            "department",
            "部门统一社会信用代码：该部门实施或主管的事项",
            _department,
        ),
        Param(
            "type",
            "事项类型代码",
            _item_type,
            target="item_type",
            enum=tuple(c.ItemType.values),
        ),
        Param("theme", "主题代码", _theme),
        Param(
            "depth",
            "网上办理深度（1–4）",
            _depth,
            type=OpenApiTypes.INT,
            enum=tuple(c.OnlineDepth.values),
        ),
    )
)

REGION_FILTERS = ParamSet(
    (
        Param("parent", "上级行政区划代码：只列其直接下级", _region),
        Param(
            "level",
            "区划层级",
            _region_level,
            enum=tuple(c.RegionLevel.values),
        ),
    )
)

DEPARTMENT_FILTERS = ParamSet(
    (
        Param("region", "所属行政区划代码", _region),
        Param("kind", "部门类别，如 市场监管、公安、税务", _text),
    )
)
