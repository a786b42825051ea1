"""After commit: an event's people told and its webhook deliveries made, and the sweep that
catches up whatever a lost task or an unreachable broker left behind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from .models import Event
from .notify import event_notify
from .webhooks import due_delivery_ids, event_dispatch, webhook_delivery_send


@dataclass
class SweepResult:
    events: int = 0
    delivered: int = 0
    failed: int = 0


def event_process(*, event_id: int) -> tuple[list[int], list[int]]:
    """Tell people and create the deliveries of one event: (ledger rows, delivery ids).

    Both are ledgers, so processing an event twice changes nothing the second time.
    """
    return event_notify(event_id=event_id), event_dispatch(event_id=event_id)


def events_sweep(*, older_than: timedelta = timedelta(seconds=5)) -> SweepResult:
    """Process events left unprocessed (older than `older_than`, so a running task keeps its
    own), then make one attempt of every delivery that is due."""
    result = SweepResult()
    cutoff = timezone.now() - older_than
    stranded = (
        Event.objects.filter(created_at__lte=cutoff)
        .filter(Q(notified_at__isnull=True) | Q(dispatched_at__isnull=True))
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    for event_id in list(stranded):
        event_process(event_id=event_id)
        result.events += 1
    for delivery_id in due_delivery_ids():
        outcome = webhook_delivery_send(delivery_id=delivery_id)
        if outcome is True:
            result.delivered += 1
        elif outcome is False:
            result.failed += 1
    return result
