"""Reports print dates and numbers as the pages do, in the requester's language: the status PDF
groups thousands ("20,000", not "20000.00"), never ends a sentence in "p.m..", and the
spreadsheet holds real date cells with the language's date format."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from portal.formatting import format_date, format_datetime
from reports.models import Report
from reports.rendering import render_report
from tests.factories import IndicatorFactory, IndicatorValueFactory, ObjectiveFactory

from .factories import ReportFactory, programme_dataset
from .helpers import pdf_text, workbook

pytestmark = pytest.mark.django_db


def _dataset():
    data = programme_dataset()
    objective = ObjectiveFactory(priority_area=data.screening, title="Sequence genomes")
    indicator = IndicatorFactory(
        objective=objective,
        name="Genomes sequenced",
        unit="",
        baseline=Decimal("1200.00"),
        target=Decimal("20000.00"),
    )
    IndicatorValueFactory(
        indicator=indicator,
        period="2026-Q3",
        period_end_on=dt.date(2026, 9, 30),
        actual=Decimal("4500.50"),
    )
    return data


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_status_pdf_prints_dates_and_numbers_in_the_requesters_language(ministry, language):
    data = _dataset()
    ministry.preferred_language = language
    ministry.save(update_fields=["preferred_language"])
    report = ReportFactory(requested_by=ministry)
    with translation.override(language):
        before = format_datetime(timezone.now())
        due = format_date(data.overdue_item.due_on)

    text = pdf_text(render_report(report))

    with translation.override(language):
        after = format_datetime(timezone.now())
    for number in ("1,200", "20,000", "4,500.5"):  # baseline, target (as a bound), actual
        assert number in text
    assert "1200.00" not in text
    assert "20000" not in text
    assert before in text or after in text
    assert due in text
    assert "p.m." not in text
    assert not re.search(r"\.\.(?!\.)", text.replace("…", "")), "a doubled full stop"


def test_status_pdf_in_english_reads_day_month_year_with_a_24_hour_clock(ministry):
    programme_dataset()
    report = ReportFactory(requested_by=ministry)

    text = pdf_text(render_report(report))

    built = re.search(r"Built (.+?) for ", text)
    assert built is not None
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}", built.group(1))


@pytest.mark.parametrize(("language", "expected"), [("en", "d mmm yyyy"), ("zh-hans", "年")])
def test_spreadsheet_dates_are_date_cells_in_the_language_format(ministry, language, expected):
    data = programme_dataset()
    ministry.preferred_language = language
    ministry.save(update_fields=["preferred_language"])
    report = ReportFactory(
        requested_by=ministry, kind=Report.Kind.ACTION_ITEMS, format=Report.Format.XLSX
    )

    sheet = workbook(render_report(report)).worksheets[0]

    cells = [row[4] for row in sheet.iter_rows(min_row=2)]  # "Due on"
    assert data.overdue_item.due_on in {cell.value.date() for cell in cells}
    for cell in cells:
        assert cell.is_date
        assert expected in cell.number_format
