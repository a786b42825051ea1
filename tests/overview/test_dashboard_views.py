"""Each role lands on its own dashboard; BGI sees nothing internal; query counts stay flat."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collaboration.models import Recommendation
from mou.models import Mou
from tests.factories import (
    ActionItemFactory,
    DelegationMemberFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MouFactory,
    PriorityAreaFactory,
    RecommendationFactory,
    TeamMembershipFactory,
    VisitFactory,
)
from tests.overview.factories import (
    LogisticsTaskFactory,
    MouVersionFactory,
    ObligationFactory,
    ReviewRequestFactory,
    build_programme,
)

pytestmark = pytest.mark.django_db

HOME = "/"
INTERNAL_TITLES = (
    "Internal visit to Beijing",
    "Carrier screening draft",
    "Book the hotel",
    "Chase the legal section",
    "Gene bank samples",
)


@pytest.fixture
def programme(nih_expert, nih_lead):
    """A small programme with internal and shared records."""
    today = timezone.localdate()
    TeamMembershipFactory(user=nih_expert)
    TeamMembershipFactory(user=nih_lead, role="lead")
    area = PriorityAreaFactory(name="Thalassemia", slug="thalassemia")
    indicator = IndicatorFactory(
        objective__priority_area=area,
        name="Gene bank samples",
        baseline=Decimal("0"),
        target=Decimal("1000"),
    )
    IndicatorValueFactory(indicator=indicator, period="2026-Q3", actual=Decimal("250"))
    RecommendationFactory(
        title="Carrier screening draft", priority_areas=[area], authors=[nih_expert]
    )
    RecommendationFactory(
        title="Newborn screening in review", priority_areas=[area], team_review=True
    )
    shared = VisitFactory(
        title="Shared visit to Shenzhen",
        shared=True,
        starts_on=today + dt.timedelta(days=12),
        ends_on=today + dt.timedelta(days=16),
    )
    DelegationMemberFactory(visit=shared, role="head")
    internal = VisitFactory(
        title="Internal visit to Beijing", starts_on=today + dt.timedelta(days=60), ends_on=None
    )
    # Deadlines come from the reminder registry: a dated thing has someone responsible.
    LogisticsTaskFactory(
        visit=internal, title="Book the hotel", owner=nih_lead, due_on=today + dt.timedelta(days=4)
    )
    mou = MouFactory(title="MoU with BGI Group", status=Mou.Status.NEGOTIATION)
    MouVersionFactory(mou=mou, number=1)
    MouVersionFactory(mou=mou, number=2, shared=True)
    ObligationFactory(
        mou=mou,
        description="Exchange sample data",
        owner=nih_lead,
        due_on=today + dt.timedelta(days=9),
    )
    ActionItemFactory(
        title="Chase the legal section", owner=nih_expert, due_on=today - dt.timedelta(days=2)
    )
    ReviewRequestFactory(reviewer=nih_expert, round__mou=mou, round__title="Clause review")
    return {"mou": mou, "shared": shared}


def _html(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_ministry_sees_the_programme_at_a_glance(client, ministry, programme):
    html = _html(client, ministry)

    assert f"Welcome, {ministry.display_name}" in html
    assert "Priority areas" in html
    assert "Thalassemia" in html
    assert 'aria-label="Gene bank samples: 25% complete"' in html
    assert "Recommendation pipeline" in html
    assert "Recommendations by state. Draft: 1; In team review: 1;" in html
    assert "Shared visit to Shenzhen" in html
    assert "departs in 12 days" in html
    assert "0 of 1 members ready" in html
    assert 'aria-current="step"' in html
    assert re.search(
        r'aria-current="step">\s*<span[^>]*>\s*4\s*</span>\s*<span class="ovw-step-label">Negotiation with BGI',
        html,
    )
    assert "Next step:" in html
    assert "Text agreed with BGI" in html
    assert "Book the hotel" in html  # logistics deadline
    assert "Exchange sample data" in html  # obligation
    assert "Clause review" in html  # review round
    assert "Chase the legal section" in html  # overdue
    assert "2 days overdue" in html
    assert "My drafts" not in html  # the NIH section is not the ministry's


def test_dashboard_deadlines_include_missing_visas_and_mou_expiry(client, ministry, nih_lead):
    """Every kind of the reminder registry is on the dashboard, not only the five listed by
    hand before: a member without a visa before departure, and an MoU up for renewal."""
    today = timezone.localdate()
    visit = VisitFactory(
        title="Visit to Wuhan",
        starts_on=today + dt.timedelta(days=6),
        ends_on=today + dt.timedelta(days=9),
        responsible_officer=nih_lead,
    )
    DelegationMemberFactory(visit=visit, name="Dr Sana Malik")
    MouFactory(
        title="The signed MoU",
        status=Mou.Status.IN_FORCE,
        effective_on=today - dt.timedelta(days=700),
        expires_on=today + dt.timedelta(days=11),
        responsible_officer=nih_lead,
    )

    html = _html(client, ministry)

    deadlines = html.split('id="deadlines-heading"', 1)[1].split('id="overdue-heading"', 1)[0]
    assert "Visa for Dr Sana Malik — Visit to Wuhan" in deadlines
    assert "The signed MoU" in deadlines
    assert "Expiry or renewal" in deadlines
    assert nih_lead.display_name in deadlines


def test_my_deadlines_list_a_missing_visa_of_the_member_themselves(client, nih_expert):
    today = timezone.localdate()
    visit = VisitFactory(title="Visit to Wuhan", starts_on=today + dt.timedelta(days=5))
    DelegationMemberFactory(visit=visit, name="Me", user=nih_expert)

    html = _html(client, nih_expert)

    mine = html.split('id="my-deadlines-heading"', 1)[1].split("</section>", 1)[0]
    assert "Visa for Me — Visit to Wuhan" in mine


def test_recent_activity_lists_transitions_with_actor(client, ministry, programme):
    programme["mou"].transitions.create(
        actor=ministry,
        transition="start_negotiation",
        from_status="legal_vetting",
        to_status="negotiation",
    )

    html = _html(client, ministry)

    assert "Recent activity" in html
    assert f"{ministry.display_name} moved it from Legal vetting to Negotiation with BGI" in html


def test_nih_expert_sees_their_work_first(client, nih_expert, programme):
    html = _html(client, nih_expert)

    assert html.index("My drafts") < html.index("The programme at a glance")
    mine = html.split("My drafts", 1)[1].split("The programme at a glance", 1)[0]
    assert "Carrier screening draft" in mine
    assert "Recommendations to review" in mine
    assert "Newborn screening in review" in mine
    assert "Clause review" in mine
    assert "Chase the legal section" in mine
    assert "My action items" in mine
    assert "Awaiting my endorsement" not in html


def test_nih_lead_sees_what_awaits_endorsement(client, nih_lead, programme):
    html = _html(client, nih_lead)

    mine = html.split("Awaiting my endorsement", 1)[1].split("The programme at a glance", 1)[0]
    assert "Newborn screening in review" in mine


def test_bgi_liaison_sees_only_what_is_shared(client, bgi_liaison, programme):
    html = _html(client, bgi_liaison)

    assert "Shared visit to Shenzhen" in html
    assert "Itinerary of Shared visit to Shenzhen" in html
    assert "MoU with BGI Group, version 2" in html
    assert "version 1<" not in html
    for title in INTERNAL_TITLES:
        assert title not in html
    assert "Priority areas" not in html
    assert "Recent activity" not in html


def test_api_client_gets_a_machine_account_page(client, api_client, programme):
    html = _html(client, api_client)

    assert "A machine account" in html
    assert reverse("overview:api-guide") in html
    for title in INTERNAL_TITLES:
        assert title not in html


def test_administrator_sees_admin_links_and_the_programme(client, administrator, programme):
    html = _html(client, administrator)

    assert reverse("admin:portal_user_changelist") in html
    assert reverse("admin:django_celery_beat_periodictask_changelist") in html
    assert "Priority areas" in html


def test_approver_sees_the_ministry_dashboard(client, approver, programme):
    html = _html(client, approver)

    assert "Recommendation pipeline" in html
    assert "MoU with BGI Group" in html


def test_empty_programme_renders_empty_states(client, ministry):
    html = _html(client, ministry)

    assert "No priority areas yet." in html
    assert "No visit is planned." in html
    assert "No MoU yet." in html
    assert "Nothing is overdue." in html


def test_dashboard_has_no_inline_styles_or_scripts(client, ministry, programme):
    html = _html(client, ministry)

    assert " style=" not in html
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


@pytest.mark.parametrize("name", ["ministry", "nih_lead", "bgi_liaison"])
def test_dashboard_query_count_stays_flat(client, persona, name):
    user = persona(name)
    client.force_login(user)
    build_programme(1, owner=user)
    client.get(HOME)
    with CaptureQueriesContext(connection) as small:
        assert client.get(HOME).status_code == 200

    build_programme(6, owner=user)
    with CaptureQueriesContext(connection) as large:
        assert client.get(HOME).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)
    # The figures count every deadline while the tables list the first few: a fixed number of
    # queries per kind of dated thing, not per record.
    assert len(large.captured_queries) <= 55


def test_recommendation_state_links_filter_the_list(client, ministry, programme):
    html = _html(client, ministry)

    for state in Recommendation.Status.values:
        assert f"{reverse('collaboration:recommendation-list')}?status={state}" in html
