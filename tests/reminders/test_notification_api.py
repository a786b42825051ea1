"""/api/v1/notifications/: list own, filter unread, mark one or all as read."""

import pytest
from django.utils import timezone

from portal.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def notify(user, title="Reminder", *, read=False):
    return Notification.objects.create(
        recipient=user, kind="mou_expiry", title=title, url="/mou/1/",
        read_at=timezone.now() if read else None,
    )  # fmt: skip


def test_lists_only_the_callers_notifications_unread_first(
    api_as, nih_expert, django_assert_max_num_queries
):
    notify(nih_expert, "Read", read=True)
    notify(nih_expert, "Unread")
    notify(UserFactory(), "Not yours")
    client = api_as(nih_expert)

    with django_assert_max_num_queries(8):
        response = client.get(URL)

    assert response.status_code == 200
    titles = [row["title"] for row in response.json()["results"]]
    assert titles == ["Unread", "Read"]
    first = response.json()["results"][0]
    assert set(first) == {"id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"}
    assert first["is_read"] is False


def test_filters_unread_and_read(api_as, nih_expert):
    notify(nih_expert, "Read", read=True)
    notify(nih_expert, "Unread")
    client = api_as(nih_expert)

    assert [r["title"] for r in client.get(URL, {"unread": "true"}).json()["results"]] == ["Unread"]
    assert [r["title"] for r in client.get(URL, {"unread": "false"}).json()["results"]] == ["Read"]
    unclear = client.get(URL, {"unread": "maybe"})
    assert unclear.status_code == 400
    assert "unread" in unclear.json()["error"]["fields"]


def test_marks_one_as_read(api_as, nih_expert):
    notification = notify(nih_expert)
    client = api_as(nih_expert)

    response = client.post(f"{URL}{notification.pk}/read/")

    assert response.status_code == 200
    assert response.json()["is_read"] is True
    assert response.json()["read_at"]
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_cannot_read_someone_elses(api_as, nih_expert):
    theirs = notify(UserFactory())

    response = api_as(nih_expert).post(f"{URL}{theirs.pk}/read/")

    assert response.status_code == 404
    assert response.json()["error"]["code"]
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marks_all_as_read(api_as, nih_expert):
    notify(nih_expert)
    notify(nih_expert)
    notify(nih_expert, read=True)
    other = notify(UserFactory())

    response = api_as(nih_expert).post(f"{URL}read-all/")

    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    other.refresh_from_db()
    assert other.read_at is None


def test_needs_authentication(client):
    assert client.get(URL).status_code == 401


def test_the_api_root_links_to_notifications(api_as, nih_expert):
    assert "notifications" in api_as(nih_expert).get("/api/v1/").json()
