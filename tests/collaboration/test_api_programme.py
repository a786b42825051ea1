"""The programme side of the collaboration API: programmes, priority areas, capabilities,
team members, meetings and action items."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from collaboration.models import ActionItem, ActionItemTransition, Capability, TeamMembership
from tests.factories import (
    ActionItemFactory,
    CapabilityFactory,
    DecisionFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeetingFactory,
    ObjectiveFactory,
    PriorityAreaFactory,
    ProgrammeFactory,
    RecommendationFactory,
    TeamMembershipFactory,
    TechnicalTeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# What the BGI liaison and the API client see ---------------------------------------------------


@pytest.fixture
def one_of_each(team, nih_expert):
    area = PriorityAreaFactory(slug="thalassemia")
    capability = CapabilityFactory()
    meeting = MeetingFactory()
    item = ActionItemFactory(owner=nih_expert)
    membership = TeamMembership.objects.filter(user=nih_expert).get()
    return {
        "programme": ("api:programme", ProgrammeFactory().pk),
        "priority-area": ("api:priority-area", area.slug),
        "capability": ("api:capability", capability.pk),
        "team-member": ("api:team-member", membership.pk),
        "meeting": ("api:meeting", meeting.pk),
        "action-item": ("api:action-item", item.pk),
    }


@pytest.mark.parametrize(
    "kind", ["programme", "priority-area", "capability", "team-member", "meeting", "action-item"]
)
def test_bgi_liaison_gets_empty_lists_and_404_details(api_as, bgi_liaison, one_of_each, kind):
    name, key = one_of_each[kind]
    client = api_as(bgi_liaison)

    listing = client.get(reverse(f"{name}-list"))
    detail = client.get(reverse(f"{name}-detail", args=[key]))

    assert listing.status_code == 200
    assert listing.json()["results"] == []
    assert detail.status_code == 404
    assert detail.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "kind", ["programme", "priority-area", "capability", "team-member", "meeting", "action-item"]
)
def test_api_client_reads_every_collection(api_as, api_client, one_of_each, kind):
    name, key = one_of_each[kind]
    client = api_as(api_client)

    assert len(results(client.get(reverse(f"{name}-list")))) >= 1
    assert client.get(reverse(f"{name}-detail", args=[key])).status_code == 200


def test_api_root_lists_the_collaboration_collections(api_as, api_client):
    links = api_as(api_client).get(reverse("api:root")).json()

    for prefix in ("programmes", "priority-areas", "capabilities", "team-members",
                   "recommendations", "meetings", "action-items"):  # fmt: skip
        assert links[prefix] == f"http://testserver/api/v1/{prefix}/"


def test_reads_need_authentication(client):
    response = client.get(reverse("api:recommendation-list"))

    assert response.status_code == 401


# Programmes and priority areas -----------------------------------------------------------------


def test_programme_detail_renders_the_framework_and_carries_an_etag(api_as, ministry):
    programme = ProgrammeFactory(cooperation_framework="**NIH** leads.")
    client = api_as(ministry)

    response = client.get(reverse("api:programme-detail", args=[programme.pk]))

    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["cooperation_framework_html"] == "<p><strong>NIH</strong> leads.</p>"
    again = client.get(reverse("api:programme-detail", args=[programme.pk]),
                       HTTP_IF_NONE_MATCH='"1"')  # fmt: skip
    assert again.status_code == 304


@pytest.fixture
def thalassemia(nih_lead):
    area = PriorityAreaFactory(slug="thalassemia", name="Thalassemia", lead=nih_lead, position=1)
    objective = ObjectiveFactory(priority_area=area, title="Fewer affected births")
    indicator = IndicatorFactory(objective=objective, name="Couples screened", unit="%",
                                 baseline=Decimal("10"), target=Decimal("60"))  # fmt: skip
    IndicatorValueFactory(indicator=indicator, period="2026-Q3",
                          period_end_on=dt.date(2026, 9, 30), actual=Decimal("20"))  # fmt: skip
    IndicatorValueFactory(indicator=indicator, period="2026-Q4",
                          period_end_on=dt.date(2026, 12, 31), actual=Decimal("35"))  # fmt: skip
    IndicatorFactory(objective=objective, name="Centres opened", unit="centres",
                     baseline=Decimal("0"), target=Decimal("4"))  # fmt: skip
    RecommendationFactory(priority_areas=[area])
    RecommendationFactory(priority_areas=[area])
    RecommendationFactory(priority_areas=[area], archived_at=timezone.now())
    return area


def test_priority_area_list_shows_lead_recommendation_count_and_progress(api_as, ministry,
                                                                          thalassemia):  # fmt: skip
    PriorityAreaFactory(slug="gene-bank", name="National gene bank", position=2)

    rows = results(api_as(ministry).get(reverse("api:priority-area-list")))

    assert [(r["slug"], r["recommendation_count"], r["progress"]) for r in rows] == [
        ("thalassemia", 2, 50),
        ("gene-bank", 0, None),
    ]
    assert rows[0]["lead"]["username"] == "nih_lead"
    assert rows[0]["status_label"] == "Active"


def test_priority_area_detail_by_slug_has_objectives_indicators_values_progress(
    api_as, nih_expert, thalassemia
):
    response = api_as(nih_expert).get(reverse("api:priority-area-detail", args=["thalassemia"]))

    assert response.status_code == 200
    [objective] = response.json()["objectives"]
    assert objective["title"] == "Fewer affected births"
    screened, centres = objective["indicators"]
    assert screened["name"] == "Couples screened"
    assert (screened["baseline"], screened["target"]) == ("10.00", "60.00")
    assert [v["period"] for v in screened["values"]] == ["2026-Q3", "2026-Q4"]
    assert screened["latest"]["actual"] == "35.00"
    assert screened["progress"] == 50
    assert (centres["values"], centres["latest"], centres["progress"]) == ([], None, None)


def test_unknown_priority_area_slug_is_404(api_as, ministry):
    response = api_as(ministry).get(reverse("api:priority-area-detail", args=["atlantis"]))

    assert response.status_code == 404


# Capabilities and team members -----------------------------------------------------------------


@pytest.fixture
def capabilities():
    thal = PriorityAreaFactory(slug="thalassemia")
    cancer = PriorityAreaFactory(slug="cancer-research")
    CapabilityFactory(name="Carrier panel", category=Capability.Category.SCREENING).priority_areas.set([thal])  # fmt: skip
    CapabilityFactory(name="Tumour WGS", category=Capability.Category.SEQUENCING).priority_areas.set([cancer])  # fmt: skip
    CapabilityFactory(name="Newborn WGS", category=Capability.Category.SEQUENCING).priority_areas.set([thal, cancer])  # fmt: skip
    CapabilityFactory(name="Retired", category=Capability.Category.SEQUENCING, archived_at=timezone.now())  # fmt: skip


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({}, ["Carrier panel", "Newborn WGS", "Tumour WGS"]),
        ({"category": "sequencing"}, ["Newborn WGS", "Tumour WGS"]),
        ({"priority_area": "thalassemia"}, ["Carrier panel", "Newborn WGS"]),
        ({"category": "sequencing", "priority_area": "cancer-research"},
         ["Newborn WGS", "Tumour WGS"]),
        ({"category": "training"}, []),
    ],
)  # fmt: skip
def test_capability_filters(api_as, ministry, capabilities, params, names):
    rows = results(api_as(ministry).get(reverse("api:capability-list"), params))

    assert sorted(r["name"] for r in rows) == names


def test_capability_shows_its_priority_areas(api_as, ministry, capabilities):
    rows = results(api_as(ministry).get(reverse("api:capability-list"), {"category": "screening"}))

    assert rows[0]["category_label"] == "Screening"
    assert [a["slug"] for a in rows[0]["priority_areas"]] == ["thalassemia"]


def test_team_members_current_and_past(api_as, ministry, team, nih_lead):
    former = UserFactory(username="former_expert", full_name="Dr Former")
    TeamMembershipFactory(team=TechnicalTeamFactory(), user=former,
                          started_on=dt.date(2025, 1, 1), ended_on=dt.date(2025, 12, 31))  # fmt: skip
    client = api_as(ministry)

    everyone = results(client.get(reverse("api:team-member-list"), {"page_size": 50}))
    current = results(client.get(reverse("api:team-member-list"), {"current": "true"}))
    past = results(client.get(reverse("api:team-member-list"), {"current": "false"}))

    assert len(everyone) == 4
    assert {m["user"]["username"] for m in current} == {"nih_lead", "nih_expert", "nih_expert2"}
    assert [(m["user"]["username"], m["user"]["name"], m["started_on"], m["ended_on"])
            for m in past] == [("former_expert", "Dr Former", "2025-01-01", "2025-12-31")]  # fmt: skip
    lead = next(m for m in current if m["user"]["username"] == "nih_lead")
    assert (lead["role"], lead["role_label"]) == ("lead", "Lead")


# Meetings -------------------------------------------------------------------------------------


def test_meeting_detail_has_attendees_decisions_action_items_and_safe_minutes(
    api_as, ministry, nih_lead
):
    meeting = MeetingFactory(
        title="Roadmap meeting",
        minutes="Agreed the **roadmap**.<img src=x onerror=alert(1)>",
        external_attendees="BGI delegation\n\nMinister's office\n",
    )
    meeting.attendees.set([nih_lead])
    decision = DecisionFactory(meeting=meeting, text="Form a technical team.")
    ActionItemFactory(meeting=meeting, decision=decision, owner=nih_lead, title="Name experts")

    response = api_as(ministry).get(reverse("api:meeting-detail", args=[meeting.pk]))

    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["title"] == "Roadmap meeting"
    assert [a["username"] for a in body["attendees"]] == ["nih_lead"]
    assert body["external_attendees"] == ["BGI delegation", "Minister's office"]
    assert body["minutes_html"] == "<p>Agreed the <strong>roadmap</strong>.</p>"
    assert [d["text"] for d in body["decisions"]] == ["Form a technical team."]
    [item] = body["action_items"]
    assert (item["title"], item["owner"]["username"], item["decision"]) == (
        "Name experts",
        "nih_lead",
        decision.pk,
    )


def test_meeting_list_is_newest_first_without_archived(api_as, ministry):
    now = timezone.now()
    MeetingFactory(title="Earlier", held_at=now - dt.timedelta(days=9))
    MeetingFactory(title="Later", held_at=now - dt.timedelta(days=2))
    MeetingFactory(title="Archived", archived_at=now)

    rows = results(api_as(ministry).get(reverse("api:meeting-list")))

    assert [r["title"] for r in rows] == ["Later", "Earlier"]


# Action items ---------------------------------------------------------------------------------


@pytest.fixture
def items(nih_expert, nih_expert2):
    today = TODAY()
    ActionItemFactory(title="Late", owner=nih_expert, due_on=today - dt.timedelta(days=2))
    ActionItemFactory(title="Due soon", owner=nih_expert2, due_on=today + dt.timedelta(days=3),
                      status=ActionItem.Status.IN_PROGRESS)  # fmt: skip
    ActionItemFactory(title="Finished late", owner=nih_expert,
                      due_on=today - dt.timedelta(days=5), done=True)  # fmt: skip
    ActionItemFactory(title="Later", owner=nih_expert2, due_on=today + dt.timedelta(days=30))


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({}, ["Finished late", "Late", "Due soon", "Later"]),
        ({"status": "in_progress"}, ["Due soon"]),
        ({"owner": "nih_expert"}, ["Finished late", "Late"]),
        ({"overdue": "true"}, ["Late"]),
        ({"overdue": "false"}, ["Finished late", "Due soon", "Later"]),
        ({"due_before": "TODAY"}, ["Finished late", "Late"]),
        ({"due_before": "TODAY+10", "owner": "nih_expert2"}, ["Due soon"]),
    ],
)
def test_action_item_filters(api_as, ministry, items, params, titles):
    params = dict(params)
    if "due_before" in params:
        days = int(params["due_before"].removeprefix("TODAY") or 0)
        params["due_before"] = (TODAY() + dt.timedelta(days=days)).isoformat()

    rows = results(api_as(ministry).get(reverse("api:action-item-list"), params))

    assert [r["title"] for r in rows] == titles


def test_action_item_rows_show_overdue_and_what_the_caller_may_do(api_as, nih_expert, items):
    rows = results(api_as(nih_expert).get(reverse("api:action-item-list")))

    by_title = {r["title"]: r for r in rows}
    assert by_title["Late"]["is_overdue"] is True
    assert by_title["Finished late"]["is_overdue"] is False
    assert by_title["Late"]["available_transitions"] == ["start", "complete"]
    assert by_title["Finished late"]["available_transitions"] == ["reopen"]
    assert by_title["Due soon"]["available_transitions"] == []  # someone else's


def test_an_invalid_due_before_is_400(api_as, ministry):
    response = api_as(ministry).get(reverse("api:action-item-list"), {"due_before": "soon"})

    assert response.status_code == 400
    assert "due_before" in response.json()["error"]["fields"]


def _item_transition(client, item, name, **headers):
    return client.post(
        reverse("api:action-item-transitions", args=[item.pk]),
        {"transition": name, "comment": "Done at the meeting."},
        **headers,
    )


def test_owner_completes_their_action_item(api_as, nih_expert):
    item = ActionItemFactory(owner=nih_expert)

    response = _item_transition(api_as(nih_expert), item, "complete", HTTP_IF_MATCH='"1"')

    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert response.json()["status"] == "done"
    assert response.json()["completed_at"] is not None
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE
    log = ActionItemTransition.objects.get(subject=item)
    assert (log.actor, log.comment) == (nih_expert, "Done at the meeting.")


@pytest.mark.parametrize(
    ("persona_name", "name", "expected", "code"),
    [
        ("ministry", "cancel", 200, None),
        ("nih_expert2", "start", 403, "permission_denied"),
        ("nih_expert", "cancel", 403, "permission_denied"),
        ("api_client", "start", 403, "permission_denied"),
        ("bgi_liaison", "start", 404, "not_found"),
        ("nih_expert", "reopen", 409, "transition_not_allowed"),
    ],
)
def test_action_item_transition_permissions(api_as, persona, nih_expert, persona_name, name,
                                            expected, code):  # fmt: skip
    item = ActionItemFactory(owner=nih_expert)

    response = _item_transition(api_as(persona(persona_name)), item, name, HTTP_IF_MATCH='"1"')

    assert response.status_code == expected
    item.refresh_from_db()
    if code is None:
        assert item.status == ActionItem.Status.CANCELLED
    else:
        assert response.json()["error"]["code"] == code
        assert (item.status, item.version) == (ActionItem.Status.OPEN, 1)


def test_action_item_transition_needs_a_current_if_match(api_as, nih_expert):
    item = ActionItemFactory(owner=nih_expert, version=2)
    client = api_as(nih_expert)

    missing = _item_transition(client, item, "start")
    stale = _item_transition(client, item, "start", HTTP_IF_MATCH='"1"')

    assert missing.status_code == 428
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "stale_version"
    item.refresh_from_db()
    assert (item.status, item.version) == (ActionItem.Status.OPEN, 2)


def test_action_item_transitions_get_lists_available_and_history(api_as, ministry, nih_expert):
    item = ActionItemFactory(owner=nih_expert)
    _item_transition(api_as(nih_expert), item, "start", HTTP_IF_MATCH='"1"')

    body = api_as(ministry).get(reverse("api:action-item-transitions", args=[item.pk])).json()

    assert [t["name"] for t in body["available"]] == ["complete", "cancel"]
    assert body["available"][1]["comment_required"] is True
    assert [(h["transition"], h["actor"]["username"]) for h in body["history"]] == [
        ("start", "nih_expert")
    ]
