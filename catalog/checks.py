"""System checks of the catalog's settings (``manage.py check``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from people.codes import CodeError, region_level, validate_region_code


@register()
def prefecture_code_check(app_configs=None, **kwargs) -> list[Error]:
    """PREFECTURE_CODE must be a GB/T 2260 prefecture code (``513300``)."""
    code = settings.PREFECTURE_CODE
    hint = "Set PREFECTURE_CODE to the 6-digit prefecture code, e.g. 513300."
    try:
        validate_region_code(code)
    except CodeError as exc:
        return [
            Error(
                f"PREFECTURE_CODE {code!r} is not a region code ({exc.code}).",
                hint=hint,
                id="catalog.E001",
            )
        ]
    if region_level(code) != "prefecture":
        return [
            Error(
                f"PREFECTURE_CODE {code!r} is a {region_level(code)} code, "
                "not a prefecture's.",
                hint=hint,
                id="catalog.E002",
            )
        ]
    return []
