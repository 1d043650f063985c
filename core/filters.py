"""Filter pieces shared by every app's FilterSets."""

import django_filters
from django import forms

MAX_ID = 2**63 - 1  # a primary key is a signed 64-bit integer; anything larger is a 400, not a database error


class IdFilter(django_filters.NumberFilter):
    """A primary key, as a whole number. Related rows are filtered by id, not by a choice over their table: a
    filter must not tell a user which ids exist beyond those they may see (a choice filter would answer "invalid
    choice" for one and nothing for another)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
