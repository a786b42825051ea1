"""The recommendation workflow: every transition allowed and refused, per role and per state."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from collaboration.models import Recommendation
from collaboration.services import recommendation_transition
from collaboration.workflows import RECOMMENDATION_FLOW
from portal.exceptions import Conflict, TransitionNotAllowed
from tests.factories import RecommendationFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Recommendation.Status
PERSONAS = [
    "ministry",
    "approver",
    "nih_lead",
    "nih_expert",
    "bgi_liaison",
    "api_client",
    "administrator",
]

# transition: the personas who may take it (one table for the whole role matrix)
MAY = {
    "send_to_team_review": {"nih_lead", "nih_expert"},
    "back_to_draft": {"nih_lead", "nih_expert"},
    "endorse": {"nih_lead"},
    "submit_to_ministry": {"nih_lead"},
    "approve": {"ministry", "approver"},
    "return_for_revision": {"ministry", "approver"},
    "reject": {"ministry", "approver"},
    "reopen": {"nih_lead", "nih_expert"},
}


def test_the_table_covers_every_transition():
    assert set(MAY) == set(RECOMMENDATION_FLOW.transitions)


@pytest.mark.parametrize("name", sorted(MAY))
@pytest.mark.parametrize("who", PERSONAS)
def test_each_role_may_take_only_its_transitions(team, persona, name, who):
    actor = team.memberships.get(user__username=who).user if who.startswith("nih") else persona(who)
    transition = RECOMMENDATION_FLOW.get(name)
    recommendation = RecommendationFactory(status=sorted(transition.source)[0])

    if who in MAY[name]:
        moved = recommendation_transition(
            recommendation=recommendation, name=name, actor=actor, comment="Because.",
            expected_version=recommendation.version,
        )  # fmt: skip
        assert moved.status == transition.target
        log = moved.transitions.get()
        assert (log.actor, log.transition, log.comment) == (actor, name, "Because.")
    else:
        with pytest.raises(PermissionDenied):
            recommendation_transition(
                recommendation=recommendation, name=name, actor=actor, comment="x"
            )
        recommendation.refresh_from_db()
        assert recommendation.status in transition.source
        assert recommendation.transitions.count() == 0


def _allowed_actor(name, users):
    return users["nih_lead"] if "nih_lead" in MAY[name] else users["ministry"]


@pytest.mark.parametrize("status", list(S.values))
@pytest.mark.parametrize("name", sorted(MAY))
def test_transition_allowed_if_and_only_if_the_status_is_a_source(team, ministry, status, name):
    users = {"nih_lead": team.memberships.get(role="lead").user, "ministry": ministry}
    recommendation = RecommendationFactory(status=status)
    transition = RECOMMENDATION_FLOW.get(name)

    if status in transition.source:
        moved = recommendation_transition(
            recommendation=recommendation,
            name=name,
            actor=_allowed_actor(name, users),
            comment="ok",
        )
        assert moved.status == transition.target
        assert moved.version == 2
    else:
        with pytest.raises(TransitionNotAllowed) as error:
            recommendation_transition(
                recommendation=recommendation,
                name=name,
                actor=_allowed_actor(name, users),
                comment="ok",
            )
        assert error.value.code == "transition_not_allowed"
        recommendation.refresh_from_db()
        assert (recommendation.status, recommendation.version) == (status, 1)


@pytest.mark.parametrize("name", ["return_for_revision", "reject"])
def test_returning_or_rejecting_needs_a_reason(ministry, name):
    recommendation = RecommendationFactory(submitted=True)

    with pytest.raises(TransitionNotAllowed, match="needs a comment"):
        recommendation_transition(
            recommendation=recommendation, name=name, actor=ministry, comment=""
        )

    recommendation.refresh_from_db()
    assert recommendation.status == S.SUBMITTED


def test_an_nih_expert_who_is_not_on_the_team_cannot_move_a_recommendation(team):
    outsider = UserFactory(username="outsider", roles=["nih_expert"])
    recommendation = RecommendationFactory()

    with pytest.raises(PermissionDenied):
        recommendation_transition(
            recommendation=recommendation, name="send_to_team_review", actor=outsider
        )


def test_a_former_member_loses_the_right_when_the_membership_ends(team, nih_expert):
    from collaboration.services import team_member_end

    team_member_end(
        membership=team.memberships.get(user=nih_expert),
        actor=team.memberships.get(role="lead").user,
        ended_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    nih_expert._collab_team_member = None  # a new request would not have the cached answer

    with pytest.raises(PermissionDenied):
        recommendation_transition(
            recommendation=RecommendationFactory(), name="send_to_team_review", actor=nih_expert
        )


def test_submitting_to_the_ministry_records_the_official_reference(team, nih_lead):
    recommendation = RecommendationFactory(endorsed=True)

    moved = recommendation_transition(
        recommendation=recommendation, name="submit_to_ministry", actor=nih_lead,
        official_reference="F.No. 12-9/2026-IHR",
    )  # fmt: skip

    assert moved.official_reference == "F.No. 12-9/2026-IHR"
    assert moved.history.latest().official_reference == "F.No. 12-9/2026-IHR"


def test_an_archived_recommendation_cannot_move(team, nih_expert, nih_lead):
    from collaboration.services import recommendation_archive

    recommendation = recommendation_archive(recommendation=RecommendationFactory(), actor=nih_lead)

    with pytest.raises(Conflict):
        recommendation_transition(
            recommendation=recommendation, name="send_to_team_review", actor=nih_expert
        )


def test_available_transitions_follow_role_and_state(
    team, nih_expert, nih_lead, ministry, bgi_liaison
):
    draft = RecommendationFactory()
    in_review = RecommendationFactory(team_review=True)
    submitted = RecommendationFactory(submitted=True)

    assert [t.name for t in RECOMMENDATION_FLOW.available(draft, nih_expert)] == [
        "send_to_team_review"
    ]
    assert [t.name for t in RECOMMENDATION_FLOW.available(in_review, nih_lead)] == [
        "back_to_draft",
        "endorse",
    ]
    assert [t.name for t in RECOMMENDATION_FLOW.available(submitted, ministry)] == [
        "approve", "return_for_revision", "reject",
    ]  # fmt: skip
    assert RECOMMENDATION_FLOW.available(submitted, bgi_liaison) == []
