"""The MoU draft in the browser: ministry staff edit a clause, see it fall out of step, publish
a version with a note and read the changed words in the diff; BGI's liaison comments on a
shared version; and the pages pass axe."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mou.models import ClauseComment, MouVersion
from mou.services import mou_version_publish, mou_version_share
from tests.browser.conftest import axe_violations, log_in
from tests.conftest import PASSWORD
from tests.factories import ClauseFactory, MouFactory, PriorityAreaFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def mou(ministry):
    """A draft of two bilingual clauses with version 1 published and shared with BGI."""
    mou = MouFactory(
        title="MoU on genomics and genetic health",
        title_zh="关于基因组学与遗传健康的谅解备忘录",
        responsible_officer=ministry,
    )
    area = PriorityAreaFactory(programme=mou.programme, name="Thalassemia", slug="thalassemia")
    purpose = ClauseFactory(
        mou=mou,
        position=1,
        heading_en="Purpose",
        text_en="The Parties shall cooperate in genetic testing.",
        heading_zh="宗旨",
        text_zh="双方将在基因检测领域开展合作。",
    )
    purpose.priority_areas.add(area)
    ClauseFactory(
        mou=mou,
        position=2,
        heading_en="Funding",
        text_en="Each Party shall bear its own costs.",
        heading_zh="经费",
        text_zh="各方自行承担其费用。",
    )
    version = mou_version_publish(mou=mou, actor=ministry, note="First draft")
    mou_version_share(version=version, actor=ministry)
    return mou


def test_ministry_edits_a_clause_publishes_a_version_and_reads_the_changed_words(page, mou):
    # given: the clause editor, which passes axe
    log_in(page, "ministry", PASSWORD)
    page.goto(reverse("mou:clause-list", args=[mou.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(mou.title)
    expect(
        page.locator('[lang="zh-Hans"]', has_text="双方将在基因检测领域开展合作。")
    ).to_be_visible()
    assert axe_violations(page) == []

    # when: the officer changes only the English of clause 1
    page.get_by_role("link", name="Edit clause 1").click()
    expect(page.get_by_label("Text (Chinese)")).to_have_attribute("lang", "zh-Hans")
    page.get_by_label("Text (English)").fill(
        "The Parties shall cooperate closely in genetic testing and counselling."
    )
    page.get_by_role("button", name="Save clause").click()

    # then: the clause is marked out of step, naming the language that lags
    expect(page.get_by_text("Clause 1 was saved.")).to_be_visible()
    badge = page.get_by_test_id("out-of-step-badge")
    expect(badge).to_have_count(1)
    expect(badge).to_have_text("Out of step: the Chinese text has not followed the English change")
    page.get_by_role("button", name="Mark in step clause 1").click()
    expect(page.get_by_text("Clause 1 is marked in step")).to_be_visible()
    expect(page.get_by_test_id("out-of-step-badge")).to_have_count(0)

    # when: the officer publishes the draft as version 2 with a note
    page.get_by_role("navigation", name="Sections of this MoU").get_by_role(
        "link", name="Versions"
    ).click()
    page.get_by_label("Note for this version").fill("After the legal section's comments")
    page.get_by_role("button", name="Publish version").click()

    # then: version 2 is on record, frozen, and its page passes axe
    expect(page.get_by_text("Version 2 was published.")).to_be_visible()
    expect(page.get_by_role("heading", name="Version 2", exact=True)).to_be_visible()
    expect(page.get_by_text("After the legal section's comments")).to_be_visible()
    assert page.get_by_role("link", name=re.compile("^Edit")).count() == 0
    assert axe_violations(page) == []
    version = MouVersion.objects.get(mou=mou, number=2)
    assert version.note == "After the legal section's comments"

    # when: the officer opens the changes since version 1
    page.get_by_role("link", name="Changes since version 1").click()

    # then: the changed words are marked, the kinds are written, and the page passes axe
    expect(page.get_by_role("heading", name="Changes from version 1 to version 2")).to_be_visible()
    changed = page.locator('[data-testid="change"][data-kind="changed"]')
    expect(changed).to_have_count(1)
    expect(changed.get_by_role("heading", level=3)).to_contain_text("Changed")
    expect(changed.locator("ins").first).to_have_text(" closely")
    expect(changed.locator("ins").nth(1)).to_contain_text("and counselling")
    expect(page.locator('[data-kind="unchanged"] summary')).to_contain_text("Clause 2: Funding")
    expect(page.get_by_test_id("diff-summary")).to_contain_text("Changed: 1")
    assert axe_violations(page) == []


def test_bgi_liaison_reads_the_shared_version_and_comments_as_bgi(page, mou, ministry, bgi_liaison):
    # an internal version BGI must not see
    mou_version_publish(mou=mou, actor=ministry, note="Internal")

    log_in(page, "bgi_liaison", PASSWORD)
    page.goto(reverse("mou:mou-list"))
    page.get_by_role("link", name=mou.title).click()
    tabs = page.get_by_role("navigation", name="Sections of this MoU").get_by_role("link")
    expect(tabs).to_have_text(["Overview", "Versions"])
    page.get_by_role("link", name="Read and comment on version 1").click()

    page.get_by_label("Your comment on clause 2").fill("BGI asks to name the fellowships.")
    page.get_by_role("button", name="Add comment on clause 2").click()

    expect(page.get_by_text("Your comment on clause 2 was added.")).to_be_visible()
    comment = page.get_by_test_id("comment").filter(has_text="BGI asks to name the fellowships.")
    expect(comment).to_contain_text("BGI Group")
    assert ClauseComment.objects.get().is_from_bgi is True
    assert axe_violations(page) == []
    response = page.goto(reverse("mou:version-detail", args=[mou.pk, 2]))
    assert response.status == 404


def test_the_clause_editor_stacks_the_two_languages_on_a_phone(page, mou):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "ministry", PASSWORD)

    page.goto(reverse("mou:clause-list", args=[mou.pk]))

    english = page.get_by_test_id("clause-text-en").first.bounding_box()
    chinese = page.get_by_test_id("clause-text-zh").first.bounding_box()
    assert chinese["y"] > english["y"] + english["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
