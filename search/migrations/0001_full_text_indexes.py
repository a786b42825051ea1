"""GIN indexes for full-text search of the two large tables (PostgreSQL only).

Each index is on exactly the weighted vector `search.selectors` builds for the kind (the same
fields, weights and configuration), so PostgreSQL can answer `vector @@ query` from the index
instead of computing the vector of every row. If the selector's vector changes, change the
index with it: tests/search/test_search_indexes.py fails while they differ.
"""

from django.db import migrations


RECOMMENDATION = (
    "(((((setweight(to_tsvector('english'::regconfig, COALESCE(\"title\", '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"summary\", '')), 'B')) || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"body\", '')), 'C')) || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"rationale\", '')), 'C')) || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"expected_outcomes\", '')), 'D')) || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"official_reference\", '')), 'B'))"
)
ACTION_ITEM = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(\"title\", '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"description\", '')), 'B'))"
)
INDEXES = [
    ("recommendation_search", "collaboration_recommendation", RECOMMENDATION),
    ("actionitem_search", "collaboration_actionitem", ACTION_ITEM),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, vector in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (({vector})) '
            "WHERE archived_at IS NULL"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _vector in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("collaboration", "0003_recommendation_recent_index")]

    operations = [migrations.RunPython(create, drop)]
