"""People told of events: who (the subject's rule, plus followers), through what (preferences).

A notice goes through the reminders' send-once ledger (`ReminderDelivery`, keyed by the event),
so the bell, the e-mail at once and the daily digest work as they do for reminders, and telling
the same event twice (a rerun, a redelivered task) is a no-op.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import Notification, ReminderDelivery, User
from portal.notifications import (
    notice_channel,
    preferences_by_user,
    reminder_delivery_send,
)

from . import registry
from .models import Event

if TYPE_CHECKING:
    from collections.abc import Iterable


def subject_of(event: Event) -> tuple[registry.SubjectKind | None, Any]:
    """The event's registered kind and its record (None when the record is gone)."""
    model = event.subject_type.model_class()
    if model is None:
        return None, None
    kind = registry.subject_kind(model)
    return kind, model._default_manager.filter(pk=event.subject_id).first()


def can_see(kind: registry.SubjectKind, user: Any, subject_id: int) -> bool:
    """The subject is in the user's `visible_to` scope: the one test of who may hear of it."""
    return kind.visible(user).filter(pk=subject_id).exists()


def followers(kind: registry.SubjectKind, subject: Any) -> Iterable[User]:
    """People following the subject (or the record it belongs to, for a comment)."""
    target = kind.follow_target(subject) if kind.follow_target else subject
    return User.objects.filter(
        follows__subject_type=ContentType.objects.get_for_model(target),
        follows__subject_id=target.pk,
    )


def recipients(event: Event) -> list[User]:
    """Who is told: the type's audience and the followers, but never the actor, nobody inactive,
    and nobody who cannot see the subject."""
    kind, subject = subject_of(event)
    event_type = registry.event_type(event.type)
    if kind is None or subject is None or event_type is None:
        return []
    people: dict[int, User] = {}
    for user in [*kind.audience(event, subject), *followers(kind, subject)]:
        if user.pk != event.actor_id and user.is_active:
            people.setdefault(user.pk, user)
    return [user for user in people.values() if can_see(kind, user, subject.pk)]


def _wording(event: Event, subject_title: str) -> tuple[str, str]:
    """Title and body in the active language."""
    event_type = registry.event_type(event.type)
    label = str(event_type.label) if event_type else event.type
    title = _("%(what)s: %(title)s") % {"what": label, "title": subject_title}
    actor = event.actor.display_name if event.actor else _("The portal")
    body = _("%(who)s: %(what)s.") % {"who": actor, "what": label}
    comment = str(event.payload.get("comment") or "")
    if comment:
        body += " " + _("Comment: %(comment)s") % {"comment": comment}
    return title, body


def event_notify(*, event_id: int) -> list[int]:
    """Tell everyone the event concerns (once); returns the new ledger rows' ids.

    E-mails chosen "at once" are sent here; digest rows wait for the daily digest.
    """
    event = Event.objects.select_related("actor", "subject_type").get(pk=event_id)
    if event.notified_at is not None:
        return []
    kind, subject = subject_of(event)
    event_type = registry.event_type(event.type)
    created: list[int] = []
    if kind is not None and subject is not None and event_type is not None:
        people = recipients(event)
        prefs = preferences_by_user(user.pk for user in people)
        for user in people:
            channel = notice_channel(user, prefs.get((user.pk, event_type.notice)))
            if channel is None:
                continue
            with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
                title, body = _wording(event, kind.title(subject))
            delivery = _claim(
                event, event_type.notice, user, channel, title, body, kind.url(subject)
            )
            if delivery is not None:
                created.append(delivery.pk)
    Event.objects.filter(pk=event.pk, notified_at__isnull=True).update(notified_at=timezone.now())
    for delivery_id in ReminderDelivery.objects.filter(
        pk__in=created, channel=ReminderDelivery.Channel.EMAIL
    ).values_list("pk", flat=True):
        reminder_delivery_send(delivery_id=delivery_id)
    return created


def _claim(
    event: Event, notice: str, user: User, channel: str, title: str, body: str, url: str
) -> ReminderDelivery | None:
    now = timezone.now()
    with transaction.atomic():
        delivery, created = ReminderDelivery.objects.get_or_create(
            kind=notice,
            object_key=f"events.event:{event.pk}",
            due_on=event.created_at.date(),
            offset_days=0,
            recipient=user,
            defaults={
                "channel": channel,
                "status": (
                    ReminderDelivery.Status.SENT
                    if channel == ReminderDelivery.Channel.PORTAL
                    else ReminderDelivery.Status.QUEUED
                ),
                "sent_at": now if channel == ReminderDelivery.Channel.PORTAL else None,
                "title": title[:300],
                "url": url[:500],
                "created_at": now,
            },
        )
        if not created:
            return None
        Notification.objects.create(
            recipient=user,
            kind=notice,
            title=title[:300],
            body=body,
            url=url[:500],
            delivery=delivery,
            created_at=now,
        )
    return delivery
