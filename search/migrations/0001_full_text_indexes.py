"""Stored full-text vectors of the two large tables, with GIN indexes (PostgreSQL only).

`search_vector` is a generated column: PostgreSQL computes it from the row on every insert and
update, whatever writes it (the ORM, bulk inserts, a restore), and the models do not declare
it. It holds exactly the weighted vector `search.selectors` would build for the kind (the same
fields, weights and configuration): the search matches it through the index and ranks by it,
instead of computing every row's vector twice per query. tests/search/test_search_indexes.py
fails if the two drift apart. Other databases have no column; the search uses `icontains`
there.
"""

from django.db import migrations

RECOMMENDATION = (
    "setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(rationale, '')), 'C') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(expected_outcomes, '')), 'D') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(official_reference, '')), 'B')"
)
ACTION_ITEM = (
    "setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(description, '')), 'B')"
)
COLUMNS = [
    ("collaboration_recommendation", RECOMMENDATION, "recommendation_search"),
    ("collaboration_actionitem", ACTION_ITEM, "actionitem_search"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, vector, index in COLUMNS:
        schema_editor.execute(
            f'ALTER TABLE "{table}" ADD COLUMN search_vector tsvector '
            f"GENERATED ALWAYS AS ({vector}) STORED"
        )
        schema_editor.execute(
            f'CREATE INDEX "{index}" ON "{table}" USING gin (search_vector) '
            "WHERE archived_at IS NULL"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _vector, index in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index}"')
        schema_editor.execute(f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS search_vector')


class Migration(migrations.Migration):
    dependencies = [("collaboration", "0003_recommendation_recent_index")]

    operations = [migrations.RunPython(create, drop)]
