"""The interactive API documentation: "Try it out" sends a write with the signed-in session, and
the portal's CSRF check (HttpOnly cookie, token served with Swagger's init script) lets it in."""

import pytest

from portal.models import Notification
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OPERATION = "#operations-v1-v1_notifications_read_all_create"


def test_try_it_out_marks_notifications_read_with_the_session(page, ministry):
    for title in ("Action item due", "MoU review due"):
        Notification.objects.create(recipient=ministry, kind="action_item", title=title, url="/")
    log_in(page, "ministry", PASSWORD)

    page.goto("/api/docs/")
    operation = page.locator(OPERATION)
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()

    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=15_000)
    assert status.inner_text().strip() == "200"
    assert not Notification.objects.filter(recipient=ministry, read_at__isnull=True).exists()
