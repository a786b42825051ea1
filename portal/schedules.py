"""The one list of periodic tasks; `manage.py sync_schedules` upserts it into django-celery-beat.

Administrators may change a schedule's time in the admin afterwards: syncing creates missing
entries and fixes the task name, but keeps a crontab an administrator has edited.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    kwargs: dict = field(default_factory=dict)
    description: str = ""
    # Seconds after which a queued run is dropped (PeriodicTask.expire_seconds): after an outage,
    # a backlog of stale runs does not all fire. Keep it below the interval. None: never expires.
    expires: int | None = None


SCHEDULES: list[Schedule] = [
    # https://crontab.guru/#30_2_*_*_*
    Schedule(
        name="Clear expired sessions",
        task="portal.clear_expired_sessions",
        minute="30",
        hour="2",
        expires=60 * 60,
        description="Removes expired login sessions every night.",
    ),
    # https://crontab.guru/#15_*_*_*_*
    Schedule(
        name="Expire API idempotency keys",
        task="portal.expire_idempotency_keys",
        minute="15",
        expires=50 * 60,
        description="Forgets API idempotency keys older than a day (IDEMPOTENCY_KEY_TTL_HOURS).",
    ),
    # https://crontab.guru/#*/5_*_*_*_*
    Schedule(
        name="Send due reminders",
        task="portal.send_due_reminders",
        minute="*/5",
        expires=4 * 60,
        description="Finds what is due by date and sends each reminder once (catches up).",
    ),
    # https://crontab.guru/#7_*_*_*_*
    Schedule(
        name="Send reminder digests",
        task="portal.send_reminder_digests",
        minute="7",
        expires=50 * 60,
        description="Sends the daily digest to users whose local morning has come.",
    ),
    # https://crontab.guru/#*/5_*_*_*_*
    Schedule(
        name="Queue stale reports again",
        task="reports.requeue_stale_reports",
        minute="*/5",
        expires=4 * 60,
        description="Queues again the reports that were asked for but never started "
        "(for example while the queue was unreachable).",
    ),
    # https://crontab.guru/#0_7_*_*_1 (Monday 07:00 in TIME_ZONE; an administrator may move it)
    Schedule(
        name="Weekly programme status report",
        task="reports.send_weekly_status_report",
        minute="0",
        hour="7",
        day_of_week="1",
        expires=6 * 60 * 60,
        description="Builds the programme status report (PDF) and e-mails it to ministry staff.",
    ),
    # https://crontab.guru/#*_*_*_*_*
    Schedule(
        name="Process events and retry webhooks",
        task="events.sweep",
        minute="*",
        expires=50,
        description="Tells people of events a lost task left behind and retries due webhook "
        "deliveries (back-off with jitter, for WEBHOOK_RETRY_HOURS).",
    ),
]
