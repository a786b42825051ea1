"""Portal-wide background tasks (thin: they call Django or services)."""

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
