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


# Every text node holding Arabic script whose element does not ask for a portal face first: a
# system face would draw Urdu-only letters such as ہ as boxes.
URDU_TEXT_IN_OTHER_FACES = """() => {
    const offenders = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode;
        if (!/[\u0600-\u06ff]/.test(node.textContent)) continue;
        const family = getComputedStyle(node.parentElement).fontFamily.replaceAll('"', '');
        if (!/^(Noto Naskh Arabic|Noto Nastaliq Urdu),/.test(family)) {
            offenders.push(`${node.parentElement.tagName}: ${family}: ${node.textContent.trim()}`);
        }
    }
    return offenders;
}"""


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

    # when: they open the language choice with the keyboard and press اردو
    urdu = page.get_by_role("group", name="Language").get_by_role("button", name="اردو")
    urdu.focus()
    expect(urdu).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Enter")

    # then: the page is Urdu, right to left, with the RTL stylesheet, and stays accessible
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ur")
    expect(html).to_have_attribute("dir", "rtl")
    assert page.locator('link[href*="bootstrap.rtl.min.css"]').count() == 1
    current = page.get_by_role("group", name="زبان").get_by_role("button", name="اردو")
    expect(current).to_have_attribute("aria-pressed", "true")
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
    page.get_by_role("group", name="Language").get_by_role("button", name="简体中文").click()

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


def test_urdu_pages_draw_with_the_portals_own_urdu_faces(page, ministry, settings):
    # given: an officer who reads the portal in Urdu, on a machine with no Urdu font installed
    ministry.preferred_language = "ur"
    ministry.save(update_fields=["preferred_language"])
    log_in(page, "ministry", PASSWORD)

    # when: the dashboard has loaded its fonts
    page.goto("/")
    page.evaluate("async () => { await document.fonts.ready; }")

    # then: the body text is set in Noto Naskh Arabic and the heading in Noto Nastaliq Urdu,
    # both loaded from the portal, and each has the letter ہ (no empty boxes)
    loaded = page.evaluate(
        """() => [...document.fonts].filter(f => f.status === 'loaded')
                 .map(f => f.family.replaceAll('"', ''))"""
    )
    assert "Noto Naskh Arabic" in loaded
    assert "Noto Nastaliq Urdu" in loaded
    body_font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    heading_font = page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontFamily")
    assert body_font.startswith('"Noto Naskh Arabic"')
    assert heading_font.startswith('"Noto Nastaliq Urdu"')
    assert page.evaluate("() => document.fonts.check('16px \"Noto Naskh Arabic\"', 'ہ')")
    assert page.evaluate("() => document.fonts.check('700 24px \"Noto Nastaliq Urdu\"', 'ہ')")
    # and: every piece of Urdu text on the page, chart labels included, asks for one of them first
    assert page.evaluate(URDU_TEXT_IN_OTHER_FACES) == []
    screenshots = settings.BASE_DIR / "artifacts" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshots / "dashboard-ur.png"), full_page=True)
