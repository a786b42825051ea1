"""Upsert portal/schedules.py into django-celery-beat (never deletes what admins added)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from portal.schedules import SCHEDULES


class Command(BaseCommand):
    help = "Create or update the portal's periodic tasks in the beat database."

    @transaction.atomic
    def handle(self, *args, **options):
        import json

        created = 0
        for schedule in SCHEDULES:
            existing = PeriodicTask.objects.filter(name=schedule.name).first()
            if existing is None:
                crontab, _ = CrontabSchedule.objects.get_or_create(
                    minute=schedule.minute,
                    hour=schedule.hour,
                    day_of_week=schedule.day_of_week,
                    day_of_month=schedule.day_of_month,
                    month_of_year=schedule.month_of_year,
                    timezone=settings.TIME_ZONE,
                )
                PeriodicTask.objects.create(
                    name=schedule.name,
                    task=schedule.task,
                    crontab=crontab,
                    kwargs=json.dumps(schedule.kwargs),
                    description=schedule.description,
                    expire_seconds=schedule.expires,
                )
                created += 1
            elif (
                existing.task != schedule.task
                or existing.description != schedule.description
                or existing.expire_seconds != schedule.expires
            ):
                existing.task = schedule.task
                existing.description = schedule.description
                existing.expire_seconds = schedule.expires
                existing.save(update_fields=["task", "description", "expire_seconds"])
        self.stdout.write(f"Schedules: {created} created, {len(SCHEDULES)} in the list.")
