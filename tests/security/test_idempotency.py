"""`Idempotency-Key` on API writes: a retried POST creates the record once."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from collaboration.models import Recommendation
from portal.idempotency import idempotency_keys_expire
from portal.models import IdempotencyKey
from portal.services import api_token_create
from portal.tasks import expire_idempotency_keys
from tests.conftest import require_service
from tests.factories import PriorityAreaFactory

URL = "/api/v1/recommendations/"


def payload(title="A national gene bank"):
    return {"title": title, "body": "Build it at NIH.", "priority_areas": ["gene-bank"]}


@pytest.mark.django_db
def test_a_retried_post_creates_the_record_once_and_replays_the_answer(api_as, team, nih_expert):
    PriorityAreaFactory(slug="gene-bank")
    client = api_as(nih_expert)

    first = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert retry["Location"] == first["Location"]
    assert retry["ETag"] == first["ETag"]
    assert Recommendation.objects.count() == 1


@pytest.mark.django_db
def test_without_a_key_each_post_creates(api_as, team, nih_expert):
    PriorityAreaFactory(slug="gene-bank")
    client = api_as(nih_expert)

    client.post(URL, payload(), format="json")
    client.post(URL, payload("Another"), format="json")

    assert Recommendation.objects.count() == 2


@pytest.mark.django_db
def test_the_same_key_with_a_different_body_is_422(api_as, team, nih_expert):
    PriorityAreaFactory(slug="gene-bank")
    client = api_as(nih_expert)
    client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    response = client.post(URL, payload("Changed"), format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Recommendation.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_one_user(api_as, team, nih_expert, nih_expert2):
    PriorityAreaFactory(slug="gene-bank")

    api_as(nih_expert).post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    other = api_as(nih_expert2).post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="shared")

    assert other.status_code == 201
    assert "Idempotent-Replayed" not in other
    assert Recommendation.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_request_is_replayed_too(api_as, team, nih_expert):
    client = api_as(nih_expert)

    first = client.post(URL, {"title": ""}, format="json", HTTP_IDEMPOTENCY_KEY="bad")
    retry = client.post(URL, {"title": ""}, format="json", HTTP_IDEMPOTENCY_KEY="bad")

    assert first.status_code == retry.status_code == 400
    assert retry["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_a_retry_while_the_first_is_running_is_409(api_as, team, nih_expert):
    client = api_as(nih_expert)
    # The first request has been recorded but has not answered yet.
    IdempotencyKey.objects.create(
        user=nih_expert, key="running", method="POST", path=URL, request_hash="x" * 64
    )

    with mock.patch("portal.idempotency._request_hash", return_value="x" * 64):
        response = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="running")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_in_progress"
    assert Recommendation.objects.count() == 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_once(team, nih_expert):
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    PriorityAreaFactory(slug="gene-bank")
    _token, key = api_token_create(user=nih_expert, name="script", actor=nih_expert)
    workers = 8
    barrier = threading.Barrier(workers)
    statuses: list[int] = []
    lock = threading.Lock()

    def post() -> None:
        from django.db import connections

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        try:
            barrier.wait(timeout=60)
            response = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="race")
            with lock:
                statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(statuses) == workers
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}
    assert Recommendation.objects.count() == 1


@pytest.mark.django_db
def test_keys_expire_after_a_day(nih_expert):
    old = IdempotencyKey.objects.create(
        user=nih_expert, key="old", method="POST", path=URL, request_hash="a" * 64,
        created_at=timezone.now() - timedelta(hours=25),
    )  # fmt: skip
    fresh = IdempotencyKey.objects.create(
        user=nih_expert, key="fresh", method="POST", path=URL, request_hash="b" * 64
    )

    assert idempotency_keys_expire() == 1
    assert expire_idempotency_keys.apply().get() == 0
    assert not IdempotencyKey.objects.filter(pk=old.pk).exists()
    assert IdempotencyKey.objects.filter(pk=fresh.pk).exists()
