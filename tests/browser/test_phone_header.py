"""On a phone (390 × 844) the header is the brand and a Menu button, at most 120 px high in every
language; the menu holds the account, search and the language choice, which changes the language
with one press, with JavaScript and without it."""

import re

import pytest
from playwright.sync_api import expect

from portal.models import User
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
HEADER_LIMIT_PX = 120


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_without_javascript(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def header_height(page) -> float:
    return page.evaluate("() => document.querySelector('header').getBoundingClientRect().height")


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


@pytest.mark.parametrize(
    ("language", "menu"), [("en", "Menu"), ("ur", "مینو"), ("zh-hans", "菜单")]
)
def test_the_phone_header_is_the_brand_and_a_menu_button(phone, ministry, language, menu, settings):
    # given: an officer reading the portal in a language, on a phone
    ministry.preferred_language = language
    ministry.save(update_fields=["preferred_language"])
    log_in(phone, "ministry", PASSWORD)

    # then: the header leaves the screen to the content, and nothing is wider than the screen
    assert header_height(phone) <= HEADER_LIMIT_PX
    assert page_width(phone) <= PHONE["width"]
    language_choice = phone.locator("[data-language-switcher]")
    expect(language_choice).to_be_hidden()
    screenshots = settings.BASE_DIR / "artifacts" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(screenshots / f"dashboard-phone-{language}.png"), full_page=True)

    # when: they open the menu
    toggler = phone.get_by_role("button", name=menu)
    expect(toggler).to_have_attribute("aria-expanded", "false")
    toggler.click()

    # then: the sections, the account and the language choice are there, within the screen
    expect(toggler).to_have_attribute("aria-expanded", "true")
    for menu_part in ("#portal-account-menu", "#main-nav"):  # opened, not still sliding open
        expect(phone.locator(menu_part)).to_have_class(re.compile(r"\bshow\b"))
    expect(language_choice).to_be_visible()
    expect(phone.locator("#main-nav")).to_be_visible()
    assert page_width(phone) <= PHONE["width"]
    phone.screenshot(path=str(screenshots / f"menu-phone-{language}.png"))


def test_a_phone_user_changes_the_language_from_the_menu_with_one_press(phone, ministry):
    log_in(phone, "ministry", PASSWORD)
    phone.get_by_role("button", name="Menu").click()
    # opened, not still sliding open (a press during the slide can land on nothing)
    expect(phone.locator("#portal-account-menu")).to_have_class(re.compile(r"\bshow\b"))

    phone.get_by_role("group", name="Language").get_by_role("button", name="اردو").click()

    expect(phone.locator("html")).to_have_attribute("lang", "ur")
    assert User.objects.get(username="ministry").preferred_language == "ur"
    assert header_height(phone) <= HEADER_LIMIT_PX


def test_without_javascript_the_menu_is_open_and_the_language_still_changes(
    phone_without_javascript, ministry
):
    phone = phone_without_javascript
    log_in(phone, "ministry", PASSWORD)

    # then: no Menu button that could not open anything; the menu is shown instead
    expect(phone.get_by_role("button", name="Menu")).to_be_hidden()
    expect(phone.locator("#main-nav")).to_be_visible()
    assert page_width(phone) <= PHONE["width"]

    # when: they press 简体中文
    phone.get_by_role("group", name="Language").get_by_role("button", name="简体中文").click()

    # then: the portal is in Chinese and remembers it
    expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
    assert User.objects.get(username="ministry").preferred_language == "zh-hans"


def test_a_wide_table_scrolls_in_a_named_region_the_keyboard_reaches(phone, ministry, settings):
    # given: BGI's sites, a table wider than a phone
    from tests.factories import SiteFactory

    SiteFactory(name="China National GeneBank", city="Shenzhen")
    SiteFactory(name="BGI Wuhan", city="Wuhan")
    log_in(phone, "ministry", PASSWORD)

    # when: they open the list on the phone
    phone.goto("/delegations/sites/")

    # then: the page itself is no wider than the screen; the table scrolls inside a region named
    # after its caption, which Tab reaches
    assert page_width(phone) <= PHONE["width"]
    region = phone.get_by_role("region", name="2 sites")
    expect(region).to_have_attribute("tabindex", "0")
    assert region.evaluate("box => box.scrollWidth > box.clientWidth")
    for _ in range(40):
        phone.keyboard.press("Tab")
        if region.evaluate("box => box === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the table's scrolling region")
