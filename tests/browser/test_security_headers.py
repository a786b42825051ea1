"""The strict Content-Security-Policy blocks nothing the portal's own pages need: main pages,
the admin and the API docs load in Chromium with no CSP violation and pass axe."""

import pytest

from tests.browser.conftest import axe_violations, log_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGES = ["/", "/profile/", "/programme/", "/delegations/visits/", "/mou/", "/admin/"]


def _watch_csp(page) -> list[str]:
    """Collect CSP violations reported by the page (console errors and securitypolicyviolation)."""
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    return problems


def test_main_pages_and_api_docs_run_under_the_csp(page, administrator):
    problems = _watch_csp(page)
    log_in(page, "administrator", PASSWORD)

    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert axe_violations(page) == [], path

    response = page.goto("/api/docs/")
    assert response.status == 200
    # Swagger UI builds the page from the schema with its (static) init script.
    page.wait_for_selector(".swagger-ui .information-container", timeout=15_000)
    assert page.locator(".opblock").count() > 10

    assert problems == []


def test_htmx_and_bootstrap_work_under_the_csp(page, ministry):
    problems = _watch_csp(page)
    log_in(page, "ministry", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 800})

    page.goto("/")
    toggler = page.locator(".navbar-toggler")
    toggler.click()
    page.wait_for_selector("#main-nav.show")
    assert page.evaluate("typeof htmx") == "object"

    assert problems == []


def test_an_inline_script_would_be_blocked(page, ministry):
    """The policy really is enforced: an injected inline script does not run."""
    problems = _watch_csp(page)
    log_in(page, "ministry", PASSWORD)
    page.goto("/")

    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"""
    )
    page.wait_for_timeout(200)

    assert page.evaluate("window.__ran === true") is False
    assert any("Content Security Policy" in p for p in problems)
