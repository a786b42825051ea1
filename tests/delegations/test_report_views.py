"""Trip-report pages: the summary, findings per objective with their follow-ups, PDF
attachments, submitting, and who may see and write it."""

import datetime as dt
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import strip_tags

from collaboration.models import ActionItem, Recommendation
from delegations.models import Finding, TripReport, TripReportAttachment, Visit
from delegations.services import (
    FindingData,
    finding_add,
    objective_add,
    trip_report_attach,
    trip_report_save,
)
from tests.factories import DelegationMemberFactory, PriorityAreaFactory, VisitFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def page_text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(strip_tags(response.content.decode()))).strip()


def report_url(visit):
    return reverse("delegations:trip-report", args=[visit.pk])


def objective_for(visit, name="Thalassemia", text="Agree a carrier-screening model."):
    area = PriorityAreaFactory(programme=visit.programme, name=name)
    return objective_add(visit=visit, actor=None, priority_area=area, text=text)


def pdf_upload(name="minutes.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# Reading --------------------------------------------------------------------------------------


def test_ministry_sees_the_report_with_findings_grouped_by_objective(client, ministry):
    visit = VisitFactory(in_progress=True)
    objective = objective_for(visit)
    finding_add(visit=visit, actor=ministry,
                data=FindingData(text="BGI screens **50,000** couples a year.", objective=objective))  # fmt: skip
    finding_add(visit=visit, actor=ministry, data=FindingData(text="The hotel was far."))
    client.force_login(ministry)

    response = client.get(report_url(visit))

    assert response.status_code == 200
    body = response.content.decode()
    assert "<strong>50,000</strong>" in body
    text = page_text(response)
    assert "Thalassemia: Agree a carrier-screening model." in text
    assert "Other findings The hotel was far." in text
    assert "Save the summary" in text
    assert "Add the finding" in text


def test_the_report_is_read_only_before_the_visit_starts(client, ministry):
    visit = VisitFactory(approved=True)
    client.force_login(ministry)

    text = page_text(client.get(report_url(visit)))

    assert "The report is written while the delegation is travelling" in text
    assert "Save the summary" not in text
    assert "Add the finding" not in text


@pytest.mark.parametrize("shared", [True, False])
def test_bgi_liaison_never_sees_the_report(client, bgi_liaison, shared):
    visit = VisitFactory(in_progress=True, is_shared_with_bgi=shared)
    client.force_login(bgi_liaison)

    assert client.get(report_url(visit)).status_code == 404
    response = client.post(reverse("delegations:finding-create", args=[visit.pk]), {"text": "x"})
    assert response.status_code == 404


def test_the_report_page_query_count_does_not_grow_with_findings(
    client, ministry, django_assert_max_num_queries
):
    visit = VisitFactory(in_progress=True)
    objectives = [objective_for(visit, name=f"Area {i}") for i in range(3)]
    client.force_login(ministry)

    def make(count):
        for index in range(count):
            finding_add(
                visit=visit, actor=ministry,
                data=FindingData(text=f"Finding {index}", objective=objectives[index % 3],
                                 follow_up=Finding.FollowUp.ACTION_ITEM, follow_up_owner=ministry,
                                 follow_up_due_on=dt.date(2027, 3, 1)),
            )  # fmt: skip
        trip_report_attach(visit=visit, actor=ministry, title="Slides", upload=pdf_upload())

    make(10)
    with django_assert_max_num_queries(20):
        assert client.get(report_url(visit)).status_code == 200
    make(190)
    with django_assert_max_num_queries(20):
        response = client.get(report_url(visit))
    assert len(re.findall(r'id="finding-\d+"', response.content.decode())) == 200


# The summary ----------------------------------------------------------------------------------


def test_ministry_saves_the_summary(client, ministry):
    visit = VisitFactory(in_progress=True)
    client.force_login(ministry)

    response = client.post(report_url(visit), {"summary": "A *productive* visit.", "version": ""})

    assert response.status_code == 302
    assert TripReport.objects.get(visit=visit).summary == "A *productive* visit."
    assert "<em>productive</em>" in client.get(report_url(visit)).content.decode()


def test_a_stale_summary_gets_a_conflict_and_keeps_the_saved_text(client, ministry):
    visit = VisitFactory(in_progress=True)
    report = trip_report_save(visit=visit, actor=ministry, summary="First")
    trip_report_save(visit=visit, actor=ministry, summary="Saved meanwhile")
    client.force_login(ministry)

    response = client.post(report_url(visit), {"summary": "Mine", "version": report.version})

    assert response.status_code == 409
    assert (
        "Someone else changed this since you opened it, so your changes were not saved."
        in page_text(response)
    )
    assert TripReport.objects.get(visit=visit).summary == "Saved meanwhile"


def test_the_summary_cannot_be_written_before_the_visit(client, ministry):
    visit = VisitFactory(approved=True)
    client.force_login(ministry)

    response = client.post(report_url(visit), {"summary": "Too early", "version": ""})

    assert response.status_code == 409
    assert "The trip report is written during or after the visit" in page_text(response)
    assert not TripReport.objects.filter(visit=visit).exists()


def test_an_nih_expert_who_did_not_travel_may_not_write_the_report(client, nih_expert):
    visit = VisitFactory(in_progress=True)
    client.force_login(nih_expert)

    assert client.get(report_url(visit)).status_code == 200
    assert client.post(report_url(visit), {"summary": "x", "version": ""}).status_code == 403
    finding = client.post(reverse("delegations:finding-create", args=[visit.pk]), {"text": "x"})
    assert finding.status_code == 403
    assert not TripReport.objects.filter(visit=visit).exists()


def test_an_nih_expert_on_the_delegation_adds_a_finding(client, nih_expert):
    visit = VisitFactory(in_progress=True)
    DelegationMemberFactory(visit=visit, user=nih_expert, name="Dr Bilal")
    client.force_login(nih_expert)

    response = client.post(
        reverse("delegations:finding-create", args=[visit.pk]),
        {"text": "Turnaround is ten days.", "objective": "", "follow_up": "none"},
    )

    assert response.status_code == 302
    assert Finding.objects.get().author == nih_expert


# Findings and follow-ups --------------------------------------------------------------------


def test_an_action_item_finding_needs_an_owner_and_a_due_date(client, ministry):
    visit = VisitFactory(in_progress=True)
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:finding-create", args=[visit.pk]),
        {"text": "Ask for the price list.", "follow_up": "action_item"},
    )

    assert response.status_code == 400
    text = page_text(response)
    assert "An action item needs an owner." in text
    assert "An action item needs a due date." in text
    assert not Finding.objects.exists()


