"""The reminder engine and the portal inbox: services that find, claim, send and read reminders.

How a reminder goes out, once:

1. `reminders_send_due` asks every registered kind for its due items, works out the offset that
   applies today in each recipient's time zone (`portal.reminders.applicable_offset`) and claims it
   by inserting a `ReminderDelivery` row; the unique constraint `reminderdelivery_once` makes a
   second insert (a rerun, a racing worker, a redelivered task) a no-op. The in-portal
   `Notification` is created in the same transaction.
2. Queued e-mail rows are sent one by one under a row lock (`SELECT … FOR UPDATE SKIP LOCKED`):
   a row is sent by whoever locks it first, and only while it is still queued. A worker killed
   between claiming and sending leaves the row queued; the next run (or the redelivered task)
   sends it. A failed send marks the row failed; it is retried with back-off, up to
   REMINDER_MAX_ATTEMPTS.
3. Digest rows wait for `reminders_send_digests`, which sends each user one e-mail a local day.

Nothing is scheduled ahead with an ETA: every run finds what is due by date, so a run after an
outage catches up.
"""

from __future__ import annotations

import hashlib
import logging
import time
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from smtplib import SMTPException
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .caching import forget, kept
from .models import Notification, NotificationPreference, ReminderDelivery, User
from .reminders import DIGEST_KIND, DueItem, ReminderKind, applicable_offset, escalation_offset
from .reminders import registry as reminder_registry

if TYPE_CHECKING:
    from django.db.models import QuerySet

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (SMTPException, OSError)
Key = tuple[str, str, date, int, int]


# --- settings -------------------------------------------------------------------------------------


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def absolute_url(path: str) -> str:
    """A link for an e-mail: SITE_URL plus the item's path."""
    if not path:
        return site_url() + "/"
    return urljoin(site_url() + "/", path)


def digest_hour() -> int:
    return int(getattr(settings, "REMINDER_DIGEST_HOUR", 7))


def max_attempts() -> int:
    return int(getattr(settings, "REMINDER_MAX_ATTEMPTS", 5))


def user_zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_now(user: User, now: datetime | None = None) -> datetime:
    return (now or timezone.now()).astimezone(user_zone(user))


def local_today(user: User, now: datetime | None = None) -> date:
    """Today's date where the user is (User.time_zone)."""
    return local_now(user, now).date()


def message_id_for(delivery: ReminderDelivery) -> str:
    """A Message-ID derived from the ledger key: the same reminder always has the same id."""
    digest = hashlib.sha256(delivery.unique_key.encode()).hexdigest()[:40]
    host = urlsplit(site_url()).hostname or "localhost"
    return f"<reminder.{digest}@{host}>"


# --- preferences ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreferenceRow:
    """One kind of reminder and how the user wants it (defaults when they never chose)."""

    kind: ReminderKind
    email_enabled: bool
    frequency: str


def _preferences(user_ids: Iterable[int]) -> dict[tuple[int, str], NotificationPreference]:
    ids = set(user_ids)
    if not ids:
        return {}
    return {
        (pref.user_id, pref.kind): pref
        for pref in NotificationPreference.objects.filter(user_id__in=ids)
    }


def _channel(user: User, pref: NotificationPreference | None) -> str:
    if not user.email or (pref is not None and not pref.email_enabled):
        return ReminderDelivery.Channel.PORTAL
    if pref is not None and pref.frequency == NotificationPreference.Frequency.DIGEST:
        return ReminderDelivery.Channel.DIGEST
    return ReminderDelivery.Channel.EMAIL


def notification_preferences_for(user: User) -> list[PreferenceRow]:
    """Every registered kind with the user's choice for it (e-mail on, immediately, by default)."""
    prefs = _preferences([user.pk])
    rows = []
    for kind in reminder_registry.kinds():
        pref = prefs.get((user.pk, kind.code))
        rows.append(
            PreferenceRow(
                kind=kind,
                email_enabled=pref.email_enabled if pref else True,
                frequency=pref.frequency if pref else NotificationPreference.Frequency.IMMEDIATE,
            )
        )
    return rows


@transaction.atomic
def notification_preferences_update(
    *, user: User, values: Mapping[str, tuple[bool, str]], actor: User | None
) -> list[PreferenceRow]:
    """Save the user's choices: kind code → (e-mail on, "immediate" or "digest").

    Only the user themselves (or the system) may change them; unknown kinds are refused.
    """
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied
    known = {kind.code for kind in reminder_registry.kinds()}
    frequencies = set(NotificationPreference.Frequency.values)
    for code, (email_enabled, frequency) in values.items():
        if code not in known:
            raise ValidationError(
                {"kind": _("Unknown kind of reminder: %(kind)s") % {"kind": code}}
            )
        if frequency not in frequencies:
            raise ValidationError({"frequency": _("Choose immediately or a daily digest.")})
        NotificationPreference.objects.update_or_create(
            user=user,
            kind=code,
            defaults={"email_enabled": bool(email_enabled), "frequency": frequency},
        )
    return notification_preferences_for(user)


# --- wording --------------------------------------------------------------------------------------


