"""What a reader is shown, computed on every request with no read cache: never another
viewer's answer, never a record they may not see, never a stale one after a write.

The read cache (portal/caching.py) is gone; conditional requests (tests/portal/
test_conditional_reads.py) make repeated reads cheap instead. These guarantees held for it and
hold now on every path.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from collaboration.models import Recommendation
from portal.models import Notification
from portal.notifications import notification_mark_all_read, notification_mark_read
from tests.factories import (
    ActionItemFactory,
    PriorityAreaFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


# What users see -------------------------------------------------------------------------------


def test_the_api_list_shows_a_recommendation_created_and_renamed_through_the_api(
    api_as, team, nih_expert
):
    area = PriorityAreaFactory(slug="thalassemia")
    client = api_as(nih_expert)
    url = reverse("api:recommendation-list")
    assert client.get(url).json()["count"] == 0

    created = client.post(
        url,
        {"title": "Carrier screening", "summary": "Screen couples.", "priority_areas": [area.slug]},
        format="json",
    )
    assert created.status_code == 201, created.content
    listed = client.get(url).json()
    assert [row["title"] for row in listed["results"]] == ["Carrier screening"]

    detail = reverse("api:recommendation-detail", args=[created.json()["id"]])
    renamed = client.patch(
        detail, {"title": "Premarital carrier screening", "note": "Title"}, HTTP_IF_MATCH='"1"'
    )
    assert renamed.status_code == 200, renamed.content
    listed = client.get(url).json()
    assert [row["title"] for row in listed["results"]] == ["Premarital carrier screening"]


def test_a_recommendation_read_again_after_an_edit_has_the_new_text_and_etag(
    api_as, team, nih_expert, bgi_liaison
):
    recommendation = RecommendationFactory(title="Old title", authors=[nih_expert])
    client = api_as(nih_expert)
    url = reverse("api:recommendation-detail", args=[recommendation.pk])
    assert client.get(url)["ETag"] == '"1"'
    assert client.get(url, HTTP_IF_NONE_MATCH='"1"').status_code == 304

    edited = client.patch(url, {"title": "New title", "note": "Title"}, HTTP_IF_MATCH='"1"')
    assert edited.status_code == 200
    again = client.get(url, HTTP_IF_NONE_MATCH='"1"')

    assert again.status_code == 200
    assert again["ETag"] == '"2"'
    assert again.json()["title"] == "New title"
    assert api_as(bgi_liaison).get(url).status_code == 404


def test_the_api_list_gives_each_user_their_own_available_steps(api_as, team, nih_lead, ministry):
    RecommendationFactory(status=Recommendation.Status.TEAM_REVIEW)
    url = reverse("api:recommendation-list")

    lead_steps = api_as(nih_lead).get(url).json()["results"][0]["available_transitions"]
    ministry_steps = api_as(ministry).get(url).json()["results"][0]["available_transitions"]

    assert "endorse" in lead_steps
    assert ministry_steps == []


def test_the_list_page_shows_a_renamed_recommendation(client, team, nih_expert):
    recommendation = RecommendationFactory(title="Newborn screening pilot")
    url = reverse("collaboration:recommendation-list")
    client.force_login(nih_expert)
    before = client.get(url).content.decode()

    recommendation.title = "Newborn screening in Islamabad"
    recommendation.save()
    after = client.get(url).content.decode()

    assert "Newborn screening pilot" in before
    assert "Newborn screening in Islamabad" in after
    assert "Newborn screening pilot" not in after


def test_the_list_page_of_one_user_is_never_shown_to_another(team, nih_expert, ministry):
    RecommendationFactory(title="Newborn screening pilot")
    url = reverse("collaboration:recommendation-list")
    expert, staff = Client(), Client()
    expert.force_login(nih_expert)
    staff.force_login(ministry)

    expert_page = expert.get(url).content.decode()
    ministry_page = staff.get(url).content.decode()

    assert "New recommendation" in expert_page
    assert "Newborn screening pilot" in ministry_page
    assert "New recommendation" not in ministry_page


def test_the_bell_on_a_page_counts_a_new_notification(client, team, ministry):
    RecommendationFactory()
    url = reverse("collaboration:recommendation-list")
    client.force_login(ministry)
    client.get(url)

    Notification.objects.create(recipient=ministry, kind="action_item", title="Due", url="/")
    page = client.get(url).content.decode()

    assert 'data-testid="unread-count">1<' in page


def test_the_dashboard_shows_a_renamed_priority_area(client, ministry):
    area = PriorityAreaFactory(name="Thalassemia prevention")
    client.force_login(ministry)
    before = client.get(reverse("home")).content.decode()

    area.name = "Thalassemia prevention and care"
    area.save()
    after = client.get(reverse("home")).content.decode()

    assert "Thalassemia prevention" in before
    assert "Thalassemia prevention and care" not in before
    assert "Thalassemia prevention and care" in after


def test_the_status_api_counts_a_new_action_item_and_changes_its_etag(
    api_as, api_client, django_capture_on_commit_callbacks
):
    client = api_as(api_client)
    url = reverse("api:status")
    before = client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        ActionItemFactory()
    after = client.get(url)

    assert before["ETag"] != after["ETag"]
    assert after.json()["action_items"]["upcoming"] == before.json()["action_items"]["upcoming"] + 1


# The bell ------------------------------------------------------------------------------------------


def _bell(client):
    html = client.get(reverse("profile")).content.decode()
    match = re.search(r'data-testid="unread-count">(\d+)<', html)
    return int(match.group(1)) if match else 0


def test_the_bell_counts_again_when_a_notification_is_added_or_read(client, ministry):
    first = Notification.objects.create(recipient=ministry, kind="action_item", title="A", url="/")
    Notification.objects.create(recipient=ministry, kind="action_item", title="B", url="/")
    client.force_login(ministry)
    shown = [_bell(client)]

    Notification.objects.create(recipient=ministry, kind="action_item", title="C", url="/")
    shown.append(_bell(client))
    notification_mark_read(notification=first, actor=ministry)
    shown.append(_bell(client))
    notification_mark_all_read(user=ministry, actor=ministry)
    shown.append(_bell(client))

    assert shown == [2, 3, 2, 0]


def test_an_unshared_visit_is_gone_for_bgi_at_once_even_if_the_bump_was_lost(
    client, api_as, bgi_liaison
):
    """The unsharing is written without a signal (no stamp moves): the liaison must still be
    refused at once, on the API and the dashboard."""
    from delegations.models import Visit
    from tests.factories import VisitFactory

    visit = VisitFactory(shared=True, title="Shared visit to Shenzhen")
    api = api_as(bgi_liaison)
    url = reverse("api:visit-detail", args=[visit.pk])
    client.force_login(bgi_liaison)
    assert api.get(url).status_code == 200
    assert "Shared visit to Shenzhen" in client.get(reverse("home")).content.decode()

    Visit.objects.filter(pk=visit.pk).update(is_shared_with_bgi=False)  # no signal, no stamp

    assert api.get(url).status_code == 404
    assert "Shared visit to Shenzhen" not in client.get(reverse("home")).content.decode()


def test_a_role_taken_away_is_refused_at_once(api_as, ministry):
    from portal.models import Role

    client = api_as(ministry)
    assert client.get(reverse("api:status")).status_code == 200

    # The group change is recorded without the many-to-many signal (no stamp moves).
    ministry.groups.through.objects.filter(user_id=ministry.pk, group__name=Role.MINISTRY).delete()

    assert client.get(reverse("api:status")).status_code == 403
