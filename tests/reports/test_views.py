"""The reports page: ask for a report, follow it without reloading, download it."""

import pytest
from django.urls import reverse

from reports.models import Report

from .factories import PDF_BYTES, ReportFactory

pytestmark = pytest.mark.django_db


# Real commits: the request is handed to the queue when its transaction commits, before the page
# answers, as in production.
@pytest.mark.django_db(transaction=True)
def test_ministry_asks_for_a_report_and_sees_it_listed(client, ministry, published):
    client.force_login(ministry)

    response = client.post(
        reverse("reports:report-request"),
        {"kind": "action_items", "format": "xlsx"},
        follow=True,
    )

    report = Report.objects.get()
    assert (report.kind, report.format, report.requested_by) == ("action_items", "xlsx", ministry)
    assert published == [{"kwargs": {"report_id": report.pk}, "retry": False}]
    html = response.content.decode()
    assert "Your action items export is being prepared." in html
    assert f'id="report-{report.pk}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert "Waiting for the report builder" in html


@pytest.mark.django_db(transaction=True)
def test_page_says_the_report_will_be_built_when_the_queue_is_back(client, approver, broker_down):
    client.force_login(approver)

    response = client.post(
        reverse("reports:report-request"),
        {"kind": "programme_status", "format": "pdf"},
        follow=True,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "the queue cannot be reached just now" in html
    assert "will be built as soon as the queue is reachable" in html
    assert Report.objects.get().status == Report.Status.QUEUED


def test_invalid_request_shows_the_form_again(client, ministry):
    client.force_login(ministry)

    response = client.post(reverse("reports:report-request"), {"kind": "nonsense"})

    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_status_fragment_polls_until_ready_then_offers_the_download(client, ministry):
    client.force_login(ministry)
    report = ReportFactory(requested_by=ministry, running=True)
    url = reverse("reports:report-status", args=[report.pk])

    running = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    report.status, report.finished_at = Report.Status.READY, report.started_at
    Report.objects.filter(pk=report.pk).update(
        status="ready", finished_at=report.started_at, file="x.pdf", size=10, filename="r.pdf"
    )
    ready = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    assert 'hx-trigger="every 2s"' in running
    assert "being built" in running
    assert "hx-trigger" not in ready
    assert reverse("reports:report-download", args=[report.pk]) in ready
    assert "Download r.pdf" in ready


def test_failed_report_stops_polling_and_says_so(client, ministry):
    client.force_login(ministry)
    report = ReportFactory(requested_by=ministry, failed=True)

    html = client.get(reverse("reports:report-status", args=[report.pk])).content.decode()

    assert "hx-trigger" not in html
    assert "could not be built" in html


def test_download_streams_the_file_with_a_safe_name(client, ministry):
    client.force_login(ministry)
    report = ReportFactory(requested_by=ministry, ready=True)

    response = client.get(reverse("reports:report-download", args=[report.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="programme-status-2026-11-29-1.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_download_of_a_report_not_ready_is_404(client, ministry):
    client.force_login(ministry)
    report = ReportFactory(requested_by=ministry)

    assert client.get(reverse("reports:report-download", args=[report.pk])).status_code == 404


@pytest.mark.parametrize("name", ["nih_expert", "bgi_liaison", "api_client"])
def test_people_without_report_pages_get_403_and_no_file(client, persona, name, ministry):
    report = ReportFactory(requested_by=ministry, ready=True)
    client.force_login(persona(name))

    assert client.get(reverse("reports:report-list")).status_code == 403
    response = client.get(reverse("reports:report-download", args=[report.pk]))
    assert response.status_code == 403
    assert response.get("Content-Disposition") is None


def test_nih_lead_cannot_download_a_report_someone_else_asked_for(client, nih_lead, ministry):
    report = ReportFactory(requested_by=ministry, ready=True)
    client.force_login(nih_lead)

    assert client.get(reverse("reports:report-download", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:report-status", args=[report.pk])).status_code == 404


def test_list_shows_who_asked_when_and_for_what(client, ministry, nih_lead):
    ReportFactory(requested_by=nih_lead, kind="action_items", format="xlsx")
    ReportFactory(requested_by=None, is_scheduled=True)
    client.force_login(ministry)

    html = client.get(reverse("reports:report-list")).content.decode()

    assert "Action items export" in html
    assert "Spreadsheet (.xlsx)" in html
    assert nih_lead.display_name in html
    assert "Weekly schedule" in html
    assert "2 reports, newest first" in html


def test_nav_shows_reports_to_those_who_may_ask(client, ministry, nih_expert):
    client.force_login(ministry)
    assert reverse("reports:report-list") in client.get(reverse("home")).content.decode()
    client.force_login(nih_expert)
    assert reverse("reports:report-list") not in client.get(reverse("home")).content.decode()


def test_report_list_page_runs_a_fixed_number_of_queries(
    client, ministry, django_assert_max_num_queries
):
    client.force_login(ministry)
    for _ in range(15):
        ReportFactory(requested_by=ministry, ready=True)
    client.get(reverse("reports:report-list"))  # warm caches (session, nav)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:report-list"))

    assert response.status_code == 200
