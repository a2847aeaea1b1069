"""Django field validators wrapping people.codes (importable for migrations)."""

from django.core.exceptions import ValidationError

from .codes import CodeError, validate_credit_code, validate_region_code


def run_code_check(func, value) -> None:
    """Run one people/catalog code check as a Django validator."""
    try:
        func(value)
    except CodeError as exc:
        raise ValidationError(exc.message, code=exc.code) from exc


def region_code_validator(value: str) -> None:
    run_code_check(validate_region_code, value)


def credit_code_validator(value: str) -> None:
    run_code_check(validate_credit_code, value)
