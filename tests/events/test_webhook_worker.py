"""Real Celery workers on Redis deliver signed webhooks to a real HTTP server on 127.0.0.1, and
a worker killed in the middle of a delivery loses nothing."""

import json
import os
import signal
import time

import pytest
from django.conf import settings
from django.db import connection

from collaboration.services import recommendation_transition
from events.models import WebhookDelivery
from events.webhooks import SubscriptionData, webhook_subscription_create
from portal.models import Notification
from tests.celery_helpers import client_app, purge_queue
from tests.conftest import require_service
from tests.factories import RecommendationFactory
from tests.reminders.worker import worker_process

from .receiver import receiver
from .test_webhooks import readme_verifier

pytestmark = [
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker_env(tmp_path):
    redis_url = os.environ.get("REDIS_URL", "")
    require_service(bool(redis_url), "Redis (REDIS_URL)")
    broker = os.environ.get("CELERY_BROKER_URL") or redis_url
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": os.environ.get("CELERY_RESULT_BACKEND") or broker,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TEST_EMAIL_URL": f"filemail:///{tmp_path}",
        # A task whose worker died comes back after 3 s.
        "CELERY_VISIBILITY_TIMEOUT": "3",
    }
    app = client_app(env)
    app.control.purge()
    yield env
    app.control.purge()
    app.close()


def wait_for(predicate, *, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def subscribe(owner, url):
    return webhook_subscription_create(
        owner=owner,
        actor=None,
        data=SubscriptionData(name="Dashboard", target_url=url, event_types=[]),
    )


def test_a_worker_delivers_a_signed_event_after_commit(worker_env, persona):
    approver, expert = persona("approver"), persona("nih_expert")
    administrator = persona("administrator")
    rec = RecommendationFactory(submitted=True, authors=[expert])

    purge_queue(worker_env)
    with receiver() as hook, worker_process(worker_env, "events"):
        subscription = subscribe(administrator, hook.url)
        recommendation_transition(recommendation=rec, name="approve", actor=approver)  # commits
        wait_for(lambda: hook.requests, what="the webhook")
        wait_for(
            lambda: WebhookDelivery.objects.filter(status="succeeded").exists(),
            what="the ledger to record it",
        )

    (request,) = hook.requests
    assert json.loads(request.body)["type"] == "recommendation.approve"
    assert readme_verifier()(subscription.secret, request.headers, request.body) is True
    assert Notification.objects.filter(recipient=expert).count() == 1


def test_a_worker_killed_mid_delivery_loses_nothing(worker_env, persona):
    approver, administrator = persona("approver"), persona("administrator")
    rec = RecommendationFactory(submitted=True)

    purge_queue(worker_env)
    with receiver(hold_first=True) as hook:
        subscription = subscribe(administrator, hook.url)
        with worker_process(worker_env, "doomed") as doomed:
            recommendation_transition(recommendation=rec, name="approve", actor=approver)
            assert hook.holding.wait(timeout=60), "the first POST never came"
            doomed.send_signal(signal.SIGKILL)
            doomed.wait(timeout=10)
        hook.release.set()

        delivery = WebhookDelivery.objects.get(subscription=subscription)
        assert (delivery.status, delivery.attempts) == ("pending", 0)  # the attempt rolled back

        with worker_process(worker_env, "successor"):
            wait_for(
                lambda: WebhookDelivery.objects.filter(status="succeeded").exists(),
                what="the redelivered task to deliver",
            )

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
    # At least once on the wire: the receiver saw the event twice, with the same id.
    ids = {json.loads(r.body)["id"] for r in hook.requests}
    assert ids == {delivery.event_id}
    assert len(hook.requests) == 2
