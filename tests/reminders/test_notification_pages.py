"""The bell, the notifications page, mark as read, reminder settings and the profile link."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Notification, NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def notify(user, title="Send the report", *, read=False, minutes_ago=0, url="/action-items/1/"):
    return Notification.objects.create(
        recipient=user,
        kind="action_item_due",
        title=title,
        body="Due today.",
        url=url,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        read_at=timezone.now() if read else None,
    )


def test_the_bell_shows_the_unread_count_with_hidden_text(client, nih_expert):
    notify(nih_expert)
    notify(nih_expert, "Second")
    notify(nih_expert, "Old", read=True)
    notify(UserFactory(), "Someone else's")
    client.force_login(nih_expert)

    page = client.get(reverse("home")).content.decode()

    assert 'data-testid="notification-bell"' in page
    assert 'data-testid="unread-count">2<' in page
    assert "unread notifications" in page


def test_the_bell_has_no_badge_when_all_is_read(client, nih_expert):
    notify(nih_expert, read=True)
    client.force_login(nih_expert)

    page = client.get(reverse("home")).content.decode()

    assert 'data-testid="notification-bell"' in page
    assert 'data-testid="unread-count"' not in page


def test_anonymous_visitors_see_no_bell(client):
    page = client.get(reverse("login")).content.decode()
    assert "notification-bell" not in page


def test_the_page_lists_own_notifications_unread_first(
    client, nih_expert, django_assert_max_num_queries
):
    notify(nih_expert, "Read one", read=True, minutes_ago=1)
    notify(nih_expert, "Older unread", minutes_ago=10)
    notify(nih_expert, "Newest unread", minutes_ago=0)
    notify(UserFactory(), "Not yours")
    client.force_login(nih_expert)

    with django_assert_max_num_queries(8):
        page = client.get(reverse("notification-list")).content.decode()

    assert page.index("Newest unread") < page.index("Older unread") < page.index("Read one")
    assert "Not yours" not in page
    assert page.count("Mark as read") == 2
    assert "Mark all as read" in page
    assert reverse("notification-preferences") in page


def test_with_everything_read_there_is_no_mark_all_button(client, nih_expert):
    notify(nih_expert, "Read one", read=True)
    client.force_login(nih_expert)

    page = client.get(reverse("notification-list")).content.decode()

    assert "Read one" in page
    assert "Mark all as read" not in page


def test_the_page_is_paginated_with_a_bounded_number_of_queries(
    client, nih_expert, django_assert_max_num_queries
):
    for n in range(45):
        notify(nih_expert, f"Item {n}")
    client.force_login(nih_expert)

    with django_assert_max_num_queries(8):
        first = client.get(reverse("notification-list"))
    third = client.get(reverse("notification-list") + "?page=3").content.decode()

    assert first.content.decode().count('data-testid="notification"') == 20
    assert third.count('data-testid="notification"') == 5


def test_mark_as_read_without_javascript_returns_to_the_page(client, nih_expert):
    notification = notify(nih_expert)
    client.force_login(nih_expert)

    response = client.post(reverse("notification-read", args=[notification.pk]), {"page": "2"})

    assert response.status_code == 302
    assert response["Location"].endswith("/notifications/?page=2")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_as_read_with_htmx_swaps_the_item(client, nih_expert):
    notify(nih_expert, "Still unread")
    notification = notify(nih_expert, "Swap me")
    client.force_login(nih_expert)

    response = client.post(
        reverse("notification-read", args=[notification.pk]), headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{notification.pk}"' in body
    assert "Swap me" in body
    assert "Mark as read" not in body
    assert "<html" not in body
    assert response["HX-Trigger"] == "notifications-changed"
    # The bell is swapped out of band: one unread left, shown in its badge.
    assert 'id="nav-notifications"' in body
    assert 'hx-swap-oob="true"' in body
    assert 'data-testid="unread-count">1<' in body


def test_reading_is_a_post_and_only_for_your_own(client, nih_expert):
    mine = notify(nih_expert)
    theirs = notify(UserFactory())
    client.force_login(nih_expert)

    assert client.get(reverse("notification-read", args=[mine.pk])).status_code == 405
    assert client.post(reverse("notification-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read(client, nih_expert):
    notify(nih_expert)
    notify(nih_expert)
    other = notify(UserFactory())
    client.force_login(nih_expert)

    page = client.post(reverse("notification-read-all"), follow=True).content.decode()

    assert "2 notifications marked as read." in page
    assert not Notification.objects.filter(recipient=nih_expert, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_the_page_needs_a_login(client):
    response = client.get(reverse("notification-list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_settings_page_has_a_labelled_row_per_kind(client, nih_expert):
    client.force_login(nih_expert)

    page = client.get(reverse("notification-preferences")).content.decode()

    for code in ["action_item_due", "mou_review_due", "visit_visa_missing", "mou_expiry"]:
        assert f'data-testid="preference-{code}"' in page
        assert f'for="id_{code}__email"' in page
    assert page.count("checked") >= 14  # e-mail on and "immediately" for every kind by default


def test_saving_the_settings(client, nih_expert):
    client.force_login(nih_expert)
    data = {
        "action_item_due__email": "on",
        "action_item_due__frequency": "digest",
        "mou_review_due__frequency": "immediate",  # e-mail box left unticked: off
    }
    from portal.notifications import notification_preferences_for

    # Every row the page shows: the reminder kinds and the notices of events.
    for code in (row.kind.code for row in notification_preferences_for(nih_expert)):
        data.setdefault(f"{code}__frequency", "immediate")
        if code not in {"mou_review_due"}:
            data.setdefault(f"{code}__email", "on")

    response = client.post(reverse("notification-preferences"), data, follow=True)

    assert "Your reminder settings are saved." in response.content.decode()
    prefs = {
        p.kind: (p.email_enabled, p.frequency) for p in nih_expert.notification_preferences.all()
    }
    assert prefs["action_item_due"] == (True, "digest")
    assert prefs["mou_review_due"] == (False, "immediate")


def test_an_unknown_frequency_is_refused(client, nih_expert):
    client.force_login(nih_expert)

    response = client.post(
        reverse("notification-preferences"), {"action_item_due__frequency": "hourly"}
    )

    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()


def test_the_profile_links_to_the_reminder_settings(client, nih_expert):
    client.force_login(nih_expert)
    page = client.get(reverse("profile")).content.decode()
    assert reverse("notification-preferences") in page


def test_the_settings_page_warns_when_there_is_no_e_mail_address(client):
    user = UserFactory(email="")
    client.force_login(user)
    page = client.get(reverse("notification-preferences")).content.decode()
    assert "no e-mail address" in page
