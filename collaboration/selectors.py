"""Composite reads of the collaboration app; each starts from what the viewer may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from . import policies
from .diff import DiffPart, list_diff, value_diff, word_diff
from .models import (
    ActionItem,
    Indicator,
    IndicatorValue,
    Objective,
    PriorityArea,
    Programme,
    Recommendation,
    RecommendationVersion,
    TeamMembership,
    TechnicalTeam,
)

if TYPE_CHECKING:
    from portal.models import User

    from .querysets import RecommendationQuerySet


def people() -> QuerySet[User]:
    """Active people who can own work or attend meetings (machine accounts are not people):
    the choices of the pages' forms and of the API's inputs."""
    from portal.models import Role, User

    return (
        User.objects.filter(is_active=True)
        .exclude(groups__name=Role.API_CLIENT.value)
        .order_by("full_name", "username")
    )


def current_programme(user: Any) -> Programme | None:
    """The cooperation programme (the portal runs one); None before it is set up. Pages and
    the API create meetings, action items and visits in it."""
    return Programme.objects.visible_to(user).order_by("pk").first()


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    values: list[IndicatorValue]
    latest: IndicatorValue | None
    progress: int | None

    @property
    def reading(self) -> str:
        """The latest value against the target in words (`Indicator.reading_of`)."""
        return self.indicator.reading_of(self.latest.actual if self.latest else None)


def indicators_with_progress(indicators: list[Indicator]) -> list[IndicatorProgress]:
    """Each indicator with its values (prefetched as `values`) and progress of the latest."""
    rows = []
    for indicator in indicators:
        values = list(indicator.values.all())
        latest = values[-1] if values else None
        progress = indicator.progress_of(latest.actual if latest else None)
        rows.append(IndicatorProgress(indicator, values, latest, progress))
    return rows


def _objectives_prefetch() -> Prefetch:
    return Prefetch(
        "objectives",
        queryset=Objective.objects.active().prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.active().prefetch_related(
                    Prefetch("values", queryset=IndicatorValue.objects.order_by("period_end_on"))
                ),
            )
        ),
    )


def priority_area_list(*, viewer: User | Any) -> QuerySet[PriorityArea]:
    """Priority areas with lead, objectives, indicators and values, and recommendation counts."""
    return (
        PriorityArea.objects.visible_to(viewer)
        .active()
        .select_related("lead")
        .prefetch_related(_objectives_prefetch())
        .annotate(
            recommendation_count=Count(
                "recommendations",
                filter=Q(recommendations__archived_at__isnull=True),
                distinct=True,
            )
        )
    )


def priority_area_progress(area: PriorityArea) -> int | None:
    """Mean progress of the area's indicators that have a value (needs the prefetch above)."""
    values = [
        row.progress
        for objective in area.objectives.all()
        for row in indicators_with_progress(list(objective.indicators.all()))
        if row.progress is not None
    ]
    return round(sum(values) / len(values)) if values else None


@dataclass(frozen=True)
class PriorityAreaOverview:
    area: PriorityArea
    objectives: list[tuple[Objective, list[IndicatorProgress]]]
    progress: int | None
    recommendations: list[Recommendation]
    capabilities: list[Any]


def priority_area_overview(*, viewer: User | Any, slug: str) -> PriorityAreaOverview:
    """Everything the priority-area page shows, in a fixed number of queries."""
    area = (
        priority_area_list(viewer=viewer)
        .prefetch_related(
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.active().order_by("title"),
            ),
            "capabilities",
        )
        .get(slug=slug)
    )
    objectives = [
        (objective, indicators_with_progress(list(objective.indicators.all())))
        for objective in area.objectives.all()
    ]
    return PriorityAreaOverview(
        area=area,
        objectives=objectives,
        progress=priority_area_progress(area),
        recommendations=list(area.recommendations.all()),
        capabilities=[c for c in area.capabilities.all() if c.archived_at is None],
    )


def recommendation_list(*, viewer: User | Any) -> QuerySet[Recommendation]:
    """Recommendations the viewer may see, with what list pages and endpoints show per row."""
    return (
        Recommendation.objects.visible_to(viewer)
        .select_related("programme", "created_by")
        .prefetch_related("priority_areas", "authors", "capabilities")
    )


