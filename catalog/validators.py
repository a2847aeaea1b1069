"""Django field validators wrapping catalog.codes (importable for migrations).

Credit-code and region-code validators are people.validators'.
"""

from people.validators import run_code_check

from .codes import validate_basic_code


def basic_code_validator(value: str) -> None:
    run_code_check(validate_basic_code, value)