def test_a_draft_recommendation_owner_must_be_on_the_nih_team(client, ministry, team,
                                                              nih_expert, bgi_liaison):  # fmt: skip
    visit = VisitFactory(in_progress=True)
    objective = objective_for(visit)
    client.force_login(ministry)
    url = reverse("delegations:finding-create", args=[visit.pk])

    refused = client.post(url, {"text": "Pilot NIPT.", "objective": objective.pk,
                                "follow_up": "recommendation", "recommendation_owner": ministry.pk})  # fmt: skip
    no_objective = client.post(url, {"text": "Pilot NIPT.", "follow_up": "recommendation",
                                     "recommendation_owner": nih_expert.pk})  # fmt: skip

    assert refused.status_code == 400
    assert "Select a valid choice" in page_text(refused)
    assert no_objective.status_code == 400
    assert "A draft recommendation needs the objective it serves." in page_text(no_objective)
    assert not Finding.objects.exists()
    form = client.get(report_url(visit)).content.decode()
    assert bgi_liaison.display_name not in form  # never an owner of internal work


def test_submitting_the_report_creates_linked_action_items_and_draft_recommendations(
    client, ministry, team, nih_expert
):
    visit = VisitFactory(in_progress=True)
    objective = objective_for(visit)
    client.force_login(ministry)
    add = reverse("delegations:finding-create", args=[visit.pk])
    client.post(add, {"text": "Agree a price for carrier screening.", "objective": objective.pk,
                      "follow_up": "action_item", "action_owner": ministry.pk,
                      "due_on": "2027-03-01"})  # fmt: skip
    client.post(add, {"text": "Pilot carrier screening in ten districts.",
                      "objective": objective.pk, "follow_up": "recommendation",
                      "recommendation_owner": nih_expert.pk})  # fmt: skip
    client.post(report_url(visit), {"summary": "A productive visit.", "version": ""})
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.COMPLETED)
    visit.refresh_from_db()
    assert "Submit the report" in page_text(client.get(report_url(visit)))

    response = client.post(
        reverse("delegations:trip-report-submit", args=[visit.pk]),
        {"comment": "", "version": visit.version},
    )

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.REPORT_SUBMITTED
    action = ActionItem.objects.get(title="Agree a price for carrier screening.")
    assert action.owner == ministry
    draft = Recommendation.objects.get(title="Pilot carrier screening in ten districts.")
    assert draft.status == Recommendation.Status.DRAFT
    assert nih_expert in draft.authors.all()
    body = client.get(report_url(visit)).content.decode()
    assert f'href="{action.get_absolute_url()}"' in body
    assert f'href="{draft.get_absolute_url()}"' in body
    assert "Submitted on" in page_text(client.get(report_url(visit)))


