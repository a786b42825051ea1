"""Follow / Unfollow on record pages, the notice settings, and the counts on "My work"."""

import pytest
from django.urls import reverse

from events.models import Follow
from tests.factories import MouFactory, RecommendationFactory, VisitFactory

pytestmark = pytest.mark.django_db


def follow_url(label, pk):
    return reverse("events:follow", args=[label, pk])


@pytest.mark.parametrize(
    ("factory", "label", "page"),
    [
        (
            RecommendationFactory,
            "collaboration.recommendation",
            "collaboration:recommendation-detail",
        ),
        (VisitFactory, "delegations.visit", "delegations:visit-detail"),
        (MouFactory, "mou.mou", "mou:mou-detail"),
    ],
)
def test_follow_then_unfollow_from_the_page(client, ministry, factory, label, page):
    record = factory()
    client.force_login(ministry)
    url = reverse(page, args=[record.pk])

    assert "Follow" in client.get(url).content.decode()
    response = client.post(follow_url(label, record.pk), {"following": "1"})
    assert response.status_code == 302
    assert Follow.objects.filter(user=ministry, subject_id=record.pk).count() == 1
    assert "Unfollow" in client.get(url).content.decode()

    client.post(follow_url(label, record.pk), {"following": "0"})
    assert not Follow.objects.exists()


def test_htmx_swaps_the_button(client, ministry):
    rec = RecommendationFactory()
    client.force_login(ministry)

    response = client.post(
        follow_url("collaboration.recommendation", rec.pk),
        {"following": "1"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "Unfollow" in response.content.decode()


def test_bgi_cannot_follow_what_it_cannot_see(client, bgi_liaison):
    rec = RecommendationFactory()
    visit = VisitFactory()  # not shared
    client.force_login(bgi_liaison)

    assert (
        client.post(
            follow_url("collaboration.recommendation", rec.pk), {"following": "1"}
        ).status_code
        == 404
    )
    assert (
        client.post(follow_url("delegations.visit", visit.pk), {"following": "1"}).status_code
        == 404
    )
    assert not Follow.objects.exists()


def test_bgi_follows_a_shared_visit(client, bgi_liaison):
    visit = VisitFactory(shared=True)
    client.force_login(bgi_liaison)

    client.post(follow_url("delegations.visit", visit.pk), {"following": "1"})

    assert Follow.objects.filter(user=bgi_liaison).count() == 1


def test_an_unknown_kind_is_404(client, ministry):
    client.force_login(ministry)

    assert (
        client.post(follow_url("portal.user", ministry.pk), {"following": "1"}).status_code == 404
    )


def test_the_settings_page_lists_notices_with_off(client, nih_expert):
    client.force_login(nih_expert)

    page = client.get(reverse("notification-preferences")).content.decode()

    assert "Recommendations: steps and comments" in page
    assert 'name="event_recommendation__frequency" value="off"' in page
    assert 'name="action_item_due__frequency" value="off"' not in page


def test_saving_off_for_a_notice(client, nih_expert):
    client.force_login(nih_expert)

    from portal.notifications import notification_preferences_for

    data = {
        f"{row.kind.code}__frequency": row.frequency
        for row in notification_preferences_for(nih_expert)
    }
    data["event_recommendation__frequency"] = "off"

    response = client.post(reverse("notification-preferences"), data)

    assert response.status_code == 302

    pref = nih_expert.notification_preferences.get(kind="event_recommendation")
    assert pref.frequency == "off"


def test_my_work_shows_counts_of_what_waits(client, ministry):
    RecommendationFactory(submitted=True)
    client.force_login(ministry)

    page = client.get(reverse("collaboration:my-work")).content.decode()

    assert 'data-testid="my-work-counts"' in page
    assert "<strong>1</strong> Waiting for me" in page
    assert "Unread notifications" in page
