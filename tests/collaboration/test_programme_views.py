"""Programme pages: the programme, priority areas with progress, indicator values, capabilities."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from collaboration.models import Capability, IndicatorValue
from tests.factories import (
    ActionItemFactory,
    CapabilityFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeetingFactory,
    ObjectiveFactory,
    PriorityAreaFactory,
    ProgrammeFactory,
    RecommendationFactory,
    TeamMembershipFactory,
    TechnicalTeamFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, roles, then the page's own fixed set of queries.
QUERY_BUDGET = 8


def _area_with_progress(**kwargs):
    """A priority area with one objective and an indicator at 50% (baseline 10, target 60, 35)."""
    area = PriorityAreaFactory(name="Thalassemia", slug="thalassemia", **kwargs)
    objective = ObjectiveFactory(priority_area=area, title="Screen carriers before marriage")
    indicator = IndicatorFactory(
        objective=objective,
        name="Districts with carrier screening",
        unit="districts",
        baseline=Decimal("10"),
        target=Decimal("60"),
    )
    IndicatorValueFactory(
        indicator=indicator,
        period="2026-Q3",
        actual=Decimal("35"),
        note="Punjab and Sindh rolled out",
        evidence_url="https://example.org/q3-report",
    )
    return area, indicator


def _value_form(**overrides):
    data = {
        "period": "2026-Q4",
        "period_end_on": "2026-12-31",
        "actual": "42.5",
        "note": "Two more districts",
        "evidence_url": "https://example.org/q4",
    }
    data.update(overrides)
    return data


# The programme page ---------------------------------------------------------------------------


def test_programme_page_shows_a_friendly_empty_state_without_a_programme(client, ministry):
    client.force_login(ministry)

    response = client.get(reverse("collaboration:programme-detail"))

    assert response.status_code == 200
    assert "The programme has not been set up yet" in response.content.decode()


def test_programme_page_shows_programme_framework_and_area_cards(client, nih_expert):
    programme = ProgrammeFactory(
        partner="BGI Group",
        cooperation_framework="NIH **spearheads** the framework.<script>alert(1)</script>",
    )
    _area_with_progress(programme=programme)
    client.force_login(nih_expert)

    html = client.get(reverse("collaboration:programme-detail")).content.decode()

    assert programme.name in html
    assert "BGI Group" in html
    assert "<strong>spearheads</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "Thalassemia" in html
    assert 'aria-valuenow="50"' in html
    assert reverse("collaboration:team-detail") in html
    assert reverse("collaboration:meeting-list") in html
    assert reverse("collaboration:action-item-list") in html
    assert reverse("collaboration:capability-list") in html


# Priority areas -----------------------------------------------------------------------------


def test_priority_area_page_shows_lead_objectives_progress_recommendations_capabilities(
    client, nih_expert, nih_lead
):
    nih_lead.full_name = "Dr Amina Qureshi"
    nih_lead.save()
    area, _indicator = _area_with_progress(lead=nih_lead)
    recommendation = RecommendationFactory(
        title="Premarital carrier screening", priority_areas=[area], submitted=True
    )
    capability = CapabilityFactory(
        name="High-throughput carrier screening", category=Capability.Category.SCREENING
    )
    capability.priority_areas.add(area)
    client.force_login(nih_expert)

    response = client.get(area.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Dr Amina Qureshi" in html
    assert "Screen carriers before marriage" in html
    assert "Districts with carrier screening" in html
    assert "50% of the way from baseline to target" in html
    assert 'role="progressbar"' in html
    assert 'aria-valuenow="50"' in html
    assert 'aria-valuemin="0"' in html
    assert 'aria-valuemax="100"' in html
    assert "programme-step-10" in html
    assert "Punjab and Sindh rolled out" in html
    assert "https://example.org/q3-report" in html
    assert "Premarital carrier screening" in html
    assert reverse("collaboration:recommendation-detail", args=[recommendation.pk]) in html
    assert "Submitted to the ministry" in html
    assert "High-throughput carrier screening" in html


def test_priority_area_page_has_no_inline_styles(client, ministry):
    area, _indicator = _area_with_progress()
    client.force_login(ministry)

    html = client.get(area.get_absolute_url()).content.decode()

    assert "style=" not in html


def test_unknown_or_archived_priority_area_is_404(client, ministry):
    from django.utils import timezone

    area = PriorityAreaFactory(archived_at=timezone.now())
    client.force_login(ministry)

    assert client.get(area.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("collaboration:priority-area-detail", args=["nope"])).status_code == 404
    )


def test_recording_form_is_shown_only_to_those_who_may_record(client, nih_expert, ministry):
    area, indicator = _area_with_progress()
    url = reverse("collaboration:indicator-value-record", args=[indicator.pk])

    client.force_login(nih_expert)
    assert url not in client.get(area.get_absolute_url()).content.decode()

    client.force_login(ministry)
    assert url in client.get(area.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["ministry", "nih_lead", "area_lead"])
def test_allowed_people_record_an_indicator_value(client, persona, who):
    user = persona("nih_expert") if who == "area_lead" else persona(who)
    area, indicator = _area_with_progress(lead=user if who == "area_lead" else None)
    client.force_login(user)

    response = client.post(
        reverse("collaboration:indicator-value-record", args=[indicator.pk]), _value_form()
    )

    assert response.status_code == 302
    assert response["Location"].startswith(area.get_absolute_url())
    value = IndicatorValue.objects.get(indicator=indicator, period="2026-Q4")
    assert value.actual == Decimal("42.5")
    assert value.period_end_on == dt.date(2026, 12, 31)
    assert value.evidence_url == "https://example.org/q4"
    assert value.recorded_by == user


def test_recorded_value_then_shows_its_progress(client, ministry):
    _area, indicator = _area_with_progress()
    client.force_login(ministry)

    response = client.post(
        reverse("collaboration:indicator-value-record", args=[indicator.pk]),
        _value_form(actual="60"),
        follow=True,
    )

    html = response.content.decode()
    assert "Recorded 60" in html
    assert "100% of the way from baseline to target" in html


def test_nih_expert_who_is_not_the_lead_cannot_record_a_value(client, nih_expert, nih_expert2):
    _area, indicator = _area_with_progress(lead=nih_expert2)
    client.force_login(nih_expert)

    response = client.post(
        reverse("collaboration:indicator-value-record", args=[indicator.pk]), _value_form()
    )

    assert response.status_code == 403
    assert not IndicatorValue.objects.filter(period="2026-Q4").exists()


def test_invalid_indicator_value_shows_field_errors_and_creates_nothing(client, ministry):
    _area, indicator = _area_with_progress()
    client.force_login(ministry)

    response = client.post(
        reverse("collaboration:indicator-value-record", args=[indicator.pk]),
        _value_form(actual="a lot", period_end_on="", evidence_url="not a link"),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a number." in html
    assert "This field is required." in html
    assert "Enter a valid URL." in html
    assert re.search(r"<details[^>]*\bopen\b", html)
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 1


def test_priority_area_list_shows_each_area_with_progress(client, nih_expert):
    _area_with_progress()
    PriorityAreaFactory(name="Rare diseases")
    client.force_login(nih_expert)

    html = client.get(reverse("collaboration:priority-area-list")).content.decode()

    assert "Thalassemia" in html
    assert "Rare diseases" in html
    assert "50% of the way from baseline to target" in html
    assert "No progress yet" in html


def test_priority_area_list_shows_an_empty_state(client, nih_expert):
    client.force_login(nih_expert)

    html = client.get(reverse("collaboration:priority-area-list")).content.decode()

    assert "No priority areas have been set yet." in html


def _areas(count):
    programme = ProgrammeFactory()
    for _ in range(count):
        area = PriorityAreaFactory(programme=programme)
        indicator = IndicatorFactory(objective=ObjectiveFactory(priority_area=area))
        IndicatorValueFactory(indicator=indicator)
        RecommendationFactory(programme=programme, priority_areas=[area])


@pytest.mark.parametrize("count", [10, 200])
def test_priority_area_list_query_count_is_flat(
    client, ministry, django_assert_max_num_queries, count
):
    _areas(count)
    client.force_login(ministry)

    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get(reverse("collaboration:priority-area-list"))

    assert response.status_code == 200
    assert response.content.decode().count('role="progressbar"') == count


@pytest.mark.parametrize("count", [10, 200])
def test_programme_page_query_count_is_flat(client, ministry, django_assert_max_num_queries, count):
    _areas(count)
    client.force_login(ministry)

    with django_assert_max_num_queries(14):
        assert client.get(reverse("collaboration:programme-detail")).status_code == 200


# Capabilities -------------------------------------------------------------------------------


def test_capability_list_groups_by_category_with_areas_served(client, nih_expert):
    area = PriorityAreaFactory(name="Rare diseases")
    sequencing = CapabilityFactory(
        name="Whole-genome sequencing",
        category=Capability.Category.SEQUENCING,
        description="DNBSEQ platforms",
    )
    sequencing.priority_areas.add(area)
    CapabilityFactory(name="Biobank design", category=Capability.Category.BIOBANKING)
    client.force_login(nih_expert)

    html = client.get(reverse("collaboration:capability-list")).content.decode()

    assert ">Sequencing</h2>" in html
    assert ">Biobanking</h2>" in html
    assert "Whole-genome sequencing" in html
    assert "DNBSEQ platforms" in html
    assert area.get_absolute_url() in html
    assert "Not linked to a priority area yet." in html


def test_capability_list_filters_by_category(client, nih_expert):
    CapabilityFactory(name="Whole-genome sequencing", category=Capability.Category.SEQUENCING)
    CapabilityFactory(name="Biobank design", category=Capability.Category.BIOBANKING)
    client.force_login(nih_expert)

    html = client.get(
        reverse("collaboration:capability-list"), {"category": "biobanking"}
    ).content.decode()

    assert "Biobank design" in html
    assert "Whole-genome sequencing" not in html


def test_capability_list_empty_category_says_so(client, nih_expert):
    client.force_login(nih_expert)

    html = client.get(
        reverse("collaboration:capability-list"), {"category": "training"}
    ).content.decode()

    assert "There is no capability in the category “Training”." in html


@pytest.mark.parametrize("count", [10, 200])
def test_capability_list_query_count_is_flat(
    client, ministry, django_assert_max_num_queries, count
):
    area = PriorityAreaFactory()
    for _ in range(count):
        CapabilityFactory().priority_areas.add(area)
    client.force_login(ministry)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("collaboration:capability-list"))

    assert response.content.decode().count('class="card h-100"') == count


# Who may see these pages --------------------------------------------------------------------


def _all_programme_urls():
    """Every page of this part of the app, with the method each is used with."""
    area, indicator = _area_with_progress()
    team = TechnicalTeamFactory()
    membership = TeamMembershipFactory(team=team)
    meeting = MeetingFactory()
    item = ActionItemFactory(meeting=meeting)
    return [
        ("get", reverse("collaboration:programme-detail")),
        ("get", reverse("collaboration:priority-area-list")),
        ("get", area.get_absolute_url()),
        ("post", reverse("collaboration:indicator-value-record", args=[indicator.pk])),
        ("get", reverse("collaboration:capability-list")),
        ("get", reverse("collaboration:team-detail")),
        ("get", reverse("collaboration:team-update")),
        ("post", reverse("collaboration:team-update")),
        ("get", reverse("collaboration:team-member-add")),
        ("post", reverse("collaboration:team-member-end", args=[membership.pk])),
        ("get", reverse("collaboration:meeting-list")),
        ("get", reverse("collaboration:meeting-create")),
        ("get", meeting.get_absolute_url()),
        ("get", reverse("collaboration:meeting-update", args=[meeting.pk])),
        ("post", reverse("collaboration:decision-add", args=[meeting.pk])),
        ("get", reverse("collaboration:action-item-list")),
        ("get", reverse("collaboration:action-item-create")),
        ("get", item.get_absolute_url()),
        ("get", reverse("collaboration:action-item-update", args=[item.pk])),
        ("post", reverse("collaboration:action-item-transition", args=[item.pk])),
    ]


@pytest.mark.parametrize("who", ["bgi_liaison", "api_client"])
def test_bgi_liaison_and_machine_accounts_get_404_on_every_programme_page(client, persona, who):
    urls = _all_programme_urls()
    client.force_login(persona(who))

    answers = {url: getattr(client, method)(url).status_code for method, url in urls}

    assert set(answers.values()) == {404}, answers
    assert IndicatorValue.objects.count() == 1


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("collaboration:programme-detail"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_ministry_pauses_a_priority_area_from_its_page_and_an_expert_sees_no_button(
    client, ministry, nih_expert
):
    from tests.factories import PriorityAreaFactory

    area = PriorityAreaFactory(name="Rare diseases", slug="rare-diseases-x")
    url = reverse("collaboration:priority-area-transition", args=[area.slug])
    client.force_login(nih_expert)
    assert 'data-transition="pause"' not in client.get(area.get_absolute_url()).content.decode()
    assert client.post(url, {"transition": "pause", "comment": "x"}).status_code == 403

    client.force_login(ministry)
    assert 'data-transition="pause"' in client.get(area.get_absolute_url()).content.decode()
    refused = client.post(url, {"transition": "pause", "comment": ""})
    page = client.post(url, {"transition": "pause", "comment": "Budget review"}, follow=True)

    assert refused.status_code == 409
    area.refresh_from_db()
    assert area.status == "paused"
    assert "“Rare diseases” is now: Paused." in page.content.decode()
