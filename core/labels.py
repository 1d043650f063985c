"""Words users read instead of codes: one label per audit action, grade-history cause, job name or event kind, and
one way of writing a quarter (2026年第3季度).

Each app registers the labels of the codes it writes (`label_register("audit", {"campaign.approve": _("…")})`)
from its AppConfig.ready; pages show `code_label(kind, code)` (the `code_label` template filter), which falls back
to the code itself, so a code nobody labelled stays visible rather than blank."""

from django.utils.translation import gettext

_LABELS: dict[str, dict[str, object]] = {}


def label_register(kind: str, labels: dict) -> None:
    """Add labels for codes of `kind` ("audit", "event", "job", "grade_cause"); a later registration wins."""
    _LABELS.setdefault(kind, {}).update(labels)


def code_label(kind: str, code: str) -> str:
    label = _LABELS.get(kind, {}).get(code)
    return str(label) if label is not None else code


def quarter_label(year: int, quarter: int) -> str:
    """A quarter as users read it, the same everywhere: 2026年第3季度 (2026 Q3 in English)."""
    return gettext("%(year)d Q%(quarter)d") % {"year": year, "quarter": quarter}
