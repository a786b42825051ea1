"""The events feed and the webhook subscriptions through the API."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from collaboration.services import recommendation_transition
from delegations.services import visit_transition
from events.models import Event, WebhookDelivery, WebhookSubscription
from tests.factories import RecommendationFactory, VisitFactory

pytestmark = pytest.mark.django_db

FEED = reverse("api:event-list")
HOOKS = reverse("api:webhook-list")


def test_the_feed_lists_only_what_the_caller_may_see(api_as, approver, ministry, bgi_liaison):
    rec = RecommendationFactory(submitted=True)
    shared = VisitFactory(shared=True)
    recommendation_transition(recommendation=rec, name="approve", actor=approver)
    visit_transition(visit=shared, name="postpone", actor=ministry, comment="Internal reason.")

    internal = api_as(ministry).get(FEED).json()
    bgi = api_as(bgi_liaison).get(FEED).json()

    assert [e["type"] for e in internal["results"]] == ["recommendation.approve", "visit.postpone"]
    assert internal["results"][1]["payload"]["comment"] == "Internal reason."
    assert internal["results"][0]["actor"] == approver.display_name
    (event,) = bgi["results"]
    assert event["subject"] == {"type": "delegations.visit", "id": shared.pk}
    assert event["payload"] == {"transition": "postpone", "from": "proposed", "to": "postponed"}
    assert event["actor"] is None


def test_the_feed_is_cursor_paginated_oldest_first(api_as, ministry, django_assert_max_num_queries):
    for _ in range(3):
        visit_transition(visit=VisitFactory(), name="postpone", actor=ministry, comment="Later.")
    client = api_as(ministry)

    with django_assert_max_num_queries(12):
        first = client.get(FEED, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    ids = [e["id"] for e in first["results"] + second["results"]]
    assert ids == sorted(ids)
    assert len(ids) == 3
    assert second["next"] is None


def test_since_starts_the_feed_later(api_as, ministry):
    visit_transition(visit=VisitFactory(), name="postpone", actor=ministry, comment="Later.")
    Event.objects.update(created_at=timezone.now() - timedelta(days=2))
    visit_transition(visit=VisitFactory(), name="postpone", actor=ministry, comment="Later.")
    since = (timezone.now() - timedelta(days=1)).isoformat()

    body = api_as(ministry).get(FEED, {"since": since}).json()

    assert len(body["results"]) == 1


@pytest.mark.parametrize("since", ["yesterday", "2026-12-01T10:00:00", ""])
def test_since_must_be_a_moment_with_its_zone(api_as, ministry, since):
    response = api_as(ministry).get(FEED, {"since": since})

    assert response.status_code == 400
    assert "since" in response.json()["error"]["fields"]


def test_an_administrator_registers_a_subscription_and_sees_its_secret_once(api_as, administrator):
    client = api_as(administrator)

    created = client.post(
        HOOKS,
        {
            "name": "Dashboard",
            "target_url": "https://hooks.example.org/p",
            "event_types": ["recommendation.approve"],
        },
        format="json",
    )
    listed = client.get(HOOKS).json()

    assert created.status_code == 201
    assert created.json()["secret"] == WebhookSubscription.objects.get().secret
    assert "secret" not in listed["results"][0]


def test_a_plain_http_target_is_refused_with_a_field_error(api_as, administrator, settings):
    settings.WEBHOOK_ALLOW_LOCAL_HTTP = False

    response = api_as(administrator).post(
        HOOKS, {"name": "X", "target_url": "http://127.0.0.1:9000/x"}, format="json"
    )

    assert response.status_code == 400
    assert "target_url" in response.json()["error"]["fields"]
    assert not WebhookSubscription.objects.exists()


def test_an_api_client_needs_the_permission(api_as, api_client):
    client = api_as(api_client)
    body = {"name": "Dashboard", "target_url": "https://hooks.example.org/p"}
    assert client.post(HOOKS, body, format="json").status_code == 403

    api_client.user_permissions.add(Permission.objects.get(codename="add_webhooksubscription"))
    response = client.post(HOOKS, body, format="json")

    assert response.status_code == 201
    assert WebhookSubscription.objects.get().owner == api_client


def test_the_delivery_log_test_event_and_redeliver(api_as, administrator, approver):
    client = api_as(administrator)
    hook = client.post(
        HOOKS, {"name": "D", "target_url": "https://hooks.example.org/p"}, format="json"
    ).json()
    rec = RecommendationFactory(submitted=True)
    recommendation_transition(recommendation=rec, name="approve", actor=approver)
    from events.processing import event_process

    event_process(event_id=Event.objects.get().pk)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=3)

    log = client.get(reverse("api:webhook-deliveries", args=[hook["id"]])).json()
    again = client.post(reverse("api:webhook-redeliver", args=[hook["id"], delivery.pk]))
    twice = client.post(reverse("api:webhook-redeliver", args=[hook["id"], delivery.pk]))
    test = client.post(reverse("api:webhook-send-test", args=[hook["id"]]))

    assert log["results"][0]["event_type"] == "recommendation.approve"
    assert log["results"][0]["status"] == "failed"
    assert again.status_code == 202
    assert again.json()["status"] == "pending"
    assert twice.status_code == 409
    assert test.status_code == 202
    assert Event.objects.get(pk=test.json()["event"]).type == "webhook.test"


def test_the_schema_documents_the_feed_and_webhooks(api_as, ministry):
    schema = api_as(ministry).get(
        reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )

    paths = schema.json()["paths"]
    assert "/api/v1/events/" in paths
    assert {p["name"] for p in paths["/api/v1/events/"]["get"]["parameters"]} >= {"since", "cursor"}
    assert "/api/v1/webhooks/{id}/deliveries/" in paths


@pytest.mark.parametrize("params", [{"page_size": "0"}, {"page_size": "500"}, {"page_size": "x"}])
def test_the_feed_refuses_a_page_size_outside_1_to_200(api_as, ministry, params):
    assert api_as(ministry).get(FEED, params).status_code == 400


def test_a_made_up_cursor_is_404(api_as, ministry):
    assert api_as(ministry).get(FEED, {"cursor": "bz1hYmM="}).status_code == 404
