"""Factories and a small programme dataset for the reports tests."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from collaboration.models import ActionItem, PriorityArea, Recommendation
from reports.models import Report
from tests.factories import (
    ActionItemFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    ObjectiveFactory,
    PriorityAreaFactory,
    RecommendationFactory,
    UserFactory,
)

PDF_BYTES = b"%PDF-1.7\n% a tiny stand-in\n%%EOF\n"


class ReportFactory(factory.django.DjangoModelFactory):
    """A report as asked for (queued); `running=True`, `ready=True` or `failed=True` states."""

    class Meta:
        model = Report

    kind = Report.Kind.PROGRAMME_STATUS
    format = Report.Format.PDF
    requested_by = factory.SubFactory(UserFactory)
    enqueued_at = factory.LazyFunction(timezone.now)

    class Params:
        running = factory.Trait(
            status=Report.Status.RUNNING, started_at=factory.LazyFunction(timezone.now), attempts=1
        )
        failed = factory.Trait(
            status=Report.Status.FAILED,
            finished_at=factory.LazyFunction(timezone.now),
            error="RuntimeError: boom",
            attempts=3,
        )
        ready = factory.Trait(
            status=Report.Status.READY,
            started_at=factory.LazyFunction(timezone.now),
            finished_at=factory.LazyFunction(timezone.now),
            attempts=1,
            file=factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="stand-in.pdf")),
            filename="programme-status-2026-11-29-1.pdf",
            size=len(PDF_BYTES),
            sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
        )


@dataclass
class ProgrammeData:
    screening: PriorityArea
    diagnostics: PriorityArea
    overdue_item: ActionItem
    upcoming_item: ActionItem


def programme_dataset(owner=None) -> ProgrammeData:
    """Two priority areas, one indicator at 50 % (baseline 10, target 60, actual 35),
    recommendations 2 approved + 1 submitted (screening) and 1 draft (diagnostics), one overdue
    and one upcoming action item."""
    screening = PriorityAreaFactory(name="Newborn screening", slug="newborn-screening")
    diagnostics = PriorityAreaFactory(name="Rare disease diagnostics", slug="rare-diagnostics")
    objective = ObjectiveFactory(priority_area=screening, title="Screen every newborn in Islamabad")
    indicator = IndicatorFactory(
        objective=objective,
        name="Newborns screened",
        unit="%",
        baseline=Decimal("10"),
        target=Decimal("60"),
    )
    IndicatorValueFactory(
        indicator=indicator,
        period="2026-Q3",
        period_end_on=dt.date(2026, 9, 30),
        actual=Decimal("35"),
    )
    RecommendationFactory(priority_areas=[screening], status=Recommendation.Status.APPROVED)
    RecommendationFactory(priority_areas=[screening], status=Recommendation.Status.APPROVED)
    RecommendationFactory(priority_areas=[screening], status=Recommendation.Status.SUBMITTED)
    RecommendationFactory(priority_areas=[diagnostics])
    owner = owner or UserFactory(full_name="Ayesha Khan")
    today = timezone.localdate()
    overdue = ActionItemFactory(
        title="Send the sample transfer agreement",
        owner=owner,
        due_on=today - dt.timedelta(days=5),
    )
    upcoming = ActionItemFactory(
        title='=HYPERLINK("http://evil.example")', owner=owner, due_on=today + dt.timedelta(days=3)
    )
    return ProgrammeData(screening, diagnostics, overdue, upcoming)
