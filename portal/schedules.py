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


SCHEDULES: list[Schedule] = [
    # https://crontab.guru/#30_2_*_*_*
    Schedule(
        name="Clear expired sessions",
        task="portal.clear_expired_sessions",
        minute="30",
        hour="2",
        description="Removes expired login sessions every night.",
    ),
]
