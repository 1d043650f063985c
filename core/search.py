"""Substring search over Chinese names that an index serves on PostgreSQL: the `contains_text` lookup.

`name__contains_text="岳阳"` finds exactly the rows `name__icontains="岳阳"` finds. On PostgreSQL it adds a
condition a GIN index answers: the name's characters and character pairs (`qs_name_grams(name)`, upper-cased)
contain the term's character pairs (`qs_term_grams(term)`; the one character of a one-character term). A trigram
index cannot serve a term shorter than three characters, and most Chinese searches are two (岳阳, 食品); pairs
serve every length. That condition narrows, and the icontains test decides, so the result is the same row for
row. On any other database (SQLite) the lookup is plain icontains.

A field offers the lookup once its model registers it (`field.register_lookup(ContainsText)`) and a migration
created the GIN index over `qs_name_grams(<column>)` on PostgreSQL (the functions come with the enterprises
migration `perf_name_grams`); register it on an indexed field only, so a search never scans a table unawares."""

from django.db.models import Lookup
from django.db.models.lookups import IContains

NAME_GRAMS = "qs_name_grams"
TERM_GRAMS = "qs_term_grams"


class ContainsText(Lookup):
    """Contains the text, ignoring case: the rows icontains finds, through the name-grams index on PostgreSQL."""

    lookup_name = "contains_text"

    def _icontains(self) -> IContains:
        return IContains(self.lhs, self.rhs)

    def as_sql(self, compiler, connection):
        return compiler.compile(self._icontains())

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self._icontains())
        if not isinstance(self.rhs, str) or not self.rhs:
            return sql, params  # an empty term matches every name, as icontains does
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        # The LIKE stays even where the grams alone would decide (a term of one or two characters): the database
        # then tests the cheap LIKE before splitting a name, should it read names in order rather than through the
        # index, and estimates the matches from both.
        return f"({NAME_GRAMS}({lhs_sql}) @> {TERM_GRAMS}(%s) AND {sql})", (*lhs_params, self.rhs, *params)
