"""The reminder engine and the portal inbox: services that find, claim, send and read reminders.

The parts: `preferences` (who wants what, how often), `engine` (find and claim what is due),
`sending` (send e-mail rows once), `digests` (the daily digest) and `inbox` (notifications and
the bell). Every name is importable from `portal.notifications`.

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

from .common import (
    TRANSIENT_ERRORS,
    Key,
    RunResult,
    absolute_url,
    digest_hour,
    local_now,
    local_today,
    max_attempts,
    message_id_for,
    site_url,
    user_zone,
)
from .digests import reminders_send_digests
from .engine import due_phrase, reminders_claim_due, reminders_send_due
from .inbox import (
    notification_mark_all_read,
    notification_mark_read,
    notifications_for,
    unread_count,
)
from .preferences import (
    PreferenceRow,
    delivery_channel,
    notice_channel,
    notification_preferences_for,
    notification_preferences_update,
    preferences_by_user,
    register_topic,
    topic_label,
)
from .sending import reminder_delivery_resend, reminder_delivery_send, reminders_deliver_pending

__all__ = [
    "TRANSIENT_ERRORS",
    "Key",
    "PreferenceRow",
    "RunResult",
    "absolute_url",
    "delivery_channel",
    "digest_hour",
    "due_phrase",
    "local_now",
    "local_today",
    "max_attempts",
    "message_id_for",
    "notice_channel",
    "notification_mark_all_read",
    "notification_mark_read",
    "notification_preferences_for",
    "notification_preferences_update",
    "notifications_for",
    "preferences_by_user",
    "register_topic",
    "reminder_delivery_resend",
    "reminder_delivery_send",
    "reminders_claim_due",
    "reminders_deliver_pending",
    "reminders_send_digests",
    "reminders_send_due",
    "site_url",
    "topic_label",
    "unread_count",
    "user_zone",
]