def recommendation_versions_diff(
    *, recommendation: Recommendation, from_number: int, to_number: int,
    format_number: Callable[[Decimal], str] = str,
) -> list[tuple[str, list[DiffPart]]]:  # fmt: skip
    """The differences of every versioned field (`Recommendation.VERSIONED_FIELDS`) between two
    saved versions: texts word by word, lists item by item, numbers as old and new value
    (written by `format_number`)."""
    versions = {
        v.number: v
        for v in RecommendationVersion.objects.filter(
            recommendation=recommendation, number__in=[from_number, to_number]
        ).prefetch_related(
            *(
                name
                for name in Recommendation.VERSIONED_FIELDS
                if RecommendationVersion._meta.get_field(name).many_to_many
            )
        )
    }
    if from_number not in versions or to_number not in versions:
        raise RecommendationVersion.DoesNotExist
    old, new = versions[from_number], versions[to_number]
    result = []
    for name in Recommendation.VERSIONED_FIELDS:
        model_field = RecommendationVersion._meta.get_field(name)
        if model_field.many_to_many:
            parts = list_diff(
                [str(item) for item in getattr(old, name).all()],
                [str(item) for item in getattr(new, name).all()],
            )
        elif isinstance(model_field, (models.CharField, models.TextField)):
            parts = word_diff(getattr(old, name), getattr(new, name))
        else:
            parts = value_diff(
                *(
                    "" if value is None else format_number(value)
                    for value in (getattr(old, name), getattr(new, name))
                )
            )
        result.append((name, parts))
    return result


def team_overview(*, team: TechnicalTeam) -> dict[str, Any]:
    """The team's current and past members and the size warning."""
    from .services import team_size_warning

    memberships = list(team.memberships.select_related("user"))
    today = timezone.localdate()
    current = [
        m
        for m in memberships
        if m.started_on <= today and (m.ended_on is None or m.ended_on >= today)
    ]
    return {
        "team": team,
        "current": current,
        "past": [m for m in memberships if m not in current],
        "warning": team_size_warning(team),
    }


@dataclass(frozen=True)
class MyWork:
    drafts: list[Recommendation]
    awaiting_me: list[Recommendation]
    action_items: list[ActionItem]
    overdue_count: int


def my_work(*, viewer: User, today: date | None = None) -> MyWork:
    """The viewer's drafts, what waits for their review or decision, and their action items."""
    today = today or timezone.localdate()
    recommendations = cast("RecommendationQuerySet", recommendation_list(viewer=viewer)).active()
    drafts = list(
        recommendations.filter(authors=viewer, status__in=Recommendation.EDITABLE_STATUSES)
    )
    waiting: Q = Q(pk__in=[])
    if policies.is_team_member(viewer):
        waiting |= Q(status=Recommendation.Status.TEAM_REVIEW)
    if policies.can_endorse_recommendation(viewer, None):  # type: ignore[arg-type]
        waiting |= Q(status=Recommendation.Status.ENDORSED)
    from portal import policies as roles

    if roles.is_ministry(viewer):
        waiting |= Q(status=Recommendation.Status.SUBMITTED)
    awaiting = list(recommendations.filter(waiting).distinct())
    items = list(
        ActionItem.objects.visible_to(viewer)
        .open()
        .filter(owner=viewer)
        .select_related("meeting", "owner")
        .order_by("due_on", "pk")
    )
    return MyWork(
        drafts=drafts,
        awaiting_me=awaiting,
        action_items=items,
        overdue_count=sum(1 for item in items if item.is_overdue_on(today)),
    )


def current_team_members(team: TechnicalTeam) -> QuerySet[TeamMembership]:
    return team.memberships.current().select_related("user")


def citing_clauses(record: Recommendation | PriorityArea) -> list[Any]:
    """The MoU draft's clauses that cite a recommendation or a priority area.

    Reached through the reverse relation the MoU app declares, so this app imports nothing
    of it.
    """
    return list(record.mou_clauses.active().select_related("mou").order_by("mou_id", "position"))
