"""What the portal prints and shows is consistent: Word exports on A4 with the portal as author,
a DRAFT mark on every export of an MoU not signed, an MoU in force never "Next step: Expired",
and same-day milestones in workflow order on the timeline and the status exports."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from mou.models import Mou, MouTransition
from mou.selectors import mou_statuses, next_steps_of
from mou.services import mou_create, mou_version_publish
from overview.selectors import programme_timeline
from reports.models import Report
from reports.rendering import render_report
from tests.conftest import require_service
from tests.factories import ClauseFactory, MouFactory, ProgrammeFactory
from tests.reports.factories import ReportFactory
from tests.reports.helpers import rows_of, workbook

pytestmark = pytest.mark.django_db

M = Mou.Status


@pytest.fixture
def version(ministry):
    mou = mou_create(programme=ProgrammeFactory(), title="Genomics MoU", actor=ministry)
    ClauseFactory(mou=mou, position=1, heading_en="Purpose")
    return mou_version_publish(mou=mou, actor=ministry)


def docx_of(client, version):
    response = client.get(reverse("mou:version-docx", args=[version.mou_id, version.number]))
    assert response.status_code == 200
    return Document(io.BytesIO(response.content))


def pdf_text_of(client, version) -> str:
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    response = client.get(reverse("mou:version-pdf", args=[version.mou_id, version.number]))
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=response.content,
                         capture_output=True, check=True).stdout.decode()  # fmt: skip
    return " ".join(out.split())


def test_the_word_export_is_a4_and_authored_by_the_portal(client, ministry, version):
    client.force_login(ministry)

    document = docx_of(client, version)

    section = document.sections[0]
    # A4 (Word keeps twips: millimetres round to the nearest)
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert document.core_properties.author == "Genomics Collaboration Portal"
    assert document.core_properties.last_modified_by == "Genomics Collaboration Portal"
    assert document.core_properties.title == "Genomics MoU — v1"


def test_exports_of_an_mou_not_signed_carry_the_draft_mark(client, ministry, version):
    client.force_login(ministry)

    header = docx_of(client, version).sections[0].header.paragraphs[0].text
    text = pdf_text_of(client, version)

    assert header == "DRAFT — not signed"
    assert "DRAFT — not signed" in text


def test_exports_of_a_signed_mou_carry_no_draft_mark(client, ministry, version):
    Mou.objects.filter(pk=version.mou_id).update(status=M.SIGNED)
    client.force_login(ministry)

    header = docx_of(client, version).sections[0].header.paragraphs[0].text
    text = pdf_text_of(client, version)

    assert header == ""
    assert "DRAFT" not in text


def test_an_mou_in_force_is_never_next_step_expired(client, ministry):
    mou = MouFactory(status=M.IN_FORCE, effective_on=timezone.localdate(), title="In force MoU")
    client.force_login(ministry)

    (status,) = [s for s in mou_statuses(viewer=ministry, today=timezone.localdate())
                 if s.id == mou.pk]  # fmt: skip
    dashboard = client.get(reverse("home")).content.decode()
    report = ReportFactory(requested_by=ministry, format=Report.Format.XLSX)
    mou_rows = rows_of(workbook(render_report(report))["MoU"])

    assert "Expired" not in next_steps_of(M.IN_FORCE)
    assert (
        status.next_step == "Follow up its obligations; renew or let it expire by its expiry date"
    )
    assert "<strong>Expired</strong>" not in dashboard
    assert "Follow up its obligations" in dashboard
    assert all("Expired" not in str(cell) for row in mou_rows for cell in row)


def test_same_day_milestones_follow_the_workflow_on_the_timeline(ministry):
    mou = mou_create(programme=ProgrammeFactory(), title="Genomics MoU", actor=ministry)
    ClauseFactory(mou=mou, position=1)
    for _ in range(10):
        mou_version_publish(mou=Mou.objects.get(pk=mou.pk), actor=ministry)
    MouTransition.objects.create(subject=mou, actor=ministry, transition="approve_for_signature",
                                 from_status=M.TEXT_AGREED, to_status=M.APPROVED)  # fmt: skip
    expected = [
        "MoU created",
        *[f"Version {n} published" for n in range(1, 11)],
        "Approved for signature",
    ]

    (status,) = mou_statuses(viewer=ministry, today=timezone.localdate())
    entries = [
        e.title
        for month in programme_timeline(viewer=ministry, kinds={"mou"})
        for e in month.entries
    ]

    assert [m.label for m in status.timeline] == expected
    assert entries == expected