def test_an_empty_report_cannot_be_submitted(client, ministry):
    visit = VisitFactory(completed=True)
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:trip-report-submit", args=[visit.pk]), {"version": visit.version}
    )

    assert response.status_code == 400
    assert "Write the report's summary before submitting it." in page_text(response)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.COMPLETED


def test_the_report_cannot_be_submitted_while_the_delegation_travels(client, ministry):
    visit = VisitFactory(in_progress=True)
    trip_report_save(visit=visit, actor=ministry, summary="Halfway.")
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:trip-report-submit", args=[visit.pk]), {"version": visit.version}
    )

    assert response.status_code == 409
    visit.refresh_from_db()
    assert visit.status == Visit.Status.IN_PROGRESS


def test_an_nih_expert_may_not_submit_the_report(client, nih_expert):
    visit = VisitFactory(completed=True)
    DelegationMemberFactory(visit=visit, user=nih_expert)
    client.force_login(nih_expert)

    response = client.post(
        reverse("delegations:trip-report-submit", args=[visit.pk]), {"version": visit.version}
    )

    assert response.status_code == 403
    assert "Submit the report" not in page_text(client.get(report_url(visit)))


# Attachments ----------------------------------------------------------------------------------


def test_a_pdf_is_attached_and_downloaded_through_a_permission_check(client, ministry):
    visit = VisitFactory(in_progress=True)
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:attachment-create", args=[visit.pk]),
        {"title": "BGI slides", "file": pdf_upload()},
    )

    assert response.status_code == 302
    attachment = TripReportAttachment.objects.get()
    download = client.get(reverse("delegations:attachment-download", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="bgi-slides.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_a_file_that_is_not_a_pdf_is_refused(client, ministry):
    visit = VisitFactory(in_progress=True)
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:attachment-create", args=[visit.pk]),
        {"title": "Not really", "file": pdf_upload("fake.pdf", b"<html>hello</html>")},
    )

    assert response.status_code == 400
    assert "The file is not a PDF document." in page_text(response)
    assert not TripReportAttachment.objects.exists()


def test_bgi_liaison_cannot_download_an_attachment_of_a_shared_visit(client, ministry,
                                                                     bgi_liaison):  # fmt: skip
    visit = VisitFactory(in_progress=True, shared=True)
    attachment = trip_report_attach(visit=visit, actor=ministry, title="Slides",
                                    upload=pdf_upload())  # fmt: skip
    client.force_login(bgi_liaison)

    response = client.get(reverse("delegations:attachment-download", args=[attachment.pk]))

    assert response.status_code == 404
