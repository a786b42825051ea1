"""Priority areas, indicators, the technical team, meetings and action items."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from collaboration import policies
from collaboration.models import ActionItem, Indicator, IndicatorValue, TeamMembership
from collaboration.services import (
    ActionItemData,
    MeetingData,
    action_item_create,
    action_item_transition,
    decision_add,
    indicator_create,
    indicator_value_record,
    meeting_create,
    team_member_add,
    team_member_end,
    team_size_warning,
    team_update,
)
from portal.exceptions import Conflict, StaleVersion, TransitionNotAllowed
from tests.factories import (
    ActionItemFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgrammeFactory,
    TeamMembershipFactory,
    TechnicalTeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "expected"),
    [
        ("10", "60", "35", 50),
        ("10", "60", "10", 0),
        ("10", "60", "80", 100),
        ("10", "60", "5", 0),
        ("36", "6", "24", 40),  # lower is better: from 36 months toward 6
        ("36", "6", None, None),
    ],
)
def test_indicator_progress_toward_target(baseline, target, actual, expected):
    indicator = Indicator(baseline=Decimal(baseline), target=Decimal(target))

    assert indicator.progress_of(Decimal(actual) if actual else None) == expected


def test_an_indicator_whose_direction_contradicts_its_target_is_refused(ministry):
    with pytest.raises(ValidationError) as error:
        indicator_create(
            objective=ObjectiveFactory(), name="Time to diagnosis", unit="months",
            baseline=Decimal("36"), target=Decimal("6"), direction="increase", actor=ministry,
        )  # fmt: skip

    assert "direction" in error.value.message_dict
    assert Indicator.objects.count() == 0


def test_recording_a_value_twice_for_a_period_corrects_it(ministry):
    indicator = IndicatorFactory()

    for actual in ("20", "25"):
        indicator_value_record(
            indicator=indicator, period="2026-Q3", period_end_on=datetime.date(2026, 9, 30),
            actual=Decimal(actual), actor=ministry,
        )  # fmt: skip

    value = IndicatorValue.objects.get()
    assert value.actual == Decimal("25")
    assert value.history.count() == 2
    assert value.history.latest().history_user == ministry


def test_the_area_lead_records_values_but_another_expert_cannot(nih_expert, nih_expert2):
    indicator = IndicatorFactory(objective__priority_area__lead=nih_expert)

    indicator_value_record(
        indicator=indicator, period="2026-Q3", period_end_on=datetime.date(2026, 9, 30),
        actual=Decimal("30"), actor=nih_expert,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        indicator_value_record(
            indicator=indicator, period="2026-Q4", period_end_on=datetime.date(2026, 12, 31),
            actual=Decimal("40"), actor=nih_expert2,
        )  # fmt: skip

    assert IndicatorValue.objects.count() == 1


@pytest.mark.parametrize(("members", "warned"), [(1, True), (2, False), (3, False), (4, True)])
def test_team_size_warning_outside_two_to_three(members, warned):
    team = TechnicalTeamFactory()
    for _ in range(members):
        TeamMembershipFactory(team=team, user=UserFactory(roles=["nih_expert"]))
    TeamMembershipFactory(
        team=team, user=UserFactory(roles=["nih_expert"]), ended_on=datetime.date(2026, 2, 1)
    )

    warning = team_size_warning(team)

    assert bool(warning) is warned
    if warned:
        assert f"it has {members} active member(s)" in warning


def test_the_lead_adds_and_ends_members_and_experts_cannot(team, nih_lead, nih_expert):
    newcomer = UserFactory(username="newcomer", roles=["nih_expert"])

    membership = team_member_add(team=team, user=newcomer, actor=nih_lead, expertise="Oncology")
    with pytest.raises(Conflict):
        team_member_add(team=team, user=newcomer, actor=nih_lead)
    with pytest.raises(PermissionDenied):
        team_member_end(membership=membership, actor=nih_expert)
    ended = team_member_end(membership=membership, actor=nih_lead)

    assert ended.ended_on == timezone.localdate()
    assert ended.history.latest().history_user == nih_lead


def test_only_nih_people_join_the_team(team, nih_lead, ministry):
    with pytest.raises(ValidationError):
        team_member_add(team=team, user=ministry, actor=nih_lead)

    assert not TeamMembership.objects.filter(user=ministry).exists()


def test_terms_of_reference_edit_refuses_a_stale_version(team, nih_lead):
    team_update(
        team=team, actor=nih_lead, expected_version=1, name=team.name, terms_of_reference="A"
    )

    with pytest.raises(StaleVersion):
        team_update(
            team=team, actor=nih_lead, expected_version=1, name=team.name, terms_of_reference="B"
        )

    team.refresh_from_db()
    assert (team.terms_of_reference, team.version) == ("A", 2)


def test_ministry_records_a_meeting_with_decisions_and_action_items(ministry, nih_lead):
    meeting = meeting_create(
        programme=ProgrammeFactory(), actor=ministry,
        data=MeetingData(title="Kickoff", held_at=timezone.now(), attendees=[nih_lead]),
    )  # fmt: skip
    decision = decision_add(meeting=meeting, text="Form the technical team", actor=ministry)

    item = action_item_create(
        programme=meeting.programme, actor=ministry,
        data=ActionItemData(
            title="Constitute the team", owner=nih_lead, due_on=timezone.localdate(),
            decision=decision, linked_record=meeting,
        ),
    )  # fmt: skip

    assert item.meeting == meeting
    assert item.linked_record == meeting
    assert list(meeting.attendees.all()) == [nih_lead]
    assert ActionItem.objects.linked_to(meeting).get() == item


def test_an_nih_expert_cannot_record_meetings(nih_expert):
    with pytest.raises(PermissionDenied):
        meeting_create(
            programme=ProgrammeFactory(), actor=nih_expert,
            data=MeetingData(title="x", held_at=timezone.now()),
        )  # fmt: skip


def test_the_owner_completes_their_action_item_and_completion_time_is_kept(nih_expert, nih_expert2):
    item = ActionItemFactory(owner=nih_expert)

    with pytest.raises(PermissionDenied):
        action_item_transition(item=item, name="complete", actor=nih_expert2)
    done = action_item_transition(item=item, name="complete", actor=nih_expert)

    assert done.status == ActionItem.Status.DONE
    assert done.completed_at is not None
    with pytest.raises(TransitionNotAllowed):
        action_item_transition(item=done, name="start", actor=nih_expert)
    reopened = action_item_transition(item=done, name="reopen", actor=nih_expert)
    assert reopened.completed_at is None


def test_overdue_action_items_are_open_ones_past_their_date(nih_expert):
    today = timezone.localdate()
    late = ActionItemFactory(owner=nih_expert, due_on=today - datetime.timedelta(days=2))
    ActionItemFactory(owner=nih_expert, due_on=today - datetime.timedelta(days=2), done=True)
    ActionItemFactory(owner=nih_expert, due_on=today + datetime.timedelta(days=2))

    assert list(ActionItem.objects.overdue(today)) == [late]


POLICY_TABLE = {
    # policy: personas for whom it is True
    "can_view_programme": {
        "ministry",
        "approver",
        "nih_lead",
        "nih_expert",
        "api_client",
        "administrator",
    },
    "can_manage_programme": {"ministry", "approver", "nih_lead"},
    "can_manage_team": {"nih_lead"},
    "can_create_recommendation": {"nih_lead", "nih_expert"},
    "can_record_meeting": {"ministry", "approver"},
    "can_manage_action_items": {"ministry", "approver"},
}
ALL = [
    "ministry",
    "approver",
    "nih_lead",
    "nih_expert",
    "bgi_liaison",
    "api_client",
    "administrator",
]


@pytest.mark.parametrize("who", ALL)
@pytest.mark.parametrize("policy", sorted(POLICY_TABLE))
def test_policy_matrix(team, persona, policy, who):
    user = team.memberships.get(user__username=who).user if who.startswith("nih") else persona(who)

    assert getattr(policies, policy)(user) is (who in POLICY_TABLE[policy])


@pytest.mark.parametrize(
    ("start", "name", "end"),
    [("proposed", "activate", "active"), ("active", "pause", "paused"),
     ("paused", "resume", "active"), ("active", "complete", "completed")],
)  # fmt: skip
def test_a_priority_area_moves_through_its_states_with_a_record(ministry, start, name, end):
    from collaboration.services import priority_area_transition
    from tests.factories import PriorityAreaFactory

    area = PriorityAreaFactory(status=start)

    moved = priority_area_transition(area=area, name=name, actor=ministry, comment="Agreed.")

    assert moved.status == end
    assert (moved.transitions.get().actor, moved.history.latest().history_user) == (
        ministry,
        ministry,
    )


def test_an_nih_expert_cannot_change_a_priority_areas_state_and_completed_is_final(
    ministry, nih_expert
):
    from collaboration.services import priority_area_transition
    from tests.factories import PriorityAreaFactory

    with pytest.raises(PermissionDenied):
        priority_area_transition(area=PriorityAreaFactory(), name="complete", actor=nih_expert)
    done = PriorityAreaFactory(status="completed")
    with pytest.raises(TransitionNotAllowed):
        priority_area_transition(area=done, name="pause", actor=ministry, comment="x")
