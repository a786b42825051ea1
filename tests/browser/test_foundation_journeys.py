"""The foundation as a new user meets it: log in, navigate, make an API token, use it, log out."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_ministry_officer_logs_in_creates_a_token_calls_the_api_and_logs_out(
    page, live_server, ministry
):
    # given: the login page
    page.goto("/")
    assert "/accounts/login/" in page.url

    # when: the officer logs in and opens the profile
    log_in(page, "ministry", PASSWORD)
    assert page.get_by_role("heading", name=f"Welcome, {ministry.display_name}").is_visible()
    nav = page.get_by_role("navigation", name="Main navigation")
    assert nav.get_by_role("link", name="API docs").is_visible()
    assert nav.get_by_role("link", name="Users & roles").count() == 0
    page.get_by_role("link", name=ministry.display_name).click()
    page.get_by_label("Token name").fill("ministry dashboard")
    page.get_by_role("button", name="Create token").click()

    # then: the key is shown once and works against the API
    key = page.get_by_test_id("new-token-key").inner_text().strip()
    expect(page.get_by_role("cell", name="ministry dashboard", exact=True)).to_be_visible()
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/me/", headers={"Authorization": f"Token {key}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["username"] == "ministry"

    # and: revoking it from the page stops it
    page.get_by_role("button", name="Revoke ministry dashboard").click()
    expect(page.get_by_text("Token “ministry dashboard” revoked.")).to_be_visible()
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    assert error.value.code == 401

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    page.goto("/profile/")
    assert "/accounts/login/?next=/profile/" in page.url


def test_api_docs_open_offline_for_a_logged_in_user(page, nih_lead):
    log_in(page, "nih_lead", PASSWORD)
    external = []
    page.on(
        "request",
        lambda req: (
            external.append(req.url) if not req.url.startswith(page.url.split("/api")[0]) else None
        ),
    )

    page.goto("/api/docs/")

    page.wait_for_selector("text=Genomics Collaboration Portal API")
    assert page.locator(".opblock-summary-path", has_text="/api/v1/me/").first.is_visible()
    assert [url for url in external if not url.startswith(("data:", "blob:"))] == []


def test_navigation_works_with_the_keyboard(page, nih_expert):
    log_in(page, "nih_expert", PASSWORD)

    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/", "/profile/", "/accounts/password_reset/"]
)
def test_pages_pass_the_automated_accessibility_check(page, administrator, path):
    if path != "/accounts/login/" and "password_reset" not in path:
        log_in(page, "administrator", PASSWORD)

    page.goto(path)

    assert axe_violations(page) == []


def test_pages_fit_a_phone_screen(page, ministry):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "ministry", PASSWORD)

    page.goto("/profile/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    nav_link = page.get_by_role("link", name="API docs")
    expect(nav_link).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(nav_link).to_be_visible()
