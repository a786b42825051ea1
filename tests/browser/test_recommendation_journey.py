"""A recommendation's life in the browser: an expert edits and sends it to team review, the
NIH lead endorses and submits it, the ministry approves it; and the pages pass axe."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from collaboration.models import Recommendation
from collaboration.services import RecommendationData, recommendation_update
from tests.browser.conftest import axe_violations, log_in
from tests.conftest import PASSWORD
from tests.factories import (
    ActionItemFactory,
    CapabilityFactory,
    PriorityAreaFactory,
    RecommendationCommentFactory,
    RecommendationFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")


def test_a_recommendation_goes_from_draft_to_approved_through_three_people(
    page, team, nih_expert, nih_lead, ministry
):
    # given: a draft of the NIH expert
    area = PriorityAreaFactory(name="Thalassemia", slug="thalassemia")
    rec = RecommendationFactory(
        title="Carrier screening in Punjab",
        body="Screen carriers in Lahore.",
        priority_areas=[area],
        authors=[nih_expert],
    )
    detail = rec.get_absolute_url()

    # when: the expert edits it in the form and saves
    log_in(page, "nih_expert", PASSWORD)
    page.goto(detail)
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Recommendation", exact=True).fill(
        "Screen **carriers** in Lahore and Karachi."
    )
    page.get_by_label("Estimated cost (PKR)").fill("12500000")
    page.get_by_label("What changed").fill("Karachi added")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("were saved as version 2")).to_be_visible()
    expect(page.get_by_test_id("estimated-cost")).to_have_text("PKR 12,500,000.00")

    # and: sends it to team review
    page.get_by_role("button", name="Send to team review").click()
    expect(page.get_by_text("is now: In team review")).to_be_visible()
    log_out(page)

    # and: the NIH lead endorses it and submits it to the ministry with a file number
    log_in(page, "nih_lead", PASSWORD)
    page.goto(detail)
    page.get_by_role("button", name="Endorse").click()
    expect(page.get_by_text("is now: Endorsed by the NIH lead")).to_be_visible()
    page.get_by_label("Ministry file or diary number (optional)").fill("F.No. 7-12/2026-NIH")
    page.get_by_role("button", name="Submit to the ministry").click()
    expect(page.get_by_text("is now: Submitted to the ministry")).to_be_visible()
    log_out(page)

    # and: ministry staff approve it
    log_in(page, "ministry", PASSWORD)
    page.goto(reverse("collaboration:my-work"))
    page.get_by_role("link", name="Carrier screening in Punjab").click()
    page.get_by_role("button", name="Approve").click()
    # approving cannot be undone: the portal asks first, naming the consequence
    expect(page.get_by_test_id("confirm-step")).to_contain_text("cannot be undone")
    page.get_by_role("button", name="Approve").click()

    # then: the page shows it approved, with the three people on the timeline
    expect(page.get_by_text("is now: Approved")).to_be_visible()
    expect(page.locator(".rec-status").first).to_have_text("Approved")
    timeline = page.get_by_test_id("timeline")
    steps = timeline.locator("li")
    expect(steps).to_have_count(4)
    expect(steps.nth(0)).to_contain_text(f"Send to team review by {nih_expert.display_name}")
    expect(steps.nth(1)).to_contain_text(f"Endorse by {nih_lead.display_name}")
    expect(steps.nth(2)).to_contain_text(f"Submit to the ministry by {nih_lead.display_name}")
    expect(steps.nth(3)).to_contain_text(f"Approve by {ministry.display_name}")
    expect(steps.nth(3)).to_contain_text(re.compile(r"Submitted to the ministry\s*→.*Approved"))
    expect(page.get_by_text("F.No. 7-12/2026-NIH").first).to_be_visible()
    assert page.get_by_role("button", name="Approve").count() == 0
    rec.refresh_from_db()
    assert (rec.status, rec.revision) == (Recommendation.Status.APPROVED, 2)


@pytest.fixture
def worked_on(team, nih_expert, nih_expert2, ministry):
    """A draft with two saved versions, a comment and an overdue action item for the expert."""
    area = PriorityAreaFactory(name="Thalassemia", slug="thalassemia")
    capability = CapabilityFactory(name="Carrier screening panel")
    rec = RecommendationFactory(
        title="Carrier screening", priority_areas=[area], authors=[nih_expert]
    )
    rec.capabilities.add(capability)
    rec = recommendation_update(
        recommendation=rec,
        actor=nih_expert2,
        expected_version=rec.version,
        data=RecommendationData(
            title="Carrier screening",
            body="Screen all **carriers** in Karachi.",
            priority_areas=[area],
            capabilities=[capability],
        ),
        note="Wider scope",
    )
    RecommendationCommentFactory(recommendation=rec, author=ministry, body="Add *costs*.")
    RecommendationFactory(title="Gene bank plan", team_review=True, priority_areas=[area])
    RecommendationFactory(title="Awaiting decision", submitted=True, priority_areas=[area])
    ActionItemFactory(title="Share the protocol", owner=nih_expert, due_on="2026-01-05")
    return rec


@pytest.mark.parametrize(
    ("who", "page_name"),
    [
        ("nih_expert", "list"),
        ("nih_expert", "detail"),
        ("nih_expert", "edit"),
        ("nih_expert", "versions"),
        ("nih_expert", "diff"),
        ("nih_expert", "my-work"),
        ("ministry", "submitted-detail"),
        ("ministry", "my-work"),
    ],
)
def test_recommendation_pages_pass_the_automated_accessibility_check(
    page, worked_on, persona, who, page_name
):
    submitted = Recommendation.objects.get(title="Awaiting decision")
    paths = {
        "list": reverse("collaboration:recommendation-list"),
        "detail": worked_on.get_absolute_url(),
        "edit": reverse("collaboration:recommendation-update", args=[worked_on.pk]),
        "versions": reverse("collaboration:recommendation-versions", args=[worked_on.pk]),
        "diff": reverse("collaboration:recommendation-diff", args=[worked_on.pk]) + "?from=1&to=2",
        "my-work": reverse("collaboration:my-work"),
        "submitted-detail": submitted.get_absolute_url(),
    }
    log_in(page, who, PASSWORD)

    page.goto(paths[page_name])

    expect(page.locator("h1")).to_have_count(1)
    assert axe_violations(page) == []


def test_the_edit_conflict_page_passes_the_accessibility_check_and_keeps_both_texts(
    page, worked_on, nih_expert, nih_expert2
):
    log_in(page, "nih_expert", PASSWORD)
    page.goto(reverse("collaboration:recommendation-update", args=[worked_on.pk]))
    page.get_by_label("Recommendation", exact=True).fill("Screen carriers in Quetta.")
    page.get_by_label("What changed").fill("Quetta")
    # meanwhile, another expert saves first
    area = worked_on.priority_areas.get()
    recommendation_update(
        note="Edited",
        recommendation=worked_on,
        actor=nih_expert2,
        expected_version=worked_on.version,
        data=RecommendationData(
            title="Carrier screening", body="Screen carriers in Multan.", priority_areas=[area]
        ),
    )

    page.get_by_role("button", name="Save changes").click()

    expect(
        page.get_by_role(
            "heading", name="Someone else saved this recommendation while you were editing"
        )
    ).to_be_visible()
    expect(page.get_by_test_id("theirs-body")).to_have_text("Screen carriers in Quetta.")
    expect(page.get_by_test_id("saved-body")).to_have_text("Screen carriers in Multan.")
    expect(page.get_by_label("Recommendation", exact=True)).to_have_value(
        "Screen carriers in Quetta."
    )
    assert axe_violations(page) == []

    page.get_by_label("Recommendation", exact=True).fill("Screen carriers in Quetta and Multan.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("were saved as version 4")).to_be_visible()
    assert re.search(r"/recommendations/\d+/$", page.url)
