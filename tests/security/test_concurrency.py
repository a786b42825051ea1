"""Writes to versioned records need If-Match (428 without, 412 when stale), checked again under
a row lock: 50 simultaneous updates with the same ETag give exactly one success."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from collaboration.models import Recommendation
from portal.services import api_token_create
from tests.conftest import require_service
from tests.factories import PriorityAreaFactory, RecommendationFactory


def detail_url(recommendation):
    return reverse("api:recommendation-detail", args=[recommendation.pk])


@pytest.mark.django_db
def test_update_without_if_match_is_428_and_with_a_stale_etag_is_412(api_as, team, nih_expert):
    recommendation = RecommendationFactory(
        authors=[nih_expert], priority_areas=[PriorityAreaFactory()]
    )
    client = api_as(nih_expert)

    missing = client.patch(detail_url(recommendation), {"title": "A"})
    stale = client.patch(detail_url(recommendation), {"title": "B"}, HTTP_IF_MATCH='"7"')

    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "precondition_required"
    assert stale.status_code == 412
    assert stale["ETag"] == '"1"'
    recommendation.refresh_from_db()
    assert (recommendation.version, recommendation.title) == (1, recommendation.title)
    assert recommendation.title not in {"A", "B"}


@pytest.mark.django_db
def test_transition_without_if_match_is_428(api_as, team, nih_expert):
    recommendation = RecommendationFactory(
        authors=[nih_expert], priority_areas=[PriorityAreaFactory()]
    )

    response = api_as(nih_expert).post(
        reverse("api:recommendation-transitions", args=[recommendation.pk]),
        {"transition": "submit"},
    )

    assert response.status_code == 428


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_updates_with_one_etag_give_one_success_and_49_412(team, nih_expert):
    require_service(connection.vendor == "postgresql", "PostgreSQL (row locks)")
    recommendation = RecommendationFactory(
        title="Original", authors=[nih_expert], priority_areas=[PriorityAreaFactory()]
    )
    keys = [api_token_create(user=nih_expert, name=f"t{i}", actor=nih_expert)[1] for i in range(5)]
    url = detail_url(recommendation)
    workers = 50
    barrier = threading.Barrier(workers)
    statuses: list[int] = []
    lock = threading.Lock()

    def update(i: int) -> None:
        from django.db import connections

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {keys[i % len(keys)]}")
        try:
            barrier.wait(timeout=60)
            response = client.patch(
                url, {"title": f"Edit {i}", "note": "Title"}, HTTP_IF_MATCH='"1"'
            )
            with lock:
                statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=update, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(statuses) == workers
    assert sorted(statuses) == [200] + [412] * (workers - 1)
    recommendation = Recommendation.objects.get(pk=recommendation.pk)
    assert recommendation.version == 2
    assert recommendation.title.startswith("Edit ")
    assert recommendation.versions.count() == 2