def due_phrase(due_on: date, today: date) -> str:
    """ "Due in 3 days", "Due today", "Overdue by 2 days" (in the active language)."""
    days = (due_on - today).days
    when = formats.date_format(due_on, "DATE_FORMAT")
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
    if is_escalation:
        names = ", ".join(user.display_name for user in item.recipients)
        text += " " + _(
            "You are told because %(names)s has not finished it and you are their lead."
        ) % {"names": names}
    if item.context:
        text += " " + item.context
    return text


# --- the engine -----------------------------------------------------------------------------------


@dataclass
class RunResult:
    """What one engine run did."""

    claimed: int = 0
    sent: int = 0
    failed: int = 0


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
            offset = applicable_offset(item.due_on, day, offsets=offsets, overdue_every=every)
            if offset is not None:
                found.append((item, recipient, offset, False, day))
        for lead in item.leads:
            if lead.pk in told or not lead.is_active:
                continue
            told.add(lead.pk)
            day = today or local_today(lead)
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
        prefs = _preferences(recipient.pk for _item, recipient, *_rest in candidates)
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
                channel=_channel(recipient, prefs.get((recipient.pk, kind.code))),
                is_escalation=is_escalation,
            )
            if delivery is not None:
                claimed.append(delivery.pk)
    return claimed


def _pending_email_ids() -> list[int]:
    """Queued e-mail rows (new, or stranded by a crash) and failed ones due for a retry."""
    now = timezone.now()
    retry = Q()
    for attempts in range(1, max_attempts()):
        # Back-off: 2, 4, 8, 16 … minutes after the last attempt.
        retry |= Q(attempts=attempts, last_attempt_at__lte=now - timedelta(minutes=2**attempts))
    pending = ReminderDelivery.objects.filter(channel=ReminderDelivery.Channel.EMAIL).filter(
        Q(status=ReminderDelivery.Status.QUEUED)
        | (Q(status=ReminderDelivery.Status.FAILED) & retry)
    )
    return list(pending.order_by("pk").values_list("pk", flat=True))


def reminders_deliver_pending() -> RunResult:
    """Send every pending e-mail row once (rows locked by another worker are left to it)."""
    result = RunResult()
    for delivery_id in _pending_email_ids():
        outcome = reminder_delivery_send(delivery_id=delivery_id)
        if outcome is True:
            result.sent += 1
        elif outcome is False:
            result.failed += 1
    return result


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


# --- sending --------------------------------------------------------------------------------------


def _email_for(delivery: ReminderDelivery) -> EmailMultiAlternatives:
    recipient = delivery.recipient
    with (
        translation.override(recipient.preferred_language or settings.LANGUAGE_CODE),
        timezone.override(user_zone(recipient)),
    ):
        if delivery.kind == DIGEST_KIND:
            items = list(delivery.digested.select_related("notification").order_by("due_on", "pk"))
            context: dict[str, object] = {
                "recipient": recipient,
                "items": [
                    {
                        "title": item.title,
                        "body": getattr(getattr(item, "notification", None), "body", ""),
                        "url": absolute_url(item.url),
                    }
                    for item in items
                ],
                "day": delivery.due_on,
                "site_url": site_url(),
                "preferences_url": absolute_url("/notifications/preferences/"),
            }
            subject = ngettext(
                "Your daily reminders: %(n)s item", "Your daily reminders: %(n)s items", len(items)
            ) % {"n": len(items)}
            template = "emails/digest"
        else:
            notification = Notification.objects.filter(delivery=delivery).first()
            kind = reminder_registry.get(delivery.kind)
            context = {
                "recipient": recipient,
                "title": delivery.title,
                "body": notification.body if notification else "",
                "kind_label": str(kind.label) if kind else delivery.kind,
                "is_escalation": delivery.is_escalation,
                "url": absolute_url(delivery.url),
                "site_url": site_url(),
                "preferences_url": absolute_url("/notifications/preferences/"),
            }
            subject = delivery.title
            template = "emails/reminder"
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject.replace("\n", " ")[:200],
        body=text,
        to=[recipient.email],
        headers={"Message-ID": message_id_for(delivery)},
    )
    message.attach_alternative(html, "text/html")
    return message


