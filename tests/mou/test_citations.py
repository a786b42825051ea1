"""Recommendation and priority-area pages show the MoU clauses that cite them."""

import pytest
from django.urls import reverse

from mou.services import clause_from_recommendation
from tests.factories import MouFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


def test_an_approved_recommendation_turned_into_a_clause_is_cited_on_both_pages(client, ministry):
    recommendation = RecommendationFactory(
        approved=True, title="Carrier screening in ten districts"
    )
    mou = MouFactory()
    clause = clause_from_recommendation(mou=mou, recommendation=recommendation, actor=ministry)
    client.force_login(ministry)

    rec_page = client.get(reverse("collaboration:recommendation-detail", args=[recommendation.pk]))
    area = recommendation.priority_areas.get()
    area_page = client.get(reverse("collaboration:priority-area-detail", args=[area.slug]))

    link = f"{reverse('mou:clause-list', args=[mou.pk])}#clause-{clause.pk}"
    assert link in rec_page.content.decode()
    assert "Clause 1: Carrier screening in ten districts" in rec_page.content.decode()
    assert link in area_page.content.decode()


def test_a_recommendation_no_clause_cites_says_so(client, ministry):
    recommendation = RecommendationFactory()
    client.force_login(ministry)

    page = client.get(reverse("collaboration:recommendation-detail", args=[recommendation.pk]))

    assert "No clause of the MoU draft cites this yet." in page.content.decode()
