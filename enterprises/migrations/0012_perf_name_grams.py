"""The name-search index (core.search.ContainsText) on PostgreSQL: the functions that split a name and a search term
into upper-cased characters and character pairs, and a GIN index over the enterprise name's. Nothing on SQLite,
where the search stays a plain icontains."""

from django.db import migrations

FUNCTIONS = [
    r"""
CREATE OR REPLACE FUNCTION qs_name_grams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(u, i, n)), '{}'::text[])
    FROM (SELECT upper(value) AS u) AS upper_cased,
        LATERAL (VALUES (1), (2)) AS width (n),
        LATERAL generate_series(1, char_length(u) - n + 1) AS i
$$""",
    """COMMENT ON FUNCTION qs_name_grams(text) IS
    'The characters and character pairs of the upper-cased text: what a GIN index of names holds (core.search)'""",
    r"""
CREATE OR REPLACE FUNCTION qs_term_grams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN char_length(u) < 2 THEN ARRAY[u]
        ELSE ARRAY(SELECT DISTINCT substr(u, i, 2) FROM generate_series(1, char_length(u) - 1) AS i)
    END
    FROM (SELECT upper(value) AS u) AS upper_cased
$$""",
    """COMMENT ON FUNCTION qs_term_grams(text) IS
    'The character pairs of the upper-cased search term (its one character if it has one): what a name holding the '
    'term must hold (core.search)'""",
]
DROP_FUNCTIONS = ["DROP FUNCTION IF EXISTS qs_term_grams(text)", "DROP FUNCTION IF EXISTS qs_name_grams(text)"]
INDEX = "CREATE INDEX IF NOT EXISTS enterprise_name_grams ON enterprises_enterprise USING gin (qs_name_grams(name))"
DROP_INDEX = "DROP INDEX IF EXISTS enterprise_name_grams"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FUNCTIONS:
            schema_editor.execute(statement)
        schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)
        for statement in DROP_FUNCTIONS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0011_standard_catalogue")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
