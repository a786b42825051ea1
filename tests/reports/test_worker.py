"""Reports built by a real Celery worker through Redis: asked for in the API, read back."""

import datetime as dt
import os
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reports.models import Report
from tests.celery_helpers import purge_queue, running_worker
from tests.conftest import require_service

from .factories import programme_dataset
from .helpers import pdf_text, rows_of, workbook

pytestmark = [
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True),
]

CLOSED_PORT_BROKER = "redis://127.0.0.1:6390/0"


@pytest.fixture
def worker_env():
    redis_url = os.environ.get("REDIS_URL", "")
    require_service(bool(redis_url), "Redis (REDIS_URL)")
    broker = os.environ.get("CELERY_BROKER_URL") or redis_url
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": os.environ.get("CELERY_RESULT_BACKEND") or broker,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    # Other tests' commits may have queued builds for their own (now gone) reports.
    purge_queue(env)
    return env


@pytest.fixture(autouse=True)
def _needs_postgresql():
    require_service(
        connection.vendor == "postgresql", "PostgreSQL (the worker shares its database)"
    )


def wait_until_finished(client, url: str, timeout: float = 90.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(url).json()
        if body["status"] in {"ready", "failed"}:
            return body
        time.sleep(0.5)
    raise AssertionError(f"the report did not finish in {timeout} s: {body}")


@contextmanager
def web_broker(url: str):
    """The web side publishes to `url` (the worker keeps its own broker)."""
    with mock.patch.dict(os.environ, {"CELERY_BROKER_URL": url}):
        yield


def test_report_asked_for_in_the_api_is_built_by_the_worker(worker_env, ministry, api_as):
    programme_dataset()
    client = api_as(ministry)

    with running_worker(worker_env):
        asked = client.post(
            reverse("api:report-list"), {"kind": "programme_status", "format": "pdf"}
        )
        assert asked.status_code == 202
        body = wait_until_finished(client, asked.json()["url"])
        spreadsheet = client.post(
            reverse("api:report-list"), {"kind": "programme_status", "format": "xlsx"}
        )
        xlsx_body = wait_until_finished(client, spreadsheet.json()["url"])

    assert body["status"] == "ready", body
    pdf = client.get(body["download_url"])
    assert pdf.status_code == 200
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "Newborn screening" in text
    assert "Rare disease diagnostics" in text
    assert "10 at least 60 % 35" in text
    assert "50%" in text
    assert "Approved: 2" in text
    assert "Send the sample transfer agreement" in text

    assert xlsx_body["status"] == "ready", xlsx_body
    book = workbook(b"".join(client.get(xlsx_body["download_url"]).streaming_content))
    indicator = rows_of(book["Indicators"])[1]
    assert indicator[2] == "Newborns screened"
    assert indicator[6] == 35
    assert not isinstance(indicator[6], str)
    assert indicator[9] == 50
    assert book["Indicators"]["I2"].is_date is True
    assert rows_of(book["Overdue action items"])[1][3] == 5


def test_report_asked_for_while_the_broker_is_down_is_built_once_it_is_back(
    worker_env, ministry, api_as, client, nih_lead
):
    programme_dataset()
    api = api_as(ministry)
    client.force_login(ministry)

    # Redis is unreachable: the request is kept and both the API and the page say so.
    with web_broker(CLOSED_PORT_BROKER):
        started = time.monotonic()
        asked = api.post(reverse("api:report-list"), {"kind": "action_items", "format": "xlsx"})
        elapsed = time.monotonic() - started
        page = client.post(
            reverse("reports:report-request"),
            {"kind": "programme_status", "format": "pdf"},
            follow=True,
        )
    assert asked.status_code == 202
    assert elapsed < 5
    assert asked.json()["status"] == "queued"
    assert asked.json()["enqueued_at"] is None
    assert page.status_code == 200
    assert "will be built as soon as the queue is reachable" in page.content.decode()
    assert Report.objects.filter(status="queued", enqueued_at__isnull=True).count() == 2

    # Some minutes later Redis is back; beat's sweep hands both reports to the worker.
    Report.objects.update(created_at=timezone.now() - dt.timedelta(minutes=30))
    with running_worker(worker_env) as app:
        requeued = app.send_task("reports.requeue_stale_reports").get(timeout=30)
        assert len(requeued) == 2
        body = wait_until_finished(api, asked.json()["url"])
        wait_until_finished(
            api, reverse("api:report-detail", args=[Report.objects.exclude(pk=body["id"]).get().pk])
        )

    assert body["status"] == "ready", body
    assert Report.objects.filter(status="ready").count() == 2
    # Only those who may see a report can download it.
    other = Report.objects.get(pk=body["id"])
    client.force_login(nih_lead)
    assert client.get(reverse("reports:report-download", args=[other.pk])).status_code == 404
    assert api_as(nih_lead).get(body["download_url"]).status_code == 404
