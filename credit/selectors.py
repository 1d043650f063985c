"""Reads over credit grades, for the other apps (the spot-check draw weighs enterprises by grade)."""

from collections.abc import Iterable


def current_grades(enterprise_ids: Iterable[int]) -> dict[int, str]:
    """The current credit grade ("A", "B" or "C") of each of these enterprises that has one.

    Grading arrives with the credit model; until an enterprise has been graded it has no entry here, and the draw
    weighs it like a grade-B enterprise (all weights equal)."""
    return {}
