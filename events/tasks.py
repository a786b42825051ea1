"""Celery tasks of the events app (thin: they call the events services)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="events.process_event", acks_late=True, reject_on_worker_lost=True)
def process_event(*, event_id: int) -> dict[str, int]:
    """Tell people of one event and send its webhooks; safe to run twice (both are ledgers)."""
    from .processing import event_process

    told, deliveries = event_process(event_id=event_id)
    for delivery_id in deliveries:
        deliver_webhook.delay(delivery_id=delivery_id)
    return {"notified": len(told), "deliveries": len(deliveries)}


@shared_task(
    name="events.deliver_webhook",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=60,
    time_limit=90,
)
def deliver_webhook(*, delivery_id: int) -> bool | None:
    """Make one attempt of a delivery; a retry is left to the sweep at its `next_attempt_at`."""
    from .webhooks import webhook_delivery_send

    return webhook_delivery_send(delivery_id=delivery_id)


@shared_task(name="events.sweep", acks_late=True, soft_time_limit=50, time_limit=55)
def sweep() -> dict[str, int]:
    """Beat, every minute: process events a lost task left behind, and retry due deliveries."""
    from .processing import events_sweep

    result = events_sweep()
    return {"events": result.events, "delivered": result.delivered, "failed": result.failed}
