"""Signed webhook deliveries to a real HTTP server on 127.0.0.1: the body, the signature (checked
with the README's snippet), retries, the exactly-once ledger, and what a BGI-owned subscription
may receive."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from collaboration.services import recommendation_transition
from delegations.services import visit_transition
from events.models import Event, WebhookDelivery, WebhookSubscription
from events.processing import events_sweep
from events.webhooks import (
    SubscriptionData,
    webhook_delivery_redeliver,
    webhook_send_test,
    webhook_subscription_create,
)
from tests.factories import PriorityAreaFactory, RecommendationFactory, VisitFactory

from .receiver import receiver

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_verifier():
    """The verification snippet exactly as the README documents it."""
    text = README.read_text()
    block = re.search(r"```python\n(.*?def verify_portal_webhook.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(block, namespace)  # noqa: S102 (our own documentation)
    return namespace["verify_portal_webhook"]


def subscribe(owner, url, **kwargs):
    return webhook_subscription_create(
        owner=owner,
        actor=None,
        data=SubscriptionData(
            name="Ministry dashboard", target_url=url, event_types=kwargs.pop("types", []), **kwargs
        ),
    )


def run():
    return events_sweep(older_than=timedelta(0))


def test_a_delivery_is_signed_and_verifies_with_the_readme_snippet(administrator, approver):
    rec = RecommendationFactory(submitted=True)
    with receiver() as hook:
        subscription = subscribe(administrator, hook.url)
        recommendation_transition(recommendation=rec, name="approve", actor=approver)
        run()

    (request,) = hook.requests
    event = Event.objects.get()
    body = json.loads(request.body)
    assert body["id"] == event.pk
    assert body["type"] == "recommendation.approve"
    assert body["occurred_at"] == event.created_at.isoformat()
    assert body["subject"]["type"] == "collaboration.recommendation"
    assert body["subject"]["data"]["id"] == rec.pk
    assert body["subject"]["data"]["status"] == "approved"
    assert request.headers["X-Portal-Event-Id"] == str(event.pk)
    verify = readme_verifier()
    assert verify(subscription.secret, request.headers, request.body) is True
    assert verify("another secret", request.headers, request.body) is False
    assert verify(subscription.secret, request.headers, request.body + b" ") is False


def test_a_500_then_200_delivers_the_same_event_twice_with_two_attempts(
    administrator, approver, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    rec = RecommendationFactory(submitted=True)
    with receiver(script=[500]) as hook:
        subscription = subscribe(administrator, hook.url)
        recommendation_transition(recommendation=rec, name="approve", actor=approver)
        run()
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
            "pending",
            1,
            500,
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        run()

    ids = [json.loads(r.body)["id"] for r in hook.requests]
    assert ids == [delivery.event_id, delivery.event_id]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 2)
    assert list(delivery.attempt_log.values_list("number", "response_code")) == [(1, 500), (2, 200)]
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


def test_a_delivery_failing_past_the_retry_window_fails_and_the_subscription_is_flagged(
    administrator, approver, settings
):
    settings.WEBHOOK_FLAG_AFTER_FAILURES = 1
    rec = RecommendationFactory(submitted=True)
    with receiver(script=[503, 503]) as hook:
        subscription = subscribe(administrator, hook.url)
        recommendation_transition(recommendation=rec, name="approve", actor=approver)
        run()
        # A day later: the next attempt fails too, and another would fall past 24 hours.
        WebhookDelivery.objects.update(
            created_at=timezone.now() - timedelta(hours=24), next_attempt_at=timezone.now()
        )
        run()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert len(hook.requests) == 2
    subscription.refresh_from_db()
    assert subscription.flagged_at is not None


def test_the_ledger_holds_one_delivery_per_subscription_and_event(administrator, approver):
    rec = RecommendationFactory(submitted=True)
    with receiver() as hook:
        subscription = subscribe(administrator, hook.url)
        recommendation_transition(recommendation=rec, name="approve", actor=approver)
        run()
        Event.objects.update(dispatched_at=None)  # as if processed again
        run()

    assert len(hook.requests) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookDelivery.objects.create(subscription=subscription, event=Event.objects.get())


def test_a_bgi_owned_subscription_never_receives_an_internal_event(bgi_liaison, approver, ministry):
    rec = RecommendationFactory(submitted=True)
    internal_visit = VisitFactory()
    shared_visit = VisitFactory(shared=True)
    with receiver() as hook:
        subscribe(bgi_liaison, hook.url)
        recommendation_transition(recommendation=rec, name="approve", actor=approver)
        visit_transition(visit=internal_visit, name="postpone", actor=ministry, comment="Budget.")
        visit_transition(
            visit=shared_visit, name="postpone", actor=ministry, comment="Internal why."
        )
        run()

    (request,) = hook.requests
    body = json.loads(request.body)
    assert body["subject"] == {
        "type": "delegations.visit",
        "id": shared_visit.pk,
        "data": body["subject"]["data"],
    }
    assert "budget" not in json.dumps(body["subject"]["data"]).lower()
    assert body["payload"] == {"transition": "postpone", "from": "proposed", "to": "postponed"}


def test_the_type_and_priority_area_filters_choose_what_is_sent(administrator, approver):
    area = PriorityAreaFactory()
    wanted = RecommendationFactory(submitted=True, priority_areas=[area])
    other = RecommendationFactory(submitted=True)
    with receiver() as hook:
        subscribe(
            administrator, hook.url, types=["recommendation.approve"], priority_area_id=area.pk
        )
        recommendation_transition(recommendation=wanted, name="approve", actor=approver)
        recommendation_transition(recommendation=other, name="approve", actor=approver)
        run()

    assert [json.loads(r.body)["subject"]["id"] for r in hook.requests] == [wanted.pk]


def test_a_test_event_reaches_only_its_subscription(administrator):
    with receiver() as hook, receiver() as other:
        subscription = subscribe(administrator, hook.url)
        subscribe(administrator, other.url)
        webhook_send_test(subscription=subscription, actor=administrator)
        run()

    assert [json.loads(r.body)["type"] for r in hook.requests] == ["webhook.test"]
    assert other.requests == []


def test_redeliver_sends_the_same_event_again(administrator, approver):
    rec = RecommendationFactory(submitted=True)
    with receiver() as hook:
        subscribe(administrator, hook.url)
        recommendation_transition(recommendation=rec, name="approve", actor=approver)
        run()
        delivery = WebhookDelivery.objects.get()
        webhook_delivery_redeliver(delivery=delivery, actor=administrator)
        run()

    assert [json.loads(r.body)["id"] for r in hook.requests] == [delivery.event_id] * 2
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 2)


@pytest.mark.parametrize(
    "url", ["http://example.org/hook", "ftp://example.org/hook", "http://10.0.0.5/hook"]
)
def test_a_target_must_be_https(administrator, settings, url):
    with pytest.raises(ValidationError):
        subscribe(administrator, url)
    assert not WebhookSubscription.objects.exists()


def test_local_http_is_refused_in_production(administrator, settings):
    settings.WEBHOOK_ALLOW_LOCAL_HTTP = False
    settings.DEBUG = False

    with pytest.raises(ValidationError):
        subscribe(administrator, "http://127.0.0.1:9000/hook")


def test_an_unknown_event_type_is_refused(administrator):
    with pytest.raises(ValidationError):
        subscribe(administrator, "https://hooks.example.org/x", types=["recommendation.explode"])
