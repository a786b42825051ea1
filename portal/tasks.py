"""Portal-wide background tasks (thin: they call Django or services)."""

from smtplib import SMTPException

from celery import shared_task


@shared_task(name="portal.ping")
def ping() -> str:
    """Answer "pong": lets health checks and tests prove a worker executes tasks."""
    return "pong"


@shared_task(name="portal.clear_expired_sessions", acks_late=True)
def clear_expired_sessions() -> None:
    """Remove expired login sessions (Django's clearsessions); safe to run twice."""
    from django.core.management import call_command

    call_command("clearsessions")


# Reminders. Nothing is scheduled ahead with an ETA (so nothing waits past the broker's visibility
# timeout): beat runs these every few minutes and the engine finds what is due by date.
@shared_task(
    name="portal.send_due_reminders",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=200,
    time_limit=240,
)
def send_due_reminders(*, today: str | None = None) -> dict[str, int]:
    """Claim and send the reminders due now; safe to run twice or concurrently (the ledger)."""
    from datetime import date

    from .notifications import reminders_send_due

    result = reminders_send_due(today=date.fromisoformat(today) if today else None)
    return {"claimed": result.claimed, "sent": result.sent, "failed": result.failed}


@shared_task(
    name="portal.send_reminder_digests",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=600,
    time_limit=660,
)
def send_reminder_digests(*, now: str | None = None) -> dict[str, int]:
    """Send the daily digest to users whose local digest hour has come; once a local day."""
    from datetime import datetime

    from .notifications import reminders_send_digests

    result = reminders_send_digests(now=datetime.fromisoformat(now) if now else None)
    return {"claimed": result.claimed, "sent": result.sent, "failed": result.failed}


@shared_task(
    name="portal.deliver_reminder",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def deliver_reminder(*, delivery_id: int) -> bool | None:
    """Send one queued reminder e-mail (the admin's resend); retried with back-off on SMTP errors."""
    from .notifications import reminder_delivery_send

    return reminder_delivery_send(delivery_id=delivery_id, raise_errors=True)


@shared_task(name="portal.expire_idempotency_keys", acks_late=True)
def expire_idempotency_keys() -> int:
    """Forget API idempotency keys older than a day; safe to run twice."""
    from .idempotency import idempotency_keys_expire

    return idempotency_keys_expire()
