"""Django field validators wrapping catalog.codes (importable for migrations)."""

from django.core.exceptions import ValidationError

from .codes import (
    CodeError,
    validate_basic_code,
    validate_credit_code,
    validate_region_code,
)


def _run(func, value) -> None:
    try:
        func(value)
    except CodeError as exc:
        raise ValidationError(exc.message, code=exc.code) from exc


def region_code_validator(value: str) -> None:
    _run(validate_region_code, value)


def credit_code_validator(value: str) -> None:
    _run(validate_credit_code, value)


def basic_code_validator(value: str) -> None:
    _run(validate_basic_code, value)
