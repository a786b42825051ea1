"""The delivery log in the admin with its resend action, the tasks and their schedules."""

from datetime import date
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from portal import tasks
from portal.models import ReminderDelivery
from portal.notifications import reminders_send_due
from portal.schedules import SCHEDULES
from tests.factories import ActionItemFactory

pytestmark = pytest.mark.django_db

DUE = date(2027, 3, 20)


@pytest.fixture
def failed(owner, settings):
    settings.EMAIL_BACKEND = "tests.reminders.backends.FailingBackend"
    ActionItemFactory(owner=owner, due_on=DUE, title="Ship the samples")
    reminders_send_due(today=DUE)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    delivery = ReminderDelivery.objects.get()
    assert delivery.status == "failed"
    return delivery


def test_administrators_read_the_delivery_log(
    client, administrator, failed, django_assert_max_num_queries
):
    client.force_login(administrator)

    with django_assert_max_num_queries(15):
        page = client.get(reverse("admin:portal_reminderdelivery_changelist"))

    assert page.status_code == 200
    body = page.content.decode()
    assert "Ship the samples" in body
    assert "Failed" in body
    filtered = client.get(
        reverse("admin:portal_reminderdelivery_changelist"), {"status__exact": "sent"}
    )
    assert "Ship the samples" not in filtered.content.decode()


def test_the_log_is_read_only(client, administrator, failed):
    client.force_login(administrator)
    change = reverse("admin:portal_reminderdelivery_change", args=[failed.pk])

    client.post(change, {"status": "sent"})

    failed.refresh_from_db()
    assert failed.status == "failed"
    assert client.get(reverse("admin:portal_reminderdelivery_add")).status_code == 403


def test_resend_queues_a_failed_e_mail_after_commit(
    client, administrator, failed, django_capture_on_commit_callbacks
):
    client.force_login(administrator)

    with (
        mock.patch.object(tasks.deliver_reminder, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("admin:portal_reminderdelivery_changelist"),
            {"action": "resend", "_selected_action": [failed.pk]},
            follow=True,
        )

    assert "1 reminder queued to be sent again." in response.content.decode()
    delay.assert_called_once_with(delivery_id=failed.pk)
    failed.refresh_from_db()
    assert failed.status == "queued"
    # The worker's task then sends it, once.
    assert tasks.deliver_reminder.apply(kwargs={"delivery_id": failed.pk}).get() is True
    assert tasks.deliver_reminder.apply(kwargs={"delivery_id": failed.pk}).get() is None
    assert len(mail.outbox) == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("sent", 2)


def test_resend_leaves_sent_reminders_alone(client, administrator, owner):
    ActionItemFactory(owner=owner, due_on=DUE)
    reminders_send_due(today=DUE)
    sent = ReminderDelivery.objects.get()
    client.force_login(administrator)

    with mock.patch.object(tasks.deliver_reminder, "delay") as delay:
        response = client.post(
            reverse("admin:portal_reminderdelivery_changelist"),
            {"action": "resend", "_selected_action": [sent.pk]},
            follow=True,
        )

    assert "1 reminder was not failed and was left alone." in response.content.decode()
    delay.assert_not_called()
    assert len(mail.outbox) == 1


def test_the_deliver_task_retries_transient_errors(failed, settings):
    settings.EMAIL_BACKEND = "tests.reminders.backends.FailingBackend"
    ReminderDelivery.objects.filter(pk=failed.pk).update(status="queued")

    with (
        mock.patch.object(
            tasks.deliver_reminder, "retry", side_effect=RuntimeError("retry")
        ) as retry,
        pytest.raises(RuntimeError, match="retry"),
    ):
        tasks.deliver_reminder.apply(kwargs={"delivery_id": failed.pk}, throw=True).get()

    assert retry.called
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("failed", 2)


def test_the_engine_task_accepts_a_frozen_today(owner):
    ActionItemFactory(owner=owner, due_on=DUE)

    result = tasks.send_due_reminders.apply(kwargs={"today": "2027-03-17"}).get()

    assert result == {"claimed": 1, "sent": 1, "failed": 0}
    assert ReminderDelivery.objects.get().offset_days == 3


def test_the_reminder_tasks_are_safe_under_redelivery():
    for task in (tasks.send_due_reminders, tasks.send_reminder_digests, tasks.deliver_reminder):
        assert task.acks_late
        assert task.reject_on_worker_lost
        assert task.soft_time_limit
        assert task.time_limit > task.soft_time_limit


def test_schedules_expire_before_the_next_run_and_are_synced():
    by_task = {s.task: s for s in SCHEDULES}
    assert by_task["portal.send_due_reminders"].minute == "*/5"
    assert 0 < by_task["portal.send_due_reminders"].expires < 5 * 60
    assert 0 < by_task["portal.send_reminder_digests"].expires < 60 * 60

    call_command("sync_schedules", stdout=StringIO())

    synced = PeriodicTask.objects.get(task="portal.send_due_reminders")
    assert synced.expire_seconds == by_task["portal.send_due_reminders"].expires
    assert synced.crontab.minute == "*/5"
    # A changed expiry in the list reaches an existing entry on the next sync.
    PeriodicTask.objects.filter(pk=synced.pk).update(expire_seconds=None)
    call_command("sync_schedules", stdout=StringIO())
    synced.refresh_from_db()
    assert synced.expire_seconds == by_task["portal.send_due_reminders"].expires
