"""Substring search over Chinese names that an index serves on PostgreSQL: the `contains_text` lookup.

`name__contains_text="岳阳"` finds exactly the rows `name__icontains="岳阳"` finds. On PostgreSQL it adds a
condition a GIN index answers: the name's characters and character pairs (`qs_name_grams(name)`, upper-cased)
contain the term's character pairs (`qs_term_grams(term)`; the one character of a one-character term). A trigram
index cannot serve a term shorter than three characters, and most Chinese searches are two (岳阳, 食品); pairs
serve every length. For a term of one or two characters that condition is the whole test; for a longer one it
narrows, and the icontains test decides, so the result is the same row for row. On any other database (SQLite)
the lookup is plain icontains.

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
        # A term of one or two characters (upper-cased) is in the name exactly when it is one of the name's grams:
        # the database folds `char_length(upper(term)) <= 2` to true and drops the LIKE, so the index alone answers
        # (a count reads no table row). A longer term's pairs only narrow, and LIKE decides.
        return (
            f"({NAME_GRAMS}({lhs_sql}) @> {TERM_GRAMS}(%s) AND (char_length(upper(%s)) <= 2 OR {sql}))",
            (*lhs_params, self.rhs, self.rhs, *params),
        )