def reminder_delivery_send(*, delivery_id: int, raise_errors: bool = False) -> bool | None:
    """Send one queued (or failed) e-mail row: True sent, False failed, None not ours to send.

    The row is locked with SKIP LOCKED and must still be unsent, so two workers never both send
    it. A transient error (SMTP, network) marks it failed and, with `raise_errors`, is re-raised
    for the task's retry.
    """
    error: Exception | None = None
    with transaction.atomic():
        delivery = (
            ReminderDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                pk=delivery_id,
                channel=ReminderDelivery.Channel.EMAIL,
                status__in=[ReminderDelivery.Status.QUEUED, ReminderDelivery.Status.FAILED],
            )
            .first()
        )
        if delivery is None:
            return None
        now = timezone.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        try:
            _email_for(delivery).send()
        except Exception as exc:  # noqa: BLE001 (a bad row must not stop the others)
            logger.warning("Reminder %s not sent: %s", delivery.pk, exc)
            delivery.status = ReminderDelivery.Status.FAILED
            delivery.error = f"{type(exc).__name__}: {exc}"[:2000]
            delivery.save(update_fields=["attempts", "last_attempt_at", "status", "error"])
            error = exc
        else:
            delivery.status = ReminderDelivery.Status.SENT
            delivery.sent_at = now
            delivery.error = ""
            delivery.message_id = message_id_for(delivery)
            delivery.save(
                update_fields=[
                    "attempts",
                    "last_attempt_at",
                    "status",
                    "sent_at",
                    "error",
                    "message_id",
                ]
            )
            if delivery.kind == DIGEST_KIND:
                delivery.digested.update(status=ReminderDelivery.Status.SENT, sent_at=now)
    if error is not None:
        if raise_errors and isinstance(error, TRANSIENT_ERRORS):
            raise error
        return False
    return True


@transaction.atomic
def reminder_delivery_resend(*, delivery: ReminderDelivery, actor: User | None) -> ReminderDelivery:
    """Queue a failed e-mail again (admin action); the worker sends it after commit.

    Only failed e-mail rows can be resent, so a sent reminder is never sent twice.
    """
    from .tasks import deliver_reminder

    locked = ReminderDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status != ReminderDelivery.Status.FAILED:
        raise ValidationError(_("Only a failed reminder can be sent again."))
    if locked.channel != ReminderDelivery.Channel.EMAIL:
        raise ValidationError(_("Only an e-mail can be sent again."))
    locked.status = ReminderDelivery.Status.QUEUED
    locked.error = ""
    locked.save(update_fields=["status", "error"])
    deliver_reminder.delay_on_commit(delivery_id=locked.pk)
    return locked


# --- digests --------------------------------------------------------------------------------------


def reminders_send_digests(*, now: datetime | None = None) -> RunResult:
    """Send each digest user one e-mail of their waiting reminders, once a local day.

    A user's digest goes out at the first run on or after REMINDER_DIGEST_HOUR their time (so a
    missed hour is caught up); the digest's own ledger row (kind "digest", the local date) makes it
    once a day.
    """
    now = now or timezone.now()
    result = RunResult()
    waiting = ReminderDelivery.objects.filter(
        channel=ReminderDelivery.Channel.DIGEST,
        status=ReminderDelivery.Status.QUEUED,
        digest__isnull=True,
    )
    users = User.objects.filter(pk__in=waiting.values("recipient_id"), is_active=True)
    for user in users:
        moment = local_now(user, now)
        if moment.hour < digest_hour():
            continue
        if _claim_digest(user=user, day=moment.date(), now=now) is not None:
            result.claimed += 1
    delivered = reminders_deliver_pending()
    result.sent, result.failed = delivered.sent, delivered.failed
    return result


def _claim_digest(*, user: User, day: date, now: datetime) -> ReminderDelivery | None:
    with transaction.atomic():
        digest, created = ReminderDelivery.objects.get_or_create(
            kind=DIGEST_KIND,
            object_key=f"portal.user:{user.pk}",
            due_on=day,
            offset_days=0,
            recipient=user,
            defaults={
                "channel": ReminderDelivery.Channel.EMAIL,
                "status": ReminderDelivery.Status.QUEUED,
                "title": _("Daily digest"),
                "url": "/notifications/",
                "created_at": now,
            },
        )
        if not created:
            return None
        ReminderDelivery.objects.select_for_update().filter(
            recipient=user,
            channel=ReminderDelivery.Channel.DIGEST,
            status=ReminderDelivery.Status.QUEUED,
            digest__isnull=True,
        ).update(digest=digest)
    return digest


# --- the inbox ------------------------------------------------------------------------------------


def notifications_for(user: User) -> QuerySet[Notification]:
    """The user's own notifications, unread first, newest first."""
    is_read = ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField())
    return Notification.objects.filter(recipient=user).order_by(is_read, "-created_at", "-pk")


def _unread_key(user_id: int) -> str:
    return f"portal:unread-notifications:{user_id}"


def unread_count(user: User) -> int:
    """The bell's number, on every page: kept in the cache until one of the user's
    notifications is added, read or removed (`unread_changed`)."""
    return kept(
        _unread_key(user.pk),
        lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    )


def unread_changed(user_id: int, using: str | None = None) -> None:
    """The user's unread count may have changed: the bell counts again."""
    forget(_unread_key(user_id), using=using)


def notification_written(
    sender: type[Notification], instance: Notification, using: str | None = None, **kwargs: Any
) -> None:
    """Receiver of Notification's post_save and post_delete (connected in PortalConfig)."""
    unread_changed(instance.recipient_id, using=using)


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor: User | None) -> Notification:
    """Mark one of the actor's notifications as read (reading twice keeps the first time)."""
    if actor is not None and actor.pk != notification.recipient_id:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        unread_changed(notification.recipient_id)
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: User, actor: User | None) -> int:
    """Mark every unread notification of the user as read; returns how many."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    unread_changed(user.pk)
    return marked
