"""The unified social credit code check now lives in core.credit_code (core's forms validate codes and core may not
import enterprises). This module keeps the old import path that the migrations and the model field name."""

from core.credit_code import (
    ALPHABET,
    AUTHORITIES,
    LENGTH,
    WEIGHTS,
    build_credit_code,
    check_character,
    organisation_check_character,
    validate_credit_code,
)

__all__ = [
    "ALPHABET",
    "AUTHORITIES",
    "LENGTH",
    "WEIGHTS",
    "build_credit_code",
    "check_character",
    "organisation_check_character",
    "validate_credit_code",
]
