"""The unified social credit code (统一社会信用代码), GB 32100-2015, and the organisation code inside it (GB 11714)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V or Z
# Position 1: the registering authority (机构编制 1, 民政 5, 工商/市场监管 9, 其他 Y, ...); position 2: the kind.
AUTHORITIES = "123456789ANY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_character(first_17: str) -> str:
    """The 18th character that GB 32100-2015 computes from the first 17."""
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first_17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organisation_check_character(first_8: str) -> str:
    """The 9th character of a GB 11714 organisation code (positions 9-17 of a credit code)."""
    total = sum(int(char, 36) * weight for char, weight in zip(first_8, _ORG_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def build_credit_code(*, division_code: str, organisation_base: str, authority: str = "9", kind: str = "1") -> str:
    """Assemble a valid credit code from its parts: authority, kind, 6-digit division code, 8-char organisation base."""
    organisation_code = organisation_base + organisation_check_character(organisation_base)
    first_17 = f"{authority}{kind}{division_code}{organisation_code}"
    return first_17 + check_character(first_17)


def normalise_credit_code(value: str) -> str:
    """A credit code as typed, in the one form the portal stores and looks up: full-width characters made
    half-width (NFKC: "９１４３" is "9143"), surrounding spaces trimmed, letters upper-cased. Every surface (API,
    staff forms, the import, public and staff searches) reads a code through this, so the stored value is the same
    whatever the surface; what is still wrong after it is refused by `validate_credit_code`."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def validate_credit_code(value: str) -> None:
    """Model/form validator with a specific message for each way a code can be wrong."""
    if len(value) != LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="length",
            params={"length": len(value)},
        )
    bad = sorted({char for char in value if char not in ALPHABET})
    if bad:
        raise ValidationError(
            _(
                "A unified social credit code cannot contain %(chars)s "
                "(use capital letters; I, O, S, V and Z never occur)."
            ),
            code="characters",
            params={"chars": "".join(bad)},
        )
    if value[0] not in AUTHORITIES or not value[1].isdigit() or value[1] == "0":
        raise ValidationError(
            _("Characters 1 and 2 must be a registering authority and an organisation kind (for example 91)."),
            code="authority",
        )
    if not value[2:8].isdigit():
        raise ValidationError(_("Characters 3 to 8 must be the administrative division code."), code="division")
    if not value[8:16].isalnum() or value[16] != organisation_check_character(value[8:16]):
        raise ValidationError(
            _("Characters 9 to 17 are not a valid organisation code: its own check character does not match."),
            code="organisation_code",
        )
    expected = check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("The check character is wrong: it should be %(expected)s, not %(actual)s."),
            code="check_character",
            params={"expected": expected, "actual": value[17]},
        )
