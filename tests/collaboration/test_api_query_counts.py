"""Every collaboration list endpoint runs the same small number of queries for 10 or 200 rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActionItemFactory,
    CapabilityFactory,
    DecisionFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeetingFactory,
    ObjectiveFactory,
    PriorityAreaFactory,
    RecommendationFactory,
    TeamMembershipFactory,
    TechnicalTeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _recommendations(count, shared):
    for _ in range(count):
        recommendation = RecommendationFactory(
            authors=[shared["author"], UserFactory()], priority_areas=[shared["area"]]
        )
        recommendation.capabilities.set([shared["capability"]])


def _priority_areas(count, shared):
    for _ in range(count):
        area = PriorityAreaFactory(lead=UserFactory())
        indicator = IndicatorFactory(
            objective=ObjectiveFactory(priority_area=area),
            baseline=Decimal("0"),
            target=Decimal("10"),
        )
        IndicatorValueFactory(indicator=indicator, actual=Decimal("5"))
        RecommendationFactory(priority_areas=[area])


def _capabilities(count, shared):
    for _ in range(count):
        CapabilityFactory().priority_areas.set([shared["area"], PriorityAreaFactory()])


def _meetings(count, shared):
    for _ in range(count):
        meeting = MeetingFactory()
        meeting.attendees.set([shared["author"]])
        DecisionFactory(meeting=meeting)


def _action_items(count, shared):
    for n in range(count):
        ActionItemFactory(
            owner=UserFactory(),
            meeting=MeetingFactory(),
            due_on=timezone.localdate() + dt.timedelta(days=n % 5 - 2),
            linked_type=shared["recommendation_type"],
            linked_id=shared["recommendation"].pk,
        )


def _team_members(count, shared):
    team = TechnicalTeamFactory()
    for _ in range(count):
        TeamMembershipFactory(team=team, user=UserFactory())


ENDPOINTS = {
    "recommendation": _recommendations,
    "priority-area": _priority_areas,
    "capability": _capabilities,
    "meeting": _meetings,
    "action-item": _action_items,
    "team-member": _team_members,
}

# Every request: token lookup, its last-used stamp, the caller's roles; then count and page.
# Recommendations add three prefetches and the caller's team place (for their available
# transitions); priority areas prefetch objectives, indicators and values; capabilities
# their priority areas.
MAX_QUERIES = {
    "recommendation": 10,  # incl. the change stamps read for the ETag
    "priority-area": 8,
    "capability": 6,
    "meeting": 5,
    "action-item": 5,
    "team-member": 5,
}


@pytest.fixture
def shared(team, nih_expert):
    from django.contrib.contenttypes.models import ContentType

    from collaboration.models import Recommendation

    recommendation = RecommendationFactory()
    return {
        "author": nih_expert,
        "area": PriorityAreaFactory(),
        "capability": CapabilityFactory(),
        "recommendation": recommendation,
        "recommendation_type": ContentType.objects.get_for_model(Recommendation),
    }


@pytest.mark.parametrize("basename", list(ENDPOINTS))
def test_list_query_count_is_flat_for_10_and_200_rows(
    api_as, nih_lead, shared, django_assert_max_num_queries, basename
):
    assert set(MAX_QUERIES) == set(ENDPOINTS)
    build = ENDPOINTS[basename]
    client = api_as(nih_lead)
    url = reverse(f"api:{basename}-list")

    build(10, shared)
    with django_assert_max_num_queries(MAX_QUERIES[basename]):
        small = client.get(url, {"page_size": 200})
    build(190, shared)
    with django_assert_max_num_queries(MAX_QUERIES[basename]):
        large = client.get(url, {"page_size": 200})

    assert small.status_code == large.status_code == 200
    assert large.json()["count"] - small.json()["count"] == 190
    assert len(large.json()["results"]) >= 200
