"""How an indicator's latest value reads against its target: one wording (`Indicator.reading`)
on the dashboard, the priority-area page and the status API, so a lower-is-better indicator
at 24 months against 6 reads as a target not met, never as "24 of 6 months"."""

from decimal import Decimal

import pytest
from django.urls import reverse

from collaboration.models import Indicator
from tests.factories import IndicatorFactory, IndicatorValueFactory, PriorityAreaFactory

pytestmark = pytest.mark.django_db

NOT_MET = "24 months against a target of at most 6 months: not met yet"


@pytest.mark.parametrize(
    ("direction", "target", "actual", "met", "text"),
    [
        ("decrease", "6", "24", False, NOT_MET),
        ("decrease", "6", "6", True, "6 months against a target of at most 6 months: met"),
        ("increase", "60", "35", False, "35 months against a target of at least 60 months: not met yet"),
        ("increase", "60", "72.5", True, "72.5 months against a target of at least 60 months: met"),
        ("decrease", "6", None, None, ""),
    ],
)  # fmt: skip
def test_a_value_reads_against_its_target_in_its_direction(direction, target, actual, met, text):
    values = {"direction": direction, "target": Decimal(target)}
    value = Decimal(actual) if actual else None

    assert Indicator.target_met_by(**values, actual=value) is met
    assert Indicator.reading(**values, unit="months", actual=value) == text


@pytest.fixture
def diagnosis_time():
    area = PriorityAreaFactory(name="Rare diseases", slug="rare-diseases")
    indicator = IndicatorFactory(
        objective__priority_area=area,
        name="Time to diagnosis",
        unit="months",
        baseline=Decimal("36"),
        target=Decimal("6"),
        direction=Indicator.Direction.DECREASE,
    )
    IndicatorValueFactory(indicator=indicator, period="2026-Q3", actual=Decimal("24"))
    return area


def test_dashboard_says_a_lower_is_better_target_is_not_met(client, ministry, diagnosis_time):
    client.force_login(ministry)

    html = client.get("/").content.decode()

    assert f"40% · {NOT_MET} (2026-Q3)" in html
    assert "24 of 6 months" not in html


def test_priority_area_page_says_a_lower_is_better_target_is_not_met(
    client, ministry, diagnosis_time
):
    client.force_login(ministry)

    response = client.get(reverse("collaboration:priority-area-detail", args=[diagnosis_time.slug]))

    assert response.status_code == 200
    assert f'data-testid="indicator-reading">{NOT_MET}</p>' in response.content.decode()


def test_status_api_says_whether_the_target_is_met(api_as, ministry, diagnosis_time):
    response = api_as(ministry).get("/api/v1/status/")

    assert response.status_code == 200
    (area,) = response.json()["priority_areas"]
    indicator = area["objectives"][0]["indicators"][0]
    assert (indicator["target_met"], indicator["reading"]) == (False, NOT_MET)


def test_status_report_pdf_and_workbook_say_the_target_is_not_met(ministry, diagnosis_time):
    from reports.models import Report
    from reports.rendering import render_report
    from tests.reports.factories import ReportFactory
    from tests.reports.helpers import pdf_text, rows_of, workbook

    pdf = pdf_text(render_report(ReportFactory(requested_by=ministry)))
    sheet = workbook(render_report(ReportFactory(requested_by=ministry, format=Report.Format.XLSX)))

    assert "at most 6 months" in pdf
    assert "not met yet" in pdf
    header, row = rows_of(sheet["Indicators"])
    assert dict(zip(header, row, strict=True))["Against target"] == NOT_MET
