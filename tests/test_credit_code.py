import pytest
from django.core.exceptions import ValidationError

from core.credit_code import (
    build_credit_code,
    check_character,
    organisation_check_character,
    validate_credit_code,
)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the example code of GB 32100-2015
        "91110000802100433B",
    ],
)
def test_real_codes_pass(code):
    validate_credit_code(code)


def test_check_character_of_the_standard_example():
    assert check_character("91350100M000100Y4") == "3"


def test_organisation_code_check_character():
    # GB 11714: weights 3,7,9,10,5,8,4,2; 10 becomes X and 11 becomes 0.
    assert organisation_check_character("D2143569") == "X"
    assert organisation_check_character("80210043") == "3"


def test_built_codes_are_valid_and_carry_the_division():
    code = build_credit_code(division_code="430602", organisation_base="12345678")
    validate_credit_code(code)
    assert code.startswith("91430602") and len(code) == 18


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100M000100Y4I", "characters"),
        ("91350100m000100Y43", "characters"),
        ("91AB0100M000100Y43", "division"),
        ("AA350100000000000L", "authority"),
        ("90350100M000100Y43", "authority"),
        ("91350100ABCDEFGH0T", "organisation_code"),
        ("91350100M000100Y53", "organisation_code"),
        ("91350100M000100Y44", "check_character"),
    ],
)
def test_bad_codes_fail_with_a_specific_reason(code, error_code):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    assert excinfo.value.code == error_code


def test_the_check_message_names_the_expected_character():
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code("91350100M000100Y44")
    assert "3" in excinfo.value.messages[0]
