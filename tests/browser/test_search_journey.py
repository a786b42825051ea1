"""Finding things: type words in the navigation bar's search box, follow a result, and open
its traceability; both pages pass the accessibility check and fit a 390 px screen."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import expect

from tests.browser.conftest import log_in, serious_violations
from tests.conftest import PASSWORD
from tests.factories import (
    ActionItemFactory,
    ClauseFactory,
    PriorityAreaFactory,
    RecommendationFactory,
)
from tests.search.factories import ObligationFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_search_then_follow_a_result_to_its_traceability(page, ministry):
    area = PriorityAreaFactory(name="Thalassemia")
    recommendation = RecommendationFactory(
        title="Zebrafish models for thalassemia", priority_areas=[area]
    )
    RecommendationFactory(title="Biobank governance", body="Mentions zebrafish once.")
    clause = ClauseFactory(heading_en="Joint research")
    clause.recommendations.set([recommendation])
    obligation = ObligationFactory(mou=clause.mou, clause=clause, description="Share protocols")
    ActionItemFactory(
        title="Send the protocols",
        linked_type=ContentType.objects.get_for_model(obligation),
        linked_id=obligation.pk,
    )
    log_in(page, "ministry", PASSWORD)

    # when: words typed in the navigation bar's search box, then Enter
    box = page.get_by_role("search", name="Portal search").get_by_label("Search the portal")
    box.fill("zebrafish")
    box.press("Enter")

    # then: results grouped by kind, the title match first, the words highlighted
    page.wait_for_url(re.compile(r"/search/\?q=zebrafish"))
    expect(page.get_by_test_id("search-summary")).to_contain_text("2 results for “zebrafish”")
    results = page.get_by_test_id("results-recommendation")
    expect(results.get_by_role("link").first).to_have_text("Zebrafish models for thalassemia")
    expect(results.locator("mark").first).to_be_visible()
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # when: the result is followed, and its traceability opened
    results.get_by_role("link", name="Zebrafish models for thalassemia").click()
    page.wait_for_url(f"**{recommendation.get_absolute_url()}")
    page.get_by_role("link", name=re.compile("^Traceability")).click()

    # then: where it comes from and what follows, each a link
    page.wait_for_url(f"**/search/trace/recommendation/{recommendation.pk}/")
    upstream = page.get_by_test_id("trace-upstream")
    downstream = page.get_by_test_id("trace-downstream")
    expect(upstream.get_by_role("link", name="Thalassemia", exact=True)).to_be_visible()
    expect(
        downstream.get_by_role("link", name=re.compile(r"^\d+\. Joint research$"))
    ).to_be_visible()
    expect(downstream.get_by_role("link", name="Share protocols", exact=True)).to_be_visible()
    expect(downstream.get_by_role("link", name="Send the protocols", exact=True)).to_be_visible()
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
