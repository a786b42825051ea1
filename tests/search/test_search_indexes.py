"""PostgreSQL answers the full-text match of the large tables from their GIN indexes: the
indexes (search/migrations/0001) are on exactly the vectors the search builds."""

from copy import copy

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
def test_the_search_query_uses_the_kinds_full_text_index(ministry, kind, index, factory):
    if connection.vendor != "postgresql":
        pytest.skip("full-text indexes exist on PostgreSQL only")
    template = factory(title="Carrier screening")
    rows = []
    for number in range(3000):  # enough rows that scanning them all costs more than the index
        template.pk = None
        template.title = f"Routine item {number}"
        rows.append(copy(template))
    type(template).objects.bulk_create(rows)
    factory(title="Zebrafish models of thalassemia")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {type(template)._meta.db_table}")
    with CaptureQueriesContext(connection) as captured:
        results = selectors.search(viewer=ministry, query="zebrafish", kind=kind)
    assert results.kinds[0].total == 1

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + captured.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert f"Bitmap Index Scan on {index}" in plan, plan
