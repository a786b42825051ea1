"""Emit a domain event: one outbox row, written in the caller's transaction, processed after commit.

The row is part of the change: if the transaction rolls back, the event never happened. After
commit, a task tells people and queues webhook deliveries; if the broker is down or the worker
dies, the beat sweep (`events.sweep`) finds the unprocessed row and does it then.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from . import registry
from .models import Event

logger = logging.getLogger(__name__)


def emit(
    *,
    type: str,
    subject: models.Model,
    actor: Any = None,
    payload: dict[str, Any] | None = None,
) -> Event:
    """Record that `type` happened to `subject` (by `actor`); people and webhooks follow after commit."""
    kind = registry.subject_kind(subject)
    event = Event.objects.create(
        type=type,
        subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
        subject_id=subject.pk,
        actor=actor if getattr(actor, "pk", None) else None,
        payload=payload or {},
        priority_area_ids=kind.priority_areas(subject) if kind else [],
    )
    transaction.on_commit(lambda: _enqueue(event.pk))
    return event


def _enqueue(event_id: int) -> None:
    from .tasks import process_event

    try:
        process_event.delay(event_id=event_id)
    except Exception:
        logger.warning("Event %s not queued; the sweep will process it.", event_id, exc_info=True)


def emit_transition(
    *, subject: models.Model, transition: str, actor: Any, from_status: str, to_status: str,
    comment: str,
) -> Event:  # fmt: skip
    """The event of a workflow step: "<model>.<transition>" (called by `portal.workflow`)."""
    return emit(
        type=f"{subject._meta.model_name}.{transition}",
        subject=subject,
        actor=actor,
        payload={
            "transition": transition,
            "from": from_status,
            "to": to_status,
            "comment": comment,
        },
    )
