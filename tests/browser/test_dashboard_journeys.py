"""Each role's day in the browser: log in, land on its own dashboard, do one thing from it,
log out. The dashboard and the timeline pass axe-core (no serious or critical violation) at
desktop and phone width, and each dashboard is saved as a screenshot under
artifacts/screenshots/."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mou.models import Mou
from tests.browser.conftest import log_in, serious_violations
from tests.conftest import PASSWORD
from tests.factories import (
    ActionItemFactory,
    DelegationMemberFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    ItineraryItemFactory,
    MouFactory,
    PriorityAreaFactory,
    RecommendationFactory,
    VisitFactory,
)
from tests.overview.factories import LogisticsTaskFactory, MouVersionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def programme(team, nih_expert):
    today = timezone.localdate()
    area = PriorityAreaFactory(name="Thalassemia", slug="thalassemia")
    indicator = IndicatorFactory(
        objective__priority_area=area,
        name="Carriers screened",
        baseline=Decimal("0"),
        target=Decimal("1000"),
    )
    IndicatorValueFactory(indicator=indicator, period="2026-Q3", actual=Decimal("400"))
    RecommendationFactory(
        title="Carrier screening in Punjab", priority_areas=[area], authors=[nih_expert]
    )
    RecommendationFactory(
        title="Newborn screening pilot",
        priority_areas=[area],
        authors=[nih_expert],
        team_review=True,
    )
    visit = VisitFactory(
        title="Delegation to Shenzhen",
        shared=True,
        starts_on=today + dt.timedelta(days=21),
        ends_on=today + dt.timedelta(days=26),
    )
    DelegationMemberFactory(visit=visit, name="Dr Ayesha Khan", role="head")
    ItineraryItemFactory(visit=visit, title="Tour of the China National GeneBank")
    LogisticsTaskFactory(visit=visit, title="Book the hotel", owner=nih_expert)
    mou = MouFactory(
        title="MoU with BGI Group",
        status=Mou.Status.TEXT_AGREED,
        signing_deadline_on=today + dt.timedelta(days=10),
    )
    MouVersionFactory(mou=mou, number=1, shared=True)
    ActionItemFactory(
        title="Send the draft agenda", owner=nih_expert, due_on=today - dt.timedelta(days=2)
    )
    VisitFactory(
        title="Internal scoping visit", starts_on=today + dt.timedelta(days=90), ends_on=None
    )
    return {"visit": visit, "mou": mou}


def check_pages(page, role: str) -> None:
    """Dashboard and timeline pass axe at both widths and fit a phone; save the screenshot."""
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        for path in ("/", "/overview/timeline/"):
            page.goto(path)
            assert serious_violations(page) == [], (role, path, viewport)
            if viewport is PHONE:
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{role}-dashboard.png"), full_page=True)


def log_out(page) -> None:
    page.goto("/")
    if not page.get_by_role("button", name="Log out").is_visible():
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")


def test_ministry_opens_the_next_visit_from_the_dashboard(page, ministry, programme):
    log_in(page, "ministry", PASSWORD)

    expect(page.get_by_role("heading", name=f"Welcome, {ministry.display_name}")).to_be_visible()
    expect(page.get_by_role("heading", name="Priority areas")).to_be_visible()
    expect(page.get_by_text("departs in 21 days")).to_be_visible()
    expect(page.locator('[aria-current="step"]')).to_contain_text("Text agreed")
    check_pages(page, "ministry")

    page.locator("#visit-heading").locator("..").get_by_role(
        "link", name="Delegation to Shenzhen"
    ).click()
    expect(page.get_by_role("heading", name="Delegation to Shenzhen", level=1)).to_be_visible()
    log_out(page)


def test_expert_opens_a_draft_from_the_dashboard(page, nih_expert, programme):
    log_in(page, "nih_expert", PASSWORD)

    expect(page.get_by_role("heading", name="My drafts")).to_be_visible()
    expect(page.get_by_role("heading", name="Recommendations to review")).to_be_visible()
    check_pages(page, "nih_expert")

    page.locator("#my-drafts-heading").locator("..").get_by_role(
        "link", name="Carrier screening in Punjab"
    ).click()
    expect(page.get_by_role("heading", name="Carrier screening in Punjab", level=1)).to_be_visible()
    log_out(page)


def test_lead_endorses_a_recommendation_from_the_dashboard(page, nih_lead, programme):
    log_in(page, "nih_lead", PASSWORD)

    waiting = page.locator("#endorse-heading").locator("..")
    expect(waiting).to_contain_text("Newborn screening pilot")
    check_pages(page, "nih_lead")

    waiting.get_by_role("link", name="Newborn screening pilot").click()
    page.get_by_role("button", name="Endorse").click()
    expect(page.get_by_text("is now: Endorsed by the NIH lead")).to_be_visible()

    page.goto("/")
    expect(page.locator("#endorse-heading").locator("..")).to_contain_text(
        "Endorsed, ready to submit to the ministry"
    )
    log_out(page)


def test_bgi_liaison_opens_the_shared_itinerary(page, bgi_liaison, programme):
    log_in(page, "bgi_liaison", PASSWORD)

    expect(page.get_by_role("heading", name="Shared visits")).to_be_visible()
    body = page.locator("main")
    for internal in ("Internal scoping visit", "Carrier screening", "Send the draft agenda"):
        expect(body).not_to_contain_text(internal)
    check_pages(page, "bgi_liaison")

    page.get_by_role("link", name="Itinerary of Delegation to Shenzhen").click()
    expect(page.get_by_text("Tour of the China National GeneBank")).to_be_visible()
    log_out(page)


def test_approver_approves_the_mou_for_signature_from_the_dashboard(page, approver, programme):
    log_in(page, "approver", PASSWORD)

    expect(page.get_by_text("Approve for signature")).to_be_visible()
    check_pages(page, "approver")

    page.locator("#mou-heading").locator("..").get_by_role(
        "link", name="MoU with BGI Group"
    ).click()
    page.get_by_role("button", name="Approve for signature").click()
    expect(page.get_by_text("The MoU is now: Approved for signature.")).to_be_visible()

    page.goto("/")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Approved for signature")
    log_out(page)


def test_dashboard_and_timeline_raise_no_csp_violation(browser, live_server, ministry, programme):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    log_in(page, "ministry", PASSWORD)

    for path in ("/", "/overview/timeline/", "/overview/api-guide/"):
        page.goto(path)

    context.close()
    assert [m for m in messages if "Content Security Policy" in m] == []
