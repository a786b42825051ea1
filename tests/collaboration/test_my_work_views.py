"""The "My work" page: each person's drafts, what waits for them, and their action items."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ActionItemFactory, MeetingFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

URL = "collaboration:my-work"


def section(response, heading_id: str) -> str:
    """The HTML of one section of the page, found by its heading's id."""
    html = response.content.decode()
    start = html.index(f'id="{heading_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def test_expert_sees_own_drafts_and_returned_recommendations_only(
    client, team, nih_expert, nih_expert2
):
    RecommendationFactory(title="My draft", authors=[nih_expert])
    RecommendationFactory(title="Sent back to me", authors=[nih_expert], returned=True)
    RecommendationFactory(title="Colleague's draft", authors=[nih_expert2])
    RecommendationFactory(title="My approved one", authors=[nih_expert], approved=True)
    RecommendationFactory(
        title="My archived draft", authors=[nih_expert], archived_at=timezone.now()
    )
    client.force_login(nih_expert)

    response = client.get(reverse(URL))

    drafts = section(response, "drafts-heading")
    assert response.status_code == 200
    assert "My draft" in drafts
    assert "Sent back to me" in drafts
    assert "Returned for revision" in drafts
    assert "Colleague&#x27;s draft" not in drafts
    assert "My approved one" not in drafts
    assert "My archived draft" not in drafts


@pytest.mark.parametrize(
    ("who", "trait", "expected_text"),
    [
        ("nih_expert", "team_review", "Review the text with the team"),
        ("nih_lead", "team_review", "Endorse"),
        ("nih_lead", "endorsed", "Submit it to the ministry"),
        ("ministry", "submitted", "Decide: approve, return for revision or reject"),
        ("approver", "submitted", "Approve, Return for revision, Reject"),
    ],
)
def test_waiting_for_me_lists_what_the_person_must_act_on(
    client, team, persona, who, trait, expected_text
):
    RecommendationFactory(title="Needs you", **{trait: True})
    client.force_login(persona(who))

    waiting = section(client.get(reverse(URL)), "waiting-heading")

    assert "Needs you" in waiting
    assert expected_text in waiting


@pytest.mark.parametrize(
    ("who", "trait"),
    [
        ("ministry", "team_review"),
        ("ministry", "endorsed"),
        ("nih_expert", "endorsed"),
        ("nih_expert", "submitted"),
        ("nih_lead", "submitted"),
        ("nih_lead", "approved"),
    ],
)
def test_waiting_for_me_leaves_out_what_others_must_do(client, team, persona, who, trait):
    RecommendationFactory(title="Not yours", **{trait: True})
    client.force_login(persona(who))

    waiting = section(client.get(reverse(URL)), "waiting-heading")

    assert "Not yours" not in waiting
    assert "Nothing is waiting for you." in waiting


def test_action_items_are_listed_by_due_date_with_overdue_ones_marked_in_text(
    client, nih_expert, ministry
):
    today = timezone.localdate()
    meeting = MeetingFactory(title="Kick-off with BGI")
    later = ActionItemFactory(
        title="Send budget", owner=nih_expert, due_on=today + dt.timedelta(days=5)
    )
    late = ActionItemFactory(
        title="Share protocol",
        owner=nih_expert,
        due_on=today - dt.timedelta(days=3),
        meeting=meeting,
    )
    ActionItemFactory(title="Already done", owner=nih_expert, done=True)
    ActionItemFactory(title="Someone else's", owner=ministry)
    client.force_login(nih_expert)

    items = section(client.get(reverse(URL)), "actions-heading")

    assert items.index("Share protocol") < items.index("Send budget")
    assert "Overdue by 3 days" in items
    assert "1 action item is overdue." in items
    assert "Kick-off with BGI" in items
    assert reverse("collaboration:action-item-detail", args=[late.pk]) in items
    assert reverse("collaboration:action-item-detail", args=[later.pk]) in items
    assert items.count("Overdue by") == 1
    assert "Already done" not in items
    assert "Someone else" not in items


def test_empty_sections_explain_what_would_appear(client, team, nih_expert):
    client.force_login(nih_expert)

    response = client.get(reverse(URL))

    assert "You have no drafts." in section(response, "drafts-heading")
    assert reverse("collaboration:recommendation-create") in section(response, "drafts-heading")
    assert "Nothing is waiting for you." in section(response, "waiting-heading")
    assert "You have no open action items." in section(response, "actions-heading")


@pytest.mark.parametrize("who", ["bgi_liaison", "api_client"])
def test_my_work_is_not_found_for_the_liaison_and_machine_accounts(client, persona, who):
    client.force_login(persona(who))

    assert client.get(reverse(URL)).status_code == 404


@pytest.mark.parametrize("rows", [10, 200])
def test_my_work_query_count_stays_flat(
    client, team, nih_lead, django_assert_max_num_queries, rows
):
    RecommendationFactory.create_batch(rows // 2, authors=[nih_lead])
    RecommendationFactory.create_batch(rows // 2, endorsed=True)
    ActionItemFactory.create_batch(rows, owner=nih_lead, meeting=MeetingFactory())
    client.force_login(nih_lead)

    # 13, the notification bell, and one read per reminder kind for "My deadlines" (10 kinds
    # with the gene bank's three, one scope query): the same at any number of rows.
    with django_assert_max_num_queries(26):
        response = client.get(reverse(URL))

    assert response.status_code == 200
    assert section(response, "waiting-heading").count("Submit it to the ministry") == rows // 2


def test_my_deadlines_list_everything_the_person_is_responsible_for(client, nih_expert, ministry):
    """Fed by the reminder registry: an action item and a missing visa alike (the old page
    listed action items only)."""
    from tests.factories import DelegationMemberFactory, VisitFactory

    today = timezone.localdate()
    ActionItemFactory(title="Share protocol", owner=nih_expert, due_on=today - dt.timedelta(days=2))
    visit = VisitFactory(
        approved=True,
        title="Visit to Shenzhen",
        starts_on=today + dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=14),
    )
    DelegationMemberFactory(visit=visit, name="Dr Expert", user=nih_expert)
    ActionItemFactory(title="Someone else's", owner=ministry, due_on=today)
    client.force_login(nih_expert)

    deadlines = section(client.get(reverse(URL)), "deadlines-heading")

    assert "Share protocol" in deadlines
    assert "Visa for Dr Expert — Visit to Shenzhen" in deadlines
    assert deadlines.index("Share protocol") < deadlines.index("Visa for Dr Expert")
    assert deadlines.count("Overdue") == 1
    assert "Someone else" not in deadlines
