"""The reports API: ask (202), follow the status, download; who may do what."""

import pytest
from django.urls import reverse

from reports.models import Report

from .factories import PDF_BYTES, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["ministry", "approver", "nih_lead", "administrator", "api_client"]
)
def test_report_users_ask_for_a_report_and_get_202_with_its_url(
    persona, name, api_as, published, django_capture_on_commit_callbacks
):
    user = persona(name)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(user).post(
            reverse("api:report-list"), {"kind": "programme_status", "format": "pdf"}
        )

    assert response.status_code == 202
    body = response.json()
    report = Report.objects.get(pk=body["id"])
    assert report.requested_by == user
    assert body["status"] == "queued"
    assert body["url"].endswith(reverse("api:report-detail", args=[report.pk]))
    assert response["Location"] == body["url"]
    assert body["download_url"] is None
    assert published == [{"kwargs": {"report_id": report.pk}, "retry": False}]


@pytest.mark.parametrize("name", ["nih_expert", "bgi_liaison"])
def test_people_without_reports_get_403_from_the_reports_api(persona, name, api_as):
    client = api_as(persona(name))

    assert client.get(reverse("api:report-list")).status_code == 403
    response = client.post(reverse("api:report-list"), {"kind": "action_items", "format": "xlsx"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Report.objects.count() == 0


def test_api_request_is_accepted_while_the_broker_is_unreachable(
    ministry, api_as, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(ministry).post(
            reverse("api:report-list"), {"kind": "action_items", "format": "xlsx"}
        )

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert body["enqueued_at"] is None
    assert "as soon as it is reachable" in body["status_message"]


def test_invalid_kind_or_format_is_400_with_field_errors(ministry, api_as):
    response = api_as(ministry).post(reverse("api:report-list"), {"kind": "x", "format": "doc"})

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"kind", "format"}


def test_status_endpoint_gives_the_status_and_download_url_once_ready(ministry, api_as):
    report = ReportFactory(requested_by=ministry, ready=True)

    body = api_as(ministry).get(reverse("api:report-detail", args=[report.pk])).json()

    assert body["status"] == "ready"
    assert body["download_url"].endswith(reverse("api:report-download", args=[report.pk]))
    assert body["requested_by"]["username"] == "ministry"


def test_download_gives_the_file_as_an_attachment(ministry, api_as):
    report = ReportFactory(requested_by=ministry, ready=True)

    response = api_as(ministry).get(reverse("api:report-download", args=[report.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="programme-status-2026-11-29-1.pdf"'
    )
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize("state", [{}, {"running": True}, {"failed": True}])
def test_download_before_ready_is_409_report_not_ready(ministry, api_as, state):
    report = ReportFactory(requested_by=ministry, **state)

    response = api_as(ministry).get(reverse("api:report-download", args=[report.pk]))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "report_not_ready"


def test_api_client_cannot_see_or_download_someone_elses_report(api_client, ministry, api_as):
    report = ReportFactory(requested_by=ministry, ready=True)
    client = api_as(api_client)

    assert client.get(reverse("api:report-detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("api:report-download", args=[report.pk])).status_code == 404
    assert client.get(reverse("api:report-list")).json()["count"] == 0


@pytest.mark.parametrize("name", ["nih_expert", "bgi_liaison"])
def test_people_without_reports_cannot_download_a_report(persona, name, ministry, api_as):
    report = ReportFactory(requested_by=ministry, ready=True)

    response = api_as(persona(name)).get(reverse("api:report-download", args=[report.pk]))

    assert response.status_code in {403, 404}
    assert response.get("Content-Disposition") is None


def test_nih_lead_sees_own_and_scheduled_reports_ministry_sees_all(nih_lead, ministry, api_as):
    own = ReportFactory(requested_by=nih_lead)
    weekly = ReportFactory(requested_by=None, is_scheduled=True)
    others = ReportFactory(requested_by=ministry)

    lead_ids = {r["id"] for r in api_as(nih_lead).get(reverse("api:report-list")).json()["results"]}
    ministry_ids = {
        r["id"] for r in api_as(ministry).get(reverse("api:report-list")).json()["results"]
    }

    assert lead_ids == {own.pk, weekly.pk}
    assert ministry_ids == {own.pk, weekly.pk, others.pk}


def test_report_list_endpoint_runs_a_fixed_number_of_queries(
    ministry, api_as, django_assert_max_num_queries
):
    client = api_as(ministry)
    for _ in range(12):
        ReportFactory(requested_by=ministry, ready=True)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("api:report-list"))

    assert response.json()["count"] == 12
