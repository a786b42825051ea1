"""What the built files hold: the programme status and action items as PDF and spreadsheet."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from reports import selectors
from reports.models import Report
from reports.rendering import action_items_pdf, render_report
from tests.factories import ActionItemFactory

from .factories import ReportFactory, programme_dataset
from .helpers import pdf_text, rows_of, workbook

pytestmark = pytest.mark.django_db


def test_programme_status_pdf_names_the_areas_and_their_figures(ministry):
    programme_dataset()
    report = ReportFactory(requested_by=ministry)

    text = pdf_text(render_report(report))

    assert "Programme status report" in text
    assert "Newborn screening" in text
    assert "Rare disease diagnostics" in text
    assert "Newborns screened" in text
    assert "10 at least 60 % 35" in text  # baseline, target as a bound, latest actual
    assert "50%" in text  # baseline 10 → target 60, actual 35
    assert "Approved: 2" in text
    assert "Submitted to the ministry: 1" in text
    assert "Send the sample transfer agreement" in text
    assert "1 action item is overdue." in text


def test_programme_status_workbook_holds_typed_cells_one_sheet_per_section(ministry):
    programme_dataset()
    report = ReportFactory(requested_by=ministry, format=Report.Format.XLSX)

    book = workbook(render_report(report))

    assert book.sheetnames == [
        "Priority areas",
        "Indicators",
        "Recommendations",
        "Visits",
        "MoU",
        "Overdue action items",
        "Gene bank",
        "Transfers",
        "Approvals expiring",
    ]
    indicators = book["Indicators"]
    assert indicators.freeze_panes == "A2"
    assert indicators["A1"].font.bold is True
    header, row = rows_of(indicators)
    assert header[6] == "Latest actual"
    assert row[2] == "Newborns screened"
    assert row[4] == 10
    assert isinstance(row[4], int | float | Decimal)
    assert row[6] == 35
    assert row[8].date() == dt.date(2026, 9, 30)  # a real date cell (read back as a datetime)
    assert indicators["I2"].is_date is True
    assert row[9] == 50
    assert indicators.column_dimensions["C"].width == 36
    recommendations = rows_of(book["Recommendations"])
    header = recommendations[0]
    by_area = {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in recommendations[1:]}
    assert by_area["Newborn screening"]["Approved"] == 2
    assert by_area["Newborn screening"]["Submitted to the ministry"] == 1
    assert by_area["Rare disease diagnostics"]["Draft"] == 1
    overdue = rows_of(book["Overdue action items"])
    assert overdue[1][0] == "Send the sample transfer agreement"
    assert overdue[1][3] == 5


def test_action_items_workbook_escapes_formulas_and_keeps_dates(ministry):
    data = programme_dataset()
    report = ReportFactory(
        requested_by=ministry, kind=Report.Kind.ACTION_ITEMS, format=Report.Format.XLSX
    )

    sheet = workbook(render_report(report))["Action items"]

    rows = rows_of(sheet)
    assert rows[0][:5] == ("ID", "Action item", "Status", "Owner", "Due on")
    by_id = {row[0]: row for row in rows[1:]}
    overdue = by_id[data.overdue_item.pk]
    assert overdue[4] == dt.datetime.combine(data.overdue_item.due_on, dt.time())
    assert overdue[5] == "Yes"
    assert overdue[6] == 5
    assert by_id[data.upcoming_item.pk][1] == '\'=HYPERLINK("http://evil.example")'
    assert sheet.freeze_panes == "A2"


def test_action_items_pdf_lists_items_and_marks_the_overdue_one(ministry):
    programme_dataset()
    report = ReportFactory(requested_by=ministry, kind=Report.Kind.ACTION_ITEMS)

    text = pdf_text(render_report(report))

    assert "Send the sample transfer agreement" in text
    assert "overdue by 5 days" in text
    assert timezone.localdate().strftime("%Y") in text


def test_action_items_pdf_lists_open_items_first_up_to_its_limit_and_points_to_the_workbook(
    ministry,
):
    data = programme_dataset()
    ActionItemFactory(
        title="Closed long ago", done=True, due_on=timezone.localdate() - dt.timedelta(days=30)
    )
    report = ReportFactory(requested_by=ministry, kind=Report.Kind.ACTION_ITEMS)
    rows = selectors.action_item_export_rows(viewer=ministry)

    text = " ".join(pdf_text(action_items_pdf(rows, report=report, limit=2)).split())

    assert len(rows) == 3
    assert "This PDF lists 2 of the 3 action items, open ones first" in text
    assert "The spreadsheet (.xlsx) of this report lists every one." in text
    assert data.overdue_item.title in text
    assert "HYPERLINK" in text  # the upcoming item, open
    assert "Closed long ago" not in text  # due first, but done
