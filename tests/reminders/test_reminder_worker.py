"""Real Celery workers on Redis: each reminder goes out once, whatever happens to the workers.

The engine runs in worker processes against the test database; e-mails go to files
(TEST_EMAIL_URL=filemail://…), so the test reads what was really sent.
"""

import os
import signal
import time
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection

from collaboration.models import ActionItem
from portal.models import Notification, NotificationPreference, ReminderDelivery
from tests.celery_helpers import client_app, purge_queue
from tests.conftest import require_service
from tests.factories import ActionItemFactory, UserFactory

from .worker import sent_messages, worker_process, workers

pytestmark = [
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True),
]

DUE = date(2027, 3, 20)
TASK = "portal.send_due_reminders"


@pytest.fixture
def worker_env(tmp_path):
    redis_url = os.environ.get("REDIS_URL", "")
    require_service(bool(redis_url), "Redis (REDIS_URL)")
    broker = os.environ.get("CELERY_BROKER_URL") or redis_url
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": os.environ.get("CELERY_RESULT_BACKEND") or broker,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        # django-environ drops one slash: four give an absolute path.
        "TEST_EMAIL_URL": f"filemail:///{mail_dir}",
        "SITE_URL": "https://portal.example.gov.pk",
    }
    app = client_app(env)
    app.control.purge()  # nothing left over from an earlier run
    yield env, app, mail_dir
    app.control.purge()
    app.close()


def wait_for(predicate, *, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_engine_run_twice_by_a_worker_sends_once_and_catches_up(worker_env, persona):
    env, app, mail_dir = worker_env
    expert = persona("nih_expert")
    lead = persona("nih_lead")
    ActionItemFactory(owner=expert, due_on=DUE, title="Upload the FASTQ files")

    purge_queue(env)
    with worker_process(env, "engine"):
        runs = [
            app.send_task(TASK, kwargs={"today": day.isoformat()}).get(timeout=60)
            for day in (DUE - timedelta(days=7), DUE - timedelta(days=7), DUE - timedelta(days=2))
        ]
        escalation = app.send_task(TASK, kwargs={"today": (DUE + timedelta(days=7)).isoformat()})
        escalation.get(timeout=60)

    assert [run["claimed"] for run in runs] == [1, 0, 1]
    offsets = sorted(
        ReminderDelivery.objects.values_list("recipient__username", "offset_days", "status")
    )
    # 7 days ahead, then (after a gap that skipped the 3-day point) one catch-up, then overdue:
    # the owner's every-3-days reminder and the lead's escalation.
    assert offsets == [
        ("nih_expert", -6, "sent"),
        ("nih_expert", 3, "sent"),
        ("nih_expert", 7, "sent"),
        ("nih_lead", -7, "sent"),
    ]
    messages = sent_messages(mail_dir)
    assert len(messages) == 4
    assert sum(f"To: {lead.email}" in m for m in messages) == 1
    assert all("https://portal.example.gov.pk/action-items/" in m for m in messages)
    assert Notification.objects.count() == 4


def test_two_workers_racing_send_each_reminder_once(worker_env):
    env, app, mail_dir = worker_env
    owners = [UserFactory(username=f"owner{n}") for n in range(3)]
    for owner in owners:
        ActionItemFactory(owner=owner, due_on=DUE)
    # Both workers claim, pause a moment, then send: their runs overlap.
    env = {**env, "REMINDER_PAUSE_AFTER_CLAIM_SECONDS": "1"}

    with workers(env, "racer-a", "racer-b"):
        results = [app.send_task(TASK, kwargs={"today": DUE.isoformat()}) for _ in range(4)]
        outcomes = [result.get(timeout=90) for result in results]

    assert sum(outcome["claimed"] for outcome in outcomes) == 3
    assert sum(outcome["sent"] for outcome in outcomes) == 3
    assert ReminderDelivery.objects.filter(status="sent").count() == 3
    assert Notification.objects.count() == 3
    messages = sent_messages(mail_dir)
    assert len(messages) == 3
    assert sorted(m.split("To: ")[1].split("\n")[0] for m in messages) == sorted(
        owner.email for owner in owners
    )


def test_a_worker_killed_after_claiming_is_replaced_and_the_reminder_goes_out_once(worker_env):
    env, app, mail_dir = worker_env
    owner = UserFactory(username="owner")
    ActionItemFactory(owner=owner, due_on=DUE)
    # The task is delivered again 3 s after its worker died (acks_late + reject_on_worker_lost).
    env = {**env, "CELERY_VISIBILITY_TIMEOUT": "3"}

    purge_queue(env)
    with worker_process({**env, "REMINDER_PAUSE_AFTER_CLAIM_SECONDS": "60"}, "doomed") as doomed:
        app.send_task(TASK, kwargs={"today": DUE.isoformat()})
        wait_for(lambda: ReminderDelivery.objects.exists(), what="the claim")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)

    claimed = ReminderDelivery.objects.get()
    assert claimed.status == "queued"
    assert sent_messages(mail_dir) == []
    assert Notification.objects.count() == 1

    with worker_process(env, "successor"):
        wait_for(
            lambda: ReminderDelivery.objects.filter(status="sent").exists(),
            what="the redelivered task to send the reminder",
        )

    claimed.refresh_from_db()
    assert (claimed.status, claimed.attempts) == ("sent", 1)
    assert len(sent_messages(mail_dir)) == 1
    assert Notification.objects.count() == 1


def test_a_worker_follows_a_moved_due_date_and_keeps_digests_apart(worker_env):
    env, app, mail_dir = worker_env
    immediate = UserFactory(username="immediate", time_zone="Asia/Karachi")
    digest = UserFactory(username="digest", time_zone="Asia/Karachi")
    NotificationPreference.objects.create(user=digest, kind="action_item_due", frequency="digest")
    moved = ActionItemFactory(owner=immediate, due_on=DUE, title="Moved item")
    ActionItemFactory(owner=digest, due_on=DUE, title="Digest item")

    with worker_process(env, "engine"):
        app.send_task(TASK, kwargs={"today": DUE.isoformat()}).get(timeout=60)
        # The due date moves five days on: the new date has its own reminders.
        ActionItem.objects.filter(pk=moved.pk).update(due_on=DUE + timedelta(days=5))
        app.send_task(TASK, kwargs={"today": DUE.isoformat()}).get(timeout=60)
        # 07:10 in Karachi: the digest goes out once, however often the task runs.
        for hour in (2, 3):
            app.send_task(
                "portal.send_reminder_digests", kwargs={"now": f"2027-03-20T0{hour}:10:00+00:00"}
            ).get(timeout=60)

    rows = sorted(
        ReminderDelivery.objects.filter(recipient=immediate).values_list("due_on", "offset_days")
    )
    assert rows == [(DUE, 0), (DUE + timedelta(days=5), 7)]
    messages = sent_messages(mail_dir)
    to_immediate = [m for m in messages if f"To: {immediate.email}" in m]
    to_digest = [m for m in messages if f"To: {digest.email}" in m]
    assert len(to_immediate) == 2
    assert len(to_digest) == 1
    assert "Digest item" in to_digest[0]
    assert Notification.objects.filter(recipient=digest).count() == 1
