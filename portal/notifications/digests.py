"""The daily digest: one e-mail a local day of the reminders a person chose to collect."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ReminderDelivery, User
from ..reminders import DIGEST_KIND
from .common import RunResult, digest_hour, local_now
from .sending import reminders_deliver_pending

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
