"""A report as ministry staff ask for it: choose it, wait on the page (no reload) while a real
worker builds it, and download the PDF when the page offers it."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect

from reports.models import Report
from tests.browser.conftest import axe_violations, log_in
from tests.celery_helpers import purge_queue, running_worker
from tests.conftest import PASSWORD, require_service
from tests.reports.factories import programme_dataset
from tests.reports.helpers import pdf_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_ministry_asks_for_a_report_and_downloads_it_when_ready(page, ministry):
    redis_url = os.environ.get("REDIS_URL", "")
    require_service(bool(redis_url), "Redis (REDIS_URL)")
    require_service(connection.vendor == "postgresql", "PostgreSQL (shared with the worker)")
    broker = os.environ.get("CELERY_BROKER_URL") or redis_url
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": os.environ.get("CELERY_RESULT_BACKEND") or broker,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    purge_queue(env)  # builds other tests' commits queued for their own reports
    programme_dataset()
    log_in(page, "ministry", PASSWORD)

    with running_worker(env):
        # given: the reports page, reached from the navigation
        page.get_by_role("link", name="Reports", exact=True).first.click()
        expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
        assert axe_violations(page) == []

        # when: ministry staff ask for the programme status report as a PDF
        page.get_by_label("Programme status report").check()
        page.get_by_label("PDF").check()
        page.get_by_role("button", name="Ask for the report").click()

        # then: the page says it is being prepared and, without a reload, offers the download
        expect(page.get_by_text("Your programme status report is being prepared.")).to_be_visible()
        download_link = page.get_by_role("link", name=re.compile(r"^Download programme-status-"))
        expect(download_link).to_be_visible(timeout=90_000)
        assert page.url.endswith(
            reverse("reports:report-list") + f"#report-{Report.objects.get().pk}"
        )
        with page.expect_download() as download_info:
            download_link.click()
        download = download_info.value

    report = Report.objects.get()
    assert report.status == Report.Status.READY
    assert download.suggested_filename == report.filename
    text = pdf_text(Path(download.path()).read_bytes())
    assert "Newborn screening" in text
    assert "Newborns screened" in text
    assert axe_violations(page) == []
