"""Who may use reports (one table), and the reports' periodic tasks."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from portal.schedules import SCHEDULES
from reports import policies, tasks
from reports.models import Report

from .factories import ReportFactory

pytestmark = pytest.mark.django_db

# persona: (asks in pages, asks through the API, sees everyone's reports)
MATRIX = {
    "ministry": (True, True, True),
    "approver": (True, True, True),
    "administrator": (True, True, True),
    "nih_lead": (True, True, False),
    "api_client": (False, True, False),
    "nih_expert": (False, False, False),
    "bgi_liaison": (False, False, False),
}


@pytest.mark.parametrize(("name", "expected"), MATRIX.items())
def test_report_permission_matrix(persona, name, expected, ministry):
    user = persona(name)
    in_pages, through_api, sees_all = expected
    others = ReportFactory(requested_by=ministry)
    own = ReportFactory(requested_by=user)
    weekly = ReportFactory(requested_by=None, is_scheduled=True)

    assert policies.can_request_report(user) is in_pages
    assert policies.can_request_report(user, through_api=True) is through_api
    assert policies.can_view_report(user, others, through_api=True) is sees_all
    visible = set(Report.objects.visible_to(user))
    if sees_all:
        assert visible == {others, own, weekly}
    elif through_api:
        assert visible == {own, weekly}
        assert policies.can_view_report(user, own, through_api=True) is True
    else:
        assert visible == set()


def test_weekly_report_goes_to_ministry_staff_only(persona):
    assert policies.receives_weekly_report(persona("ministry")) is True
    assert policies.receives_weekly_report(persona("approver")) is True
    assert policies.receives_weekly_report(persona("nih_lead")) is False


def test_report_schedules_are_synced_and_keep_an_administrators_crontab():
    by_task = {s.task: s for s in SCHEDULES}
    weekly = by_task["reports.send_weekly_status_report"]
    assert (weekly.minute, weekly.hour, weekly.day_of_week) == ("0", "7", "1")
    assert by_task["reports.requeue_stale_reports"].minute == "*/5"

    call_command("sync_schedules", stdout=StringIO())
    entry = PeriodicTask.objects.get(task="reports.send_weekly_status_report")
    entry.crontab.hour, entry.crontab.day_of_week = "9", "5"  # moved to Friday 09:00
    entry.crontab.save()
    call_command("sync_schedules", stdout=StringIO())

    entry.refresh_from_db()
    assert (entry.crontab.hour, entry.crontab.day_of_week) == ("9", "5")
    assert PeriodicTask.objects.filter(task="reports.requeue_stale_reports").exists()


def test_build_task_has_time_limits_retries_and_late_acknowledgement():
    task = tasks.build_report

    assert task.name == "reports.build_report"
    assert task.acks_late is True
    assert task.max_retries == 2
    assert task.soft_time_limit < task.time_limit
    assert task.retry_backoff
