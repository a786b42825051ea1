"""Languages in a real browser: switching to Urdu with the keyboard turns the page right to left
(and it stays accessible); BGI's liaison switches to Chinese and finds it again on another
browser."""

import pytest
from playwright.sync_api import expect

from portal.models import User
from tests.browser.conftest import AXE, log_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def serious_axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.x A/AA violations of serious or critical impact on the current page."""
    # Evaluated over the DevTools protocol, which the page's Content-Security-Policy does not
    # govern (an inline <script> would be blocked).
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
        })"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_officer_switches_to_urdu_with_the_keyboard_and_the_page_turns_right_to_left(
    page, ministry
):
    # given: an officer on the portal in English
    log_in(page, "ministry", PASSWORD)
    expect(page.locator("html")).to_have_attribute("dir", "ltr")

    # when: they choose اردو in the switcher and press its button, keyboard only
    page.get_by_label("Language").focus()
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("Language").input_value() == "ur"
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Change language")).to_be_focused()
    page.keyboard.press("Enter")

    # then: the page is Urdu, right to left, with the RTL stylesheet, and stays accessible
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ur")
    expect(html).to_have_attribute("dir", "rtl")
    assert page.locator('link[href*="bootstrap.rtl.min.css"]').count() == 1
    expect(page.locator("#language-select")).to_have_value("ur")
    assert User.objects.get(username="ministry").preferred_language == "ur"
    assert serious_axe_violations(page) == []
    page.goto("/delegations/visits/")
    expect(html).to_have_attribute("dir", "rtl")
    assert serious_axe_violations(page) == []


def test_bgi_liaison_switches_to_chinese_and_finds_it_on_another_browser(
    browser, page, live_server, bgi_liaison
):
    # given: BGI's liaison on the portal in English
    log_in(page, "bgi_liaison", PASSWORD)

    # when: they choose 简体中文
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Change language").click()

    # then: the portal speaks Chinese
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link", name="对华大集团的访问")).to_be_visible()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()

    # and: on another browser, after logging in, it is still Chinese
    other = browser.new_context(base_url=live_server.url)
    try:
        second = other.new_page()
        log_in(second, "bgi_liaison", PASSWORD)
        expect(second.locator("html")).to_have_attribute("lang", "zh-hans")
        expect(second.get_by_role("button", name="退出登录")).to_be_visible()
    finally:
        other.close()
