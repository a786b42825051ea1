"""The technical team page: members, the size warning, and the lead's management of the team."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from collaboration.models import TeamMembership, TechnicalTeam
from portal.models import Role
from tests.factories import TeamMembershipFactory, TechnicalTeamFactory, UserFactory

pytestmark = pytest.mark.django_db

WARNING = "The technical team should have two to three experts"


def _nih_expert(name):
    return UserFactory(username=name, full_name=name.title(), roles=[Role.NIH_EXPERT])


def test_team_page_says_when_there_is_no_team(client, nih_expert):
    client.force_login(nih_expert)

    response = client.get(reverse("collaboration:team-detail"))

    assert response.status_code == 200
    assert "The NIH technical team has not been set up yet." in response.content.decode()


def test_team_page_shows_name_terms_and_members(client, nih_expert, nih_lead):
    team = TechnicalTeamFactory(
        name="NIH genomics team", terms_of_reference="Write **detailed** recommendations."
    )
    TeamMembershipFactory(
        team=team,
        user=nih_lead,
        role=TeamMembership.Role.LEAD,
        expertise="Public health genomics",
        started_on=dt.date(2026, 2, 1),
    )
    TeamMembershipFactory(team=team, user=nih_expert, expertise="Haematology")
    former = _nih_expert("former")
    TeamMembershipFactory(
        team=team, user=former, started_on=dt.date(2025, 1, 1), ended_on=dt.date(2025, 12, 31)
    )
    client.force_login(nih_expert)

    html = client.get(reverse("collaboration:team-detail")).content.decode()

    assert "NIH genomics team" in html
    assert "<strong>detailed</strong>" in html
    current = html.split('id="current-heading"', 1)[1].split('id="past-heading"', 1)[0]
    past = html.split('id="past-heading"', 1)[1]
    assert nih_lead.display_name in current
    assert "Lead" in current
    assert "Public health genomics" in current
    assert "Haematology" in current
    assert "Former" in past
    assert "Former" not in current


@pytest.mark.parametrize(("size", "warned"), [(1, True), (3, False), (4, True)])
def test_team_size_warning_when_outside_two_to_three(client, nih_lead, size, warned):
    team = TechnicalTeamFactory()
    for n in range(size):
        TeamMembershipFactory(team=team, user=_nih_expert(f"expert{n}"))
    client.force_login(nih_lead)

    html = client.get(reverse("collaboration:team-detail")).content.decode()

    assert (WARNING in html) is warned
    assert ('class="alert alert-warning"' in html) is warned
    if warned:
        assert f"it has {size} active member(s)" in html


def test_expert_sees_the_team_read_only(client, team, nih_expert):
    client.force_login(nih_expert)

    html = client.get(reverse("collaboration:team-detail")).content.decode()

    assert reverse("collaboration:team-update") not in html
    assert reverse("collaboration:team-member-add") not in html
    assert "End membership" not in html


def test_lead_sees_the_management_controls(client, team, nih_lead):
    _nih_expert("candidate")
    client.force_login(nih_lead)

    html = client.get(reverse("collaboration:team-detail")).content.decode()

    assert reverse("collaboration:team-update") in html
    assert reverse("collaboration:team-member-add") in html
    assert "End membership" in html
    assert "Candidate" in html


# Adding and ending members ------------------------------------------------------------------


def _add_form(user, **overrides):
    data = {"user": user.pk, "role": "expert", "expertise": "Bioinformatics",
            "started_on": "2026-10-01"}  # fmt: skip
    data.update(overrides)
    return data


def test_lead_adds_a_member(client, team, nih_lead):
    newcomer = _nih_expert("newcomer")
    client.force_login(nih_lead)

    response = client.post(reverse("collaboration:team-member-add"), _add_form(newcomer))

    assert response.status_code == 302
    membership = team.memberships.get(user=newcomer)
    assert membership.expertise == "Bioinformatics"
    assert membership.started_on == dt.date(2026, 10, 1)
    assert membership.ended_on is None


def test_add_member_lists_only_nih_people_not_on_the_team(client, team, nih_lead, ministry):
    newcomer = _nih_expert("newcomer")
    client.force_login(nih_lead)

    html = client.get(reverse("collaboration:team-member-add")).content.decode()

    assert f'value="{newcomer.pk}"' in html
    assert f'value="{nih_lead.pk}"' not in html
    assert f'value="{ministry.pk}"' not in html


def test_adding_someone_not_offered_is_refused_with_a_field_error(client, team, nih_lead, ministry):
    client.force_login(nih_lead)

    response = client.post(reverse("collaboration:team-member-add"), _add_form(ministry))

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not team.memberships.filter(user=ministry).exists()


def test_expert_cannot_add_a_member(client, team, nih_expert):
    newcomer = _nih_expert("newcomer")
    client.force_login(nih_expert)

    response = client.post(reverse("collaboration:team-member-add"), _add_form(newcomer))

    assert response.status_code == 403
    assert not team.memberships.filter(user=newcomer).exists()


def test_lead_ends_a_membership_today(client, team, nih_lead, nih_expert2):
    membership = team.memberships.get(user=nih_expert2)
    client.force_login(nih_lead)

    response = client.post(
        reverse("collaboration:team-member-end", args=[membership.pk]), {"ended_on": ""}
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_on == timezone.localdate()
    # Today is still their last day on the team: no second "End" button for them.
    html = client.get(reverse("collaboration:team-detail")).content.decode()
    assert reverse("collaboration:team-member-end", args=[membership.pk]) not in html
    assert "Last day:" in html


def test_membership_ended_in_the_past_moves_to_past_members(client, team, nih_lead, nih_expert2):
    membership = team.memberships.get(user=nih_expert2)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    client.force_login(nih_lead)

    client.post(
        reverse("collaboration:team-member-end", args=[membership.pk]),
        {"ended_on": yesterday.isoformat()},
    )

    membership.refresh_from_db()
    assert membership.ended_on == yesterday
    html = client.get(reverse("collaboration:team-detail")).content.decode()
    current = html.split('id="current-heading"', 1)[1].split('id="add-heading"', 1)[0]
    assert nih_expert2.display_name not in current
    assert nih_expert2.display_name in html.split('id="past-heading"', 1)[1]


def test_ending_a_membership_before_it_started_is_refused(client, team, nih_lead, nih_expert2):
    membership = team.memberships.get(user=nih_expert2)
    client.force_login(nih_lead)

    response = client.post(
        reverse("collaboration:team-member-end", args=[membership.pk]),
        {"ended_on": "2020-01-01"},
    )

    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    membership.refresh_from_db()
    assert membership.ended_on is None


def test_ending_an_ended_membership_is_a_conflict(client, team, nih_lead):
    former = TeamMembershipFactory(
        team=team, user=_nih_expert("former"), ended_on=dt.date(2026, 3, 1)
    )
    client.force_login(nih_lead)

    response = client.post(reverse("collaboration:team-member-end", args=[former.pk]))

    assert response.status_code == 409
    assert "already ended" in response.content.decode()


def test_expert_cannot_end_a_membership(client, team, nih_expert, nih_expert2):
    membership = team.memberships.get(user=nih_expert2)
    client.force_login(nih_expert)

    response = client.post(reverse("collaboration:team-member-end", args=[membership.pk]))

    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.ended_on is None


# Name and terms of reference ----------------------------------------------------------------


def test_lead_edits_name_and_terms_of_reference(client, team, nih_lead):
    client.force_login(nih_lead)
    form_html = client.get(reverse("collaboration:team-update")).content.decode()
    assert f'name="version" value="{team.version}"' in form_html

    response = client.post(
        reverse("collaboration:team-update"),
        {"name": "Genomics team", "terms_of_reference": "New *terms*", "version": team.version},
    )

    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "Genomics team"
    assert team.terms_of_reference == "New *terms*"
    assert team.version == 2


def test_stale_terms_of_reference_edit_is_refused(client, team, nih_lead):
    client.force_login(nih_lead)
    stale = team.version
    TechnicalTeam.objects.filter(pk=team.pk).update(
        terms_of_reference="Someone else's text", version=stale + 1
    )

    response = client.post(
        reverse("collaboration:team-update"),
        {"name": "Mine", "terms_of_reference": "My text", "version": stale},
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this since you opened it, so your changes were not saved." in html
    assert "My text" in html
    assert f'name="version" value="{stale + 1}"' in html
    team.refresh_from_db()
    assert team.terms_of_reference == "Someone else's text"
    assert team.name != "Mine"


def test_invalid_team_edit_shows_field_errors(client, team, nih_lead):
    client.force_login(nih_lead)

    response = client.post(
        reverse("collaboration:team-update"),
        {"name": "", "terms_of_reference": "x", "version": team.version},
    )

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_expert_cannot_edit_the_team(client, team, nih_expert, method):
    client.force_login(nih_expert)

    response = getattr(client, method)(
        reverse("collaboration:team-update"),
        {"name": "Taken over", "terms_of_reference": "", "version": team.version},
    )

    assert response.status_code == 403
    team.refresh_from_db()
    assert team.name != "Taken over"


def test_team_page_query_count_is_small(client, team, nih_lead, django_assert_max_num_queries):
    client.force_login(nih_lead)

    with django_assert_max_num_queries(10):
        assert client.get(reverse("collaboration:team-detail")).status_code == 200
