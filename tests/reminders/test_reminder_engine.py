"""The engine in one process: once per key, catch-up, escalation, moved dates, digests, e-mails."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from collaboration.models import ActionItem
from portal.models import Notification, NotificationPreference, ReminderDelivery, Role
from portal.notifications import (
    local_today,
    reminder_delivery_send,
    reminders_send_digests,
    reminders_send_due,
)
from tests.factories import ActionItemFactory, UserFactory

pytestmark = pytest.mark.django_db

DUE = date(2027, 3, 20)


def days(n: int) -> date:
    return DUE + timedelta(days=n)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://portal.example.gov.pk"
    settings.REMINDER_OFFSETS_DAYS = (7, 3, 1, 0)
    settings.REMINDER_OVERDUE_EVERY_DAYS = 3
    settings.REMINDER_ESCALATE_AFTER_DAYS = 7


def test_a_reminder_is_sent_once_however_often_the_engine_runs(owner):
    item = ActionItemFactory(owner=owner, due_on=DUE, title="Send the sample manifest")

    first = reminders_send_due(today=days(-3))
    second = reminders_send_due(today=days(-3))

    assert (first.claimed, first.sent, second.claimed, second.sent) == (1, 1, 0, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email]
    assert "Send the sample manifest" in message.subject
    assert "Due in 3 days" in message.body
    assert f"https://portal.example.gov.pk/action-items/{item.pk}/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="https://portal.example.gov.pk/action-items/{item.pk}/"' in html
    delivery = ReminderDelivery.objects.get()
    assert message.extra_headers["Message-ID"] == delivery.message_id
    assert delivery.message_id.startswith("<reminder.")
    assert delivery.message_id.endswith("@portal.example.gov.pk>")
    assert (delivery.status, delivery.offset_days, delivery.attempts) == ("sent", 3, 1)
    notification = Notification.objects.get()
    assert notification.recipient == owner
    assert notification.delivery == delivery
    assert notification.url == f"/action-items/{item.pk}/"


def test_the_same_reminder_always_gets_the_same_message_id(owner):
    ActionItemFactory(owner=owner, due_on=DUE)
    reminders_send_due(today=days(0))
    delivery = ReminderDelivery.objects.get()
    from portal.notifications import message_id_for

    assert (
        message_id_for(delivery)
        == message_id_for(ReminderDelivery.objects.get())
        == (delivery.message_id)
    )


def test_before_on_the_day_and_while_overdue(owner):
    ActionItemFactory(owner=owner, due_on=DUE)

    for day in range(-8, 7):
        reminders_send_due(today=days(day))

    offsets = list(
        ReminderDelivery.objects.order_by("created_at", "pk").values_list("offset_days", flat=True)
    )
    assert offsets == [7, 3, 1, 0, -3, -6]
    assert [m.body.count("Overdue by") for m in mail.outbox][-2:] == [1, 1]


def test_catch_up_after_a_skipped_day_sends_only_the_latest_point(owner):
    ActionItemFactory(owner=owner, due_on=DUE)
    reminders_send_due(today=days(-7))

    # The engine did not run for four days (the 3-day point was missed): one reminder, not two.
    reminders_send_due(today=days(-2))

    assert list(ReminderDelivery.objects.values_list("offset_days", flat=True).order_by("pk")) == [
        7,
        3,
    ]
    assert len(mail.outbox) == 2
    assert "Due in 2 days" in mail.outbox[1].body


def test_an_overdue_item_escalates_to_the_nih_lead_once(persona):
    expert = persona("nih_expert")
    lead = persona("nih_lead")
    ActionItemFactory(owner=expert, due_on=DUE, title="Validate the pipeline")

    reminders_send_due(today=days(6))
    assert not ReminderDelivery.objects.filter(recipient=lead).exists()

    reminders_send_due(today=days(7))
    reminders_send_due(today=days(9))

    escalation = ReminderDelivery.objects.get(recipient=lead)
    assert escalation.is_escalation
    assert escalation.offset_days == -7
    lead_mail = [m for m in mail.outbox if m.to == [lead.email]]
    assert len(lead_mail) == 1
    assert expert.display_name in lead_mail[0].body
    assert "Overdue by 7 days" in lead_mail[0].body
    assert "Overdue" in lead_mail[0].subject
    assert ReminderDelivery.objects.filter(recipient=expert, offset_days=-9).exists()


def test_a_ministry_owners_item_escalates_to_whoever_assigned_it(owner, ministry):
    ActionItemFactory(owner=owner, created_by=ministry, due_on=DUE)

    reminders_send_due(today=days(8))

    assert ReminderDelivery.objects.filter(recipient=ministry, is_escalation=True).count() == 1


def test_a_moved_due_date_gets_reminders_for_the_new_date(owner):
    item = ActionItemFactory(owner=owner, due_on=DUE)
    reminders_send_due(today=days(0))

    ActionItem.objects.filter(pk=item.pk).update(due_on=days(5))
    reminders_send_due(today=days(0))
    reminders_send_due(today=days(2))

    rows = list(ReminderDelivery.objects.order_by("pk").values_list("due_on", "offset_days"))
    assert rows == [(DUE, 0), (days(5), 7), (days(5), 3)]
    assert len(mail.outbox) == 3
    assert "Due in 5 days" in mail.outbox[1].body


def test_done_and_archived_items_are_not_reminded(owner):
    ActionItemFactory(owner=owner, due_on=DUE, done=True)
    ActionItemFactory(owner=owner, due_on=DUE, archived_at=datetime(2027, 1, 1, tzinfo=UTC))

    assert reminders_send_due(today=days(0)).claimed == 0
    assert mail.outbox == []


def test_digest_users_get_one_e_mail_a_morning(owner):
    other = UserFactory(time_zone="Asia/Karachi")
    NotificationPreference.objects.create(user=owner, kind="action_item_due", frequency="digest")
    ActionItemFactory(owner=owner, due_on=DUE, title="First")
    ActionItemFactory(owner=owner, due_on=days(1), title="Second")
    ActionItemFactory(owner=other, due_on=DUE, title="Immediate")

    reminders_send_due(today=days(0))

    # The immediate user has their e-mail now; the digest user only sees the bell.
    assert [m.to for m in mail.outbox] == [[other.email]]
    assert Notification.objects.filter(recipient=owner).count() == 2
    # 06:30 in Karachi (UTC+5): too early.
    reminders_send_digests(now=datetime(2027, 3, 20, 1, 30, tzinfo=UTC))
    assert len(mail.outbox) == 1
    # 07:10 in Karachi: one digest with both items; later runs that day send nothing more.
    reminders_send_digests(now=datetime(2027, 3, 20, 2, 10, tzinfo=UTC))
    reminders_send_digests(now=datetime(2027, 3, 20, 9, 10, tzinfo=UTC))

    assert len(mail.outbox) == 2
    digest = mail.outbox[1]
    assert digest.to == [owner.email]
    assert "First" in digest.body
    assert "Second" in digest.body
    assert "2 items" in digest.subject
    assert set(
        ReminderDelivery.objects.filter(recipient=owner, channel="digest").values_list(
            "status", flat=True
        )
    ) == {"sent"}
    assert ReminderDelivery.objects.filter(kind="digest").count() == 1


def test_with_e_mail_off_the_reminder_only_reaches_the_bell(owner):
    NotificationPreference.objects.create(user=owner, kind="action_item_due", email_enabled=False)
    ActionItemFactory(owner=owner, due_on=DUE)

    reminders_send_due(today=days(0))

    assert mail.outbox == []
    delivery = ReminderDelivery.objects.get()
    assert (delivery.channel, delivery.status) == ("portal", "sent")
    assert Notification.objects.filter(recipient=owner).count() == 1


def test_today_is_the_users_own_today():
    # 20:30 UTC on 19 March is already 20 March in Auckland, still 19 March in Karachi.
    now = datetime(2027, 3, 19, 20, 30, tzinfo=UTC)
    assert local_today(UserFactory(time_zone="Pacific/Auckland"), now) == date(2027, 3, 20)
    assert local_today(UserFactory(time_zone="Asia/Karachi"), now) == date(2027, 3, 20)
    assert local_today(UserFactory(time_zone="America/New_York"), now) == date(2027, 3, 19)


def test_messages_use_the_users_language(owner):
    owner.preferred_language = "zh-hans"
    owner.save()
    ActionItemFactory(owner=owner, due_on=DUE)
    from django.utils import translation

    reminders_send_due(today=days(0))

    with translation.override("zh-hans"):
        from django.utils.translation import gettext

        expected_label = gettext("Action items")
    assert Notification.objects.get().title.startswith(expected_label)
    assert expected_label != "Action items"
    # The e-mail is rendered in the recipient's language too (the date in Chinese format).
    assert mail.outbox[0].subject.startswith(expected_label)
    assert "2027年3月20日" in mail.outbox[0].body


def test_a_failed_e_mail_is_marked_and_retried_with_back_off(owner, settings):
    settings.EMAIL_BACKEND = "tests.reminders.backends.FailingBackend"
    ActionItemFactory(owner=owner, due_on=DUE)

    result = reminders_send_due(today=days(0))

    delivery = ReminderDelivery.objects.get()
    assert (result.failed, delivery.status, delivery.attempts) == (1, "failed", 1)
    assert "hung up" in delivery.error
    # Within the back-off window nothing is tried again.
    reminders_send_due(today=days(0))
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    # After it the mail server is back: the reminder goes out, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ReminderDelivery.objects.filter(pk=delivery.pk).update(
        last_attempt_at=delivery.last_attempt_at - timedelta(minutes=5)
    )
    reminders_send_due(today=days(0))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(mail.outbox)) == ("sent", 2, 1)
    assert Notification.objects.count() == 1


def test_a_sent_row_is_never_sent_again(owner):
    ActionItemFactory(owner=owner, due_on=DUE)
    reminders_send_due(today=days(0))
    delivery = ReminderDelivery.objects.get()

    assert reminder_delivery_send(delivery_id=delivery.pk) is None
    assert len(mail.outbox) == 1


def test_inactive_people_are_not_reminded(owner):
    owner.is_active = False
    owner.save()
    ActionItemFactory(owner=owner, due_on=DUE)

    assert reminders_send_due(today=days(0)).claimed == 0


def test_nih_lead_is_not_escalated_their_own_item(persona):
    lead = persona("nih_lead")
    assert lead.groups.filter(name=Role.NIH_LEAD).exists()
    ActionItemFactory(owner=lead, due_on=DUE)

    reminders_send_due(today=days(8))

    assert not ReminderDelivery.objects.filter(is_escalation=True).exists()
