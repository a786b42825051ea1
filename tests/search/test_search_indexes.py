"""PostgreSQL answers the full-text match of the large tables from their GIN indexes: the
indexes (search/migrations/0001) are on exactly the vectors the search builds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import selectors
from tests.factories import ActionItemFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "index", "factory"),
    [
        ("recommendation", "recommendation_search", RecommendationFactory),
        ("action-item", "actionitem_search", ActionItemFactory),
    ],
)
def test_the_search_matches_the_stored_vector_its_gin_index_covers(ministry, kind, index, factory):
    if connection.vendor != "postgresql":
        pytest.skip("stored vectors exist on PostgreSQL only")
    factory(title="Zebrafish models of thalassemia")
    with CaptureQueriesContext(connection) as captured:
        results = selectors.search(viewer=ministry, query="zebrafish", kind=kind)
    sql = captured.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        (definition,) = cursor.fetchone()

    assert results.kinds[0].total == 1
    assert "USING gin (search_vector) WHERE (archived_at IS NULL)" in definition
    assert ".search_vector) @@" in sql  # the indexed column, not a vector computed per row
    assert '"archived_at" IS NULL' in sql  # so the partial index applies
    assert "to_tsvector" not in sql.split("FROM")[1]  # nothing computed for every row


@pytest.mark.parametrize(
    ("kind", "record"),
    [
        (
            "recommendation",
            lambda: RecommendationFactory(
                title="Carrier screening",
                summary="Premarital testing",
                body="Counselling couples",
                rationale="Prevention works",
                expected_outcomes="Fewer births with thalassemia major",
                official_reference="MoNHSR&C-2026-17",
            ),
        ),
        (
            "action-item",
            lambda: ActionItemFactory(title="Send samples", description="Courier to Shenzhen"),
        ),
    ],
)
def test_the_stored_vector_is_the_one_the_search_builds(ministry, kind, record):
    if connection.vendor != "postgresql":
        pytest.skip("stored vectors exist on PostgreSQL only")
    row = record()
    model = type(row)
    source = selectors._SOURCES[kind](ministry)

    built = (
        model.objects.filter(pk=row.pk)
        .annotate(built=selectors.weighted_vector(source.weighted))
        .values_list("built", flat=True)
        .get()
    )
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        cursor.execute(f"SELECT search_vector FROM {table} WHERE id = %s", [row.pk])  # noqa: S608
        (stored,) = cursor.fetchone()

    title_or_text = {"recommendation": "'carrier':1A", "action-item": "'courier':3B"}[kind]
    assert title_or_text in built  # a word of the record, with its weight
    assert stored == built
