"""The engine: find every kind's due items, work out today's reminder, claim it once.

A claim inserts a `ReminderDelivery` row; the unique constraint `reminderdelivery_once` makes a
second insert (a rerun, a racing worker, a redelivered task) a no-op. The in-portal
`Notification` is created in the same transaction. Nothing is scheduled ahead with an ETA:
every run finds what is due by date, so a run after an outage catches up.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..formatting import format_date
from ..models import Notification, ReminderDelivery, User
from ..reminders import DueItem, ReminderKind, applicable_offset, escalation_offset
from ..reminders import registry as reminder_registry
from .common import Key, RunResult, local_today
from .preferences import delivery_channel, preferences_by_user
from .sending import reminders_deliver_pending

# --- wording --------------------------------------------------------------------------------------


def due_phrase(due_on: date, today: date) -> str:
    """ "Due in 3 days", "Due today", "Overdue by 2 days" (in the active language)."""
    days = (due_on - today).days
    when = format_date(due_on)
    if days > 1:
        return ngettext(
            "Due in %(days)s day, on %(date)s.", "Due in %(days)s days, on %(date)s.", days
        ) % {"days": days, "date": when}
    if days == 1:
        return _("Due tomorrow, %(date)s.") % {"date": when}
    if days == 0:
        return _("Due today, %(date)s.") % {"date": when}
    return ngettext(
        "Overdue by %(days)s day: it was due on %(date)s.",
        "Overdue by %(days)s days: it was due on %(date)s.",
        -days,
    ) % {"days": -days, "date": when}


def _body(item: DueItem, today: date, *, is_escalation: bool) -> str:
    text = due_phrase(item.due_on, today)
    if is_escalation and not item.recipients:
        text += " " + _("Nobody has been made responsible for it yet, and you are the lead.")
    elif is_escalation:
        names = ", ".join(user.display_name for user in item.recipients)
        text += " " + _(
            "You are told because %(names)s has not finished it and you are their lead."
        ) % {"names": names}
    if item.context:
        text += " " + item.context
    return text


def _claim(
    *,
    kind: ReminderKind,
    item: DueItem,
    recipient: User,
    offset: int,
    today: date,
    channel: str,
    is_escalation: bool,
) -> ReminderDelivery | None:
    """Insert the ledger row and the notification together; None if it was already claimed."""
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        label = str(kind.label)
        title = f"{label}: {item.title}"
        if is_escalation:
            title = _("Overdue: %(title)s") % {"title": title}
        body = _body(item, today, is_escalation=is_escalation)
    now = timezone.now()
    with transaction.atomic():
        delivery, created = ReminderDelivery.objects.get_or_create(
            kind=kind.code,
            object_key=item.object_key,
            due_on=item.due_on,
            offset_days=offset,
            recipient=recipient,
            defaults={
                "is_escalation": is_escalation,
                "channel": channel,
                "status": (
                    ReminderDelivery.Status.SENT
                    if channel == ReminderDelivery.Channel.PORTAL
                    else ReminderDelivery.Status.QUEUED
                ),
                "sent_at": now if channel == ReminderDelivery.Channel.PORTAL else None,
                "title": title[:300],
                "url": item.url[:500],
                "created_at": now,
            },
        )
        if not created:
            return None
        Notification.objects.create(
            recipient=recipient,
            kind=kind.code,
            title=title[:300],
            body=body,
            url=item.url[:500],
            delivery=delivery,
            created_at=now,
        )
    return delivery


def _candidates(
    kind: ReminderKind, items: list[DueItem], today: date | None
) -> list[tuple[DueItem, User, int, bool, date]]:
    """(item, recipient, offset, is_escalation, local today) for every reminder due now."""
    offsets = kind.offsets()
    every = kind.overdue_every()
    escalate_after = kind.escalate_after()
    found: list[tuple[DueItem, User, int, bool, date]] = []
    for item in items:
        told: set[int] = set()
        for recipient in item.recipients:
            if recipient.pk in told or not recipient.is_active:
                continue
            told.add(recipient.pk)
            day = today or local_today(recipient)
            if not item.is_open_on(day):
                continue
            offset = applicable_offset(item.due_on, day, offsets=offsets, overdue_every=every)
            if offset is not None:
                found.append((item, recipient, offset, False, day))
        for lead in item.leads:
            if lead.pk in told or not lead.is_active:
                continue
            told.add(lead.pk)
            day = today or local_today(lead)
            if not item.is_open_on(day):
                continue
            offset = escalation_offset(item.due_on, day, escalate_after=escalate_after)
            if offset is not None:
                found.append((item, lead, offset, True, day))
    return found


def _existing_keys(kind: ReminderKind, object_keys: set[str]) -> set[Key]:
    if not object_keys:
        return set()
    rows = ReminderDelivery.objects.filter(kind=kind.code, object_key__in=object_keys).values_list(
        "kind", "object_key", "due_on", "offset_days", "recipient_id"
    )
    return set(rows)


def reminders_claim_due(*, today: date | None = None) -> list[int]:
    """Claim every reminder due now (ledger row + notification); returns the new rows' ids.

    `today` freezes the date for every recipient (tests, back-fills); by default each recipient's
    own today in their time zone is used.
    """
    claimed: list[int] = []
    server_today = today or timezone.localdate()
    for kind in reminder_registry.kinds():
        # One day of slack: a recipient east of the server may already be in tomorrow.
        until = server_today + timedelta(days=kind.horizon() + 1)
        items = list(kind.find(until))
        candidates = _candidates(kind, items, today)
        if not candidates:
            continue
        existing = _existing_keys(kind, {item.object_key for item, *_rest in candidates})
        prefs = preferences_by_user(recipient.pk for _item, recipient, *_rest in candidates)
        for item, recipient, offset, is_escalation, day in candidates:
            key = (kind.code, item.object_key, item.due_on, offset, recipient.pk)
            if key in existing:
                continue
            delivery = _claim(
                kind=kind,
                item=item,
                recipient=recipient,
                offset=offset,
                today=day,
                channel=delivery_channel(recipient, prefs.get((recipient.pk, kind.code))),
                is_escalation=is_escalation,
            )
            if delivery is not None:
                claimed.append(delivery.pk)
    return claimed


def reminders_send_due(*, today: date | None = None) -> RunResult:
    """The beat job: claim what is due today, then send the pending e-mails. Safe to run twice."""
    claimed = reminders_claim_due(today=today)
    pause = float(getattr(settings, "REMINDER_PAUSE_AFTER_CLAIM_SECONDS", 0) or 0)
    if claimed and pause:
        # Test hook only: lets a test kill the worker between the claim and the send.
        time.sleep(pause)
    result = reminders_deliver_pending()
    result.claimed = len(claimed)
    return result
