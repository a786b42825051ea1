"""Webhooks: subscriptions, the signed body, and the delivery ledger with its retries.

Every event a subscription wants (type, priority area) and its owner may see gets one
`WebhookDelivery` row (unique per subscription and event: exactly once in the ledger). A row is
sent by whoever locks it first (`SELECT … FOR UPDATE SKIP LOCKED`); a failed attempt (no answer,
or not 2xx) is tried again with exponential back-off and jitter until WEBHOOK_RETRY_HOURS after
the event, then the row is failed. Receivers may get an event more than once on the wire (a
worker killed after the POST): the event id lets them drop duplicates.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import policies as roles
from portal.exceptions import Conflict

from . import registry
from .models import Event, WebhookAttempt, WebhookDelivery, WebhookSubscription
from .notify import can_see, subject_of
from .outbox import emit

logger = logging.getLogger(__name__)

TEST_EVENT = "webhook.test"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


# --- settings -------------------------------------------------------------------------------------


def retry_hours() -> float:
    return float(getattr(settings, "WEBHOOK_RETRY_HOURS", 24))


def retry_base_seconds() -> float:
    return float(getattr(settings, "WEBHOOK_RETRY_BASE_SECONDS", 30))


def flag_after() -> int:
    return int(getattr(settings, "WEBHOOK_FLAG_AFTER_FAILURES", 10))


def timeout_seconds() -> float:
    return float(getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10))


# --- rules ----------------------------------------------------------------------------------------


def can_manage_webhooks(user: Any) -> bool:
    """Administrators, and API clients given the permission `events.add_webhooksubscription`."""
    if not getattr(user, "is_authenticated", False):
        return False
    return roles.is_administrator(user) or bool(user.has_perm("events.add_webhooksubscription"))


def subscriptions_visible_to(user: Any) -> Any:
    """Administrators see every subscription; others their own."""
    if roles.is_administrator(user):
        return WebhookSubscription.objects.all()
    if can_manage_webhooks(user):
        return WebhookSubscription.objects.filter(owner=user)
    return WebhookSubscription.objects.none()


def validate_target_url(url: str) -> None:
    """https only; plain http to this machine only when DEBUG or WEBHOOK_ALLOW_LOCAL_HTTP."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    local_ok = settings.DEBUG or getattr(settings, "WEBHOOK_ALLOW_LOCAL_HTTP", False)
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS and local_ok:
        return
    raise ValidationError({"target_url": _("Give an https:// address.")})


def validate_event_types(types: list[str]) -> None:
    known = {t.code for t in registry.event_types()} | {TEST_EVENT}
    unknown = sorted(set(types) - known)
    if unknown:
        raise ValidationError(
            {"event_types": _("Unknown event types: %(types)s") % {"types": ", ".join(unknown)}}
        )


@dataclass(frozen=True)
class SubscriptionData:
    name: str
    target_url: str
    event_types: list[str]
    priority_area_id: int | None = None
    is_active: bool = True


@transaction.atomic
def webhook_subscription_create(
    *, owner: Any, actor: Any, data: SubscriptionData
) -> WebhookSubscription:
    """Register a subscription; its secret is generated here and shown once."""
    if actor is not None and not can_manage_webhooks(actor):
        raise PermissionDenied
    validate_target_url(data.target_url)
    validate_event_types(data.event_types)
    subscription = WebhookSubscription(
        owner=owner,
        name=data.name,
        target_url=data.target_url,
        event_types=sorted(set(data.event_types)),
        priority_area_id=data.priority_area_id,
        is_active=data.is_active,
        secret=secrets.token_urlsafe(32),
    )
    subscription.full_clean()
    subscription.save()
    return subscription


@transaction.atomic
def webhook_subscription_update(
    *, subscription: WebhookSubscription, actor: Any, data: SubscriptionData
) -> WebhookSubscription:
    """Change the target, types, filter or active flag; reactivating clears the flag."""
    if (
        actor is not None
        and not subscriptions_visible_to(actor).filter(pk=subscription.pk).exists()
    ):
        raise PermissionDenied
    validate_target_url(data.target_url)
    validate_event_types(data.event_types)
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    locked.name, locked.target_url = data.name, data.target_url
    locked.event_types = sorted(set(data.event_types))
    locked.priority_area_id = data.priority_area_id
    if data.is_active and not locked.is_active:
        locked.flagged_at, locked.consecutive_failures = None, 0
    locked.is_active = data.is_active
    locked.full_clean()
    locked.save()
    return locked


def _wants(subscription: WebhookSubscription, event: Event) -> bool:
    if event.type == TEST_EVENT:
        return event.subject_id == subscription.pk
    if subscription.event_types and event.type not in subscription.event_types:
        return False
    return not (
        subscription.priority_area_id
        and subscription.priority_area_id not in (event.priority_area_ids or [])
    )


def event_dispatch(*, event_id: int) -> list[int]:
    """Create the deliveries of one event (once per subscription); returns their ids.

    A subscription gets the event only if its owner may see the subject now.
    """
    event = Event.objects.select_related("subject_type").get(pk=event_id)
    created: list[int] = []
    if event.dispatched_at is None:
        kind, subject = subject_of(event)
        for subscription in WebhookSubscription.objects.filter(is_active=True).select_related(
            "owner"
        ):
            if not _wants(subscription, event):
                continue
            if kind is None or subject is None or not can_see(kind, subscription.owner, subject.pk):
                continue
            delivery, new = WebhookDelivery.objects.get_or_create(
                subscription=subscription, event=event
            )
            if new:
                created.append(delivery.pk)
        Event.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now()
        )
    return created


