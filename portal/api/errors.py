"""One error shape for the whole API: {"code", "detail", "field"?, "errors"?}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.errors import ServiceError

DRF_CODES = {
    "not_authenticated": gettext_lazy("未登录或登录已过期"),
    "authentication_failed": gettext_lazy("身份认证失败"),
    "permission_denied": gettext_lazy("没有权限执行此操作"),
    "not_found": gettext_lazy("未找到"),
    "method_not_allowed": gettext_lazy("不支持该请求方法"),
    "throttled": gettext_lazy("请求过于频繁，请稍后再试"),
    "parse_error": gettext_lazy("请求内容格式错误"),
    "unsupported_media_type": gettext_lazy("不支持的内容类型"),
}


class ApiErrorItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="稳定的机器可读错误代码")
    detail = serializers.CharField(
        help_text="错误说明，用请求的语言（Accept-Language，默认中文）"
    )
    field = serializers.CharField(required=False, help_text="出错的输入项（如有）")


class ApiErrorSerializer(ApiErrorItemSerializer):
    """The body of every error response."""

    errors = ApiErrorItemSerializer(
        many=True, required=False, help_text="同时发现的全部错误（如有多处）"
    )


ERROR_DESCRIPTIONS = {
    400: "请求参数有误",
    401: "未登录或令牌无效",
    403: "没有权限",
    404: "未找到",
    405: "不支持该请求方法",
    429: "请求过于频繁或账户已锁定",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """OpenAPI ``responses`` entries for the given error statuses."""
    return {
        s: OpenApiResponse(ApiErrorSerializer, description=ERROR_DESCRIPTIONS[s])
        for s in statuses
    }


def _flatten(detail, prefix: str = "") -> list[dict]:
    items: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            field = key if key != "non_field_errors" else None
            path = (
                f"{prefix}.{field}" if prefix and field else (field or prefix or None)
            )
            items.extend(_flatten(value, path or ""))
    elif isinstance(detail, list):
        for i, value in enumerate(detail):
            if isinstance(value, dict | list):
                items.extend(_flatten(value, f"{prefix}[{i}]"))
            else:
                items.extend(_flatten(value, prefix))
    else:
        code = getattr(detail, "code", "invalid") or "invalid"
        item = {"code": code, "detail": str(detail)}
        if prefix:
            item["field"] = prefix
        items.append(item)
    return items


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        response = Response(exc.as_dict(), status=exc.status)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        return response
    if isinstance(exc, RecursionError):
        # Python's JSON parser (and json.dumps) give up on bodies nested about
        # a thousand levels deep; no request of ours nests like that.
        return Response(
            {"code": "json_too_deep", "detail": _("请求内容嵌套层级过深")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"code": "request_too_large", "detail": _("请求内容过大")},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        items = _flatten(exc.detail)
        first = items[0] if items else {"code": "invalid", "detail": _("数据无效")}
        body = dict(first)
        if len(items) > 1:
            body = {"code": "invalid", "detail": _("提交的数据有误"), "errors": items}
        else:
            body["errors"] = items
        response.data = body
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = "error"
    detail = DRF_CODES.get(code, exc.detail)
    response.data = {"code": code, "detail": str(detail)}
    return response
