"""Sending e-mail rows once: locked with SKIP LOCKED, retried with back-off when they fail."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Notification, ReminderDelivery, User
from ..reminders import DIGEST_KIND
from .common import (
    TRANSIENT_ERRORS,
    RunResult,
    absolute_url,
    max_attempts,
    message_id_for,
    site_url,
    user_zone,
)
from .preferences import topic_label

logger = logging.getLogger(__name__)


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
            label = topic_label(delivery.kind)
            context = {
                "recipient": recipient,
                "title": delivery.title,
                "body": notification.body if notification else "",
                "kind_label": label or delivery.kind,
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
    from ..tasks import deliver_reminder

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