# --- the request ----------------------------------------------------------------------------------


def event_body(event: Event, owner: Any) -> dict[str, Any]:
    """The JSON a subscription gets: the subject as the API shows it to the owner."""
    kind, subject = subject_of(event)
    data: dict[str, Any] = {}
    if kind is not None and subject is not None and can_see(kind, owner, subject.pk):
        data = kind.serialize(subject, owner)
    body: dict[str, Any] = {
        "id": event.pk,
        "type": event.type,
        "occurred_at": event.created_at.isoformat(),
        "subject": {"type": kind.label if kind else "", "id": event.subject_id, "data": data},
    }
    body["payload"] = visible_payload(event, owner)
    return body


#: What of an event's payload anyone who may see the subject may read: the workflow step.
#: Comments and the rest are internal notes, for people inside government only.
PUBLIC_PAYLOAD = frozenset({"transition", "from", "to", "number"})


def visible_payload(event: Event, viewer: Any) -> dict[str, Any]:
    """The event's payload as the viewer may read it (the feed and webhooks alike)."""
    if roles.is_internal(viewer):
        return dict(event.payload)
    return {k: v for k, v in event.payload.items() if k in PUBLIC_PAYLOAD}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Portal-Signature value: HMAC-SHA256 of "<timestamp>.<body>" with the secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def next_attempt_delay(attempts: int) -> timedelta:
    """Exponential back-off with full jitter: base × 2^(n-1), capped at an hour, times 0.5–1.5."""
    base = min(retry_base_seconds() * 2 ** max(attempts - 1, 0), 3600.0)
    return timedelta(seconds=base * (0.5 + random.random()))  # noqa: S311 (jitter, not security)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout_seconds()) as response:  # noqa: S310
            return response.status, response.read(2000).decode("utf-8", "replace"), ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(2000).decode("utf-8", "replace"), ""
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, "", f"{type(exc).__name__}: {exc}"


def webhook_delivery_send(*, delivery_id: int) -> bool | None:
    """Make one attempt of a pending delivery that is due: True delivered, False failed (a retry
    is planned, or the row failed for good), None if it is not ours to send now."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                pk=delivery_id,
                status=WebhookDelivery.Status.PENDING,
                next_attempt_at__lte=timezone.now(),
            )
            .select_related("subscription__owner", "event__subject_type")
            .first()
        )
        if delivery is None:
            return None
        subscription = delivery.subscription
        body = json.dumps(
            event_body(delivery.event, subscription.owner), sort_keys=True, ensure_ascii=False
        ).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "GenomicsPortal-Webhooks/1",
            "X-Portal-Event": delivery.event.type,
            "X-Portal-Event-Id": str(delivery.event_id),
            "X-Portal-Delivery": str(delivery.pk),
            "X-Portal-Timestamp": timestamp,
            "X-Portal-Signature": sign(subscription.secret, timestamp, body),
        }
        started = time.monotonic()
        code, response_body, error = _post(subscription.target_url, body, headers)
        now = timezone.now()
        delivery.attempts += 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            sent_at=now,
            request_headers={k: v for k, v in headers.items() if k != "X-Portal-Signature"},
            request_body=body.decode(),
            response_code=code,
            response_body=response_body,
            error=error,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        delivery.last_response_code = code
        ok = code is not None and 200 <= code < 300
        locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if ok:
            delivery.status, delivery.delivered_at = WebhookDelivery.Status.SUCCEEDED, now
            locked.consecutive_failures = 0
        else:
            retry_at = now + next_attempt_delay(delivery.attempts)
            if retry_at > delivery.created_at + timedelta(hours=retry_hours()):
                delivery.status = WebhookDelivery.Status.FAILED
            else:
                delivery.next_attempt_at = retry_at
            locked.consecutive_failures += 1
            if locked.consecutive_failures >= flag_after() and locked.flagged_at is None:
                locked.flagged_at = now
        delivery.save(
            update_fields=[
                "attempts", "status", "delivered_at", "next_attempt_at", "last_response_code"
            ]
        )  # fmt: skip
        locked.save(update_fields=["consecutive_failures", "flagged_at"])
    return ok


def due_delivery_ids(limit: int = 500) -> list[int]:
    """Pending deliveries whose next attempt has come (the sweep's work list)."""
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery, actor: Any) -> WebhookDelivery:
    """Send a delivery again (failed or delivered): it becomes pending and due now.

    The ledger row stays the one row for this subscription and event; its attempts continue.
    """
    if (
        actor is not None
        and not subscriptions_visible_to(actor).filter(pk=delivery.subscription_id).exists()
    ):
        raise PermissionDenied
    locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status == WebhookDelivery.Status.PENDING:
        raise Conflict(_("This delivery is still being tried."), code="delivery_pending")
    locked.status = WebhookDelivery.Status.PENDING
    locked.next_attempt_at = timezone.now()
    locked.created_at = timezone.now()  # a fresh 24 hours of retries
    locked.save(update_fields=["status", "next_attempt_at", "created_at"])
    _enqueue_delivery(locked.pk)
    return locked


def webhook_send_test(*, subscription: WebhookSubscription, actor: Any) -> Event:
    """Emit a "webhook.test" event for this subscription only; it is delivered like any other."""
    if (
        actor is not None
        and not subscriptions_visible_to(actor).filter(pk=subscription.pk).exists()
    ):
        raise PermissionDenied
    return emit(type=TEST_EVENT, subject=subscription, actor=actor, payload={})


def _enqueue_delivery(delivery_id: int) -> None:
    from .tasks import deliver_webhook

    deliver_webhook.delay_on_commit(delivery_id=delivery_id)
