"""The programme's status: priority areas with indicator progress, the recommendation
pipeline, visits, MoUs, action items and when anything last changed (the dashboards, the
status API and the programme status report).

Every read starts from the domain apps' `visible_to(viewer)` querysets and runs a fixed number
of queries whatever the amount of data (aggregates with `Count`, prefetches, no per-row
queries). Rules are not re-derived here: indicator progress is `Indicator.progress_of`, the
visits' status is `delegations.selectors.visit_statuses`, the MoUs' `mou.selectors.mou_statuses`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, Subquery
from django.utils import timezone

from collaboration.models import (
    ActionItem,
    Indicator,
    IndicatorValue,
    Objective,
    PriorityArea,
    Programme,
    Recommendation,
)
from delegations.models import DelegationMember, LogisticsTask, Visit
from delegations.selectors import VisitStatus, visit_statuses
from genebank.models import Approval, Cohort, Transfer
from genebank.selectors import GenebankStatus, genebank_status
from mou.models import Clearance, Mou, MouTransition, MouVersion, Signatory
from mou.selectors import MouStatus, mou_statuses
from portal import policies as roles

from .common import UPCOMING_DAYS, person_name

if TYPE_CHECKING:
    from portal.models import User


@dataclass(frozen=True)
class IndicatorStatus:
    """One indicator: where it started (baseline), where it should get (target), the latest
    measured value (`latest_actual` for `latest_period`, None before the first measurement),
    and `percent`, how far the latest value is from baseline to target (0–100, None without
    a value)."""

    id: int
    name: str
    unit: str
    direction: str
    baseline: Decimal
    target: Decimal
    latest_actual: Decimal | None
    latest_period: str | None
    latest_period_end_on: dt.date | None
    percent: int | None

    @property
    def target_met(self) -> bool | None:
        """Whether the latest value meets the target (`Indicator.target_met_by`)."""
        return Indicator.target_met_by(
            direction=self.direction, target=self.target, actual=self.latest_actual
        )

    @property
    def target_text(self) -> str:
        """The target as a bound, "at most 6 months" (`Indicator.target_text`)."""
        return Indicator.target_text(direction=self.direction, target=self.target, unit=self.unit)

    @property
    def reading(self) -> str:
        """The latest value against the target in words (`Indicator.reading`)."""
        return Indicator.reading(
            direction=self.direction,
            target=self.target,
            unit=self.unit,
            actual=self.latest_actual,
        )


@dataclass(frozen=True)
class ObjectiveStatus:
    """An objective of a priority area and the progress of each of its indicators."""

    id: int
    title: str
    indicators: tuple[IndicatorStatus, ...]


@dataclass(frozen=True)
class StateCount:
    """How many records are in one workflow state (`state` is the stored value, `label` the
    translated name). Lists of these cover every state, zeros included, in workflow order."""

    state: str
    label: str
    count: int


@dataclass(frozen=True)
class PriorityAreaStatus:
    """A priority area: its objectives with indicator progress, `progress` (the mean percent
    of its indicators that have a value, None if none has) and its recommendations counted
    by state (`recommendations_by_state`, every state present)."""

    id: int
    slug: str
    name: str
    status: str
    status_label: str
    url: str
    progress: int | None
    objectives: tuple[ObjectiveStatus, ...]
    recommendations_by_state: tuple[StateCount, ...]

    @property
    def recommendation_total(self) -> int:
        """How many recommendations the area has, in every state."""
        return sum(row.count for row in self.recommendations_by_state)


@dataclass(frozen=True)
class OverdueActionItem:
    """An open action item past its due date."""

    id: int
    title: str
    owner_name: str
    due_on: dt.date
    days_overdue: int
    url: str


@dataclass(frozen=True)
class ActionItemSummary:
    """Open action items: `overdue_count` due before today, `upcoming_count` due from today
    through the next `upcoming_days` days, and the overdue ones, oldest first."""

    overdue_count: int
    upcoming_count: int
    upcoming_days: int
    overdue: tuple[OverdueActionItem, ...]


@dataclass(frozen=True)
class ProgrammeStatus:
    """The whole programme at a glance, as of `today` (the viewer's local date).

    `recommendations_by_state` counts every recommendation once (the per-area counts count
    a recommendation in each of its areas). `last_changed_at` is the latest change to any
    record covered here (None for an empty programme).
    """

    today: dt.date
    priority_areas: tuple[PriorityAreaStatus, ...]
    recommendations_by_state: tuple[StateCount, ...]
    visits: tuple[VisitStatus, ...]
    mous: tuple[MouStatus, ...]
    action_items: ActionItemSummary
    last_changed_at: dt.datetime | None
    genebank: GenebankStatus

    @property
    def next_visit(self) -> VisitStatus | None:
        """The open visit that departs soonest (undated ones last), or None."""
        open_visits = [v for v in self.visits if v.is_open]
        if not open_visits:
            return None
        return min(open_visits, key=lambda v: (v.starts_on is None, v.starts_on or self.today))

    @property
    def mou(self) -> MouStatus | None:
        """The current MoU (the newest one), or None."""
        return self.mous[0] if self.mous else None


def _state_counts(choices: Any, counts: dict[str, int]) -> tuple[StateCount, ...]:
    return tuple(
        StateCount(state=value, label=str(label), count=counts.get(value, 0))
        for value, label in choices
    )


def _priority_areas(viewer: User | Any) -> tuple[PriorityAreaStatus, ...]:
    areas = list(
        PriorityArea.objects.visible_to(viewer)
        .active()
        .prefetch_related(
            Prefetch(
                "objectives",
                queryset=Objective.objects.active().prefetch_related(
                    Prefetch(
                        "indicators",
                        queryset=Indicator.objects.active().prefetch_related(
                            Prefetch(
                                "values",
                                queryset=IndicatorValue.objects.order_by("period_end_on", "pk"),
                            )
                        ),
                    )
                ),
            )
        )
    )
    by_area: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Recommendation.objects.visible_to(viewer)
        .active()
        .filter(priority_areas__in=[a.pk for a in areas])
        .order_by()
        .values("priority_areas", "status")
        .annotate(n=Count("pk", distinct=True))
    )
    for row in rows:
        by_area[row["priority_areas"]][row["status"]] = row["n"]
    result = []
    for area in areas:
        objectives = []
        percents = []
        for objective in area.objectives.all():
            indicators = []
            for indicator in objective.indicators.all():
                values = list(indicator.values.all())
                latest = values[-1] if values else None
                percent = indicator.progress_of(latest.actual if latest else None)
                if percent is not None:
                    percents.append(percent)
                indicators.append(
                    IndicatorStatus(
                        id=indicator.pk,
                        name=indicator.name,
                        unit=indicator.unit,
                        direction=indicator.direction,
                        baseline=indicator.baseline,
                        target=indicator.target,
                        latest_actual=latest.actual if latest else None,
                        latest_period=latest.period if latest else None,
                        latest_period_end_on=latest.period_end_on if latest else None,
                        percent=percent,
                    )
                )
            objectives.append(
                ObjectiveStatus(
                    id=objective.pk, title=objective.title, indicators=tuple(indicators)
                )
            )
        result.append(
            PriorityAreaStatus(
                id=area.pk,
                slug=area.slug,
                name=area.name,
                status=area.status,
                status_label=area.get_status_display(),
                url=area.get_absolute_url(),
                progress=round(sum(percents) / len(percents)) if percents else None,
                objectives=tuple(objectives),
                recommendations_by_state=_state_counts(
                    Recommendation.Status.choices, by_area.get(area.pk, {})
                ),
            )
        )
    return tuple(result)


def recommendation_pipeline(*, viewer: User | Any) -> tuple[StateCount, ...]:
    """Active recommendations the viewer may see, counted by state (every state, in order)."""
    counts = dict(
        Recommendation.objects.visible_to(viewer)
        .active()
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return _state_counts(Recommendation.Status.choices, counts)


# How many overdue action items a status lists by name; the count covers them all.
OVERDUE_LIST_LIMIT = 50


def _action_items(
    viewer: User | Any, today: dt.date, overdue_limit: int | None
) -> ActionItemSummary:
    items = ActionItem.objects.visible_to(viewer).open()
    horizon = today + dt.timedelta(days=UPCOMING_DAYS)
    counts = items.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        upcoming=Count("pk", filter=Q(due_on__gte=today, due_on__lte=horizon)),
    )
    overdue = [
        OverdueActionItem(
            id=item.pk,
            title=item.title,
            owner_name=person_name(item.owner),
            due_on=item.due_on,
            days_overdue=(today - item.due_on).days,
            url=item.get_absolute_url(),
        )
        for item in items.filter(due_on__lt=today)
        .select_related("owner")
        .order_by("due_on", "pk")[:overdue_limit]
    ]
    return ActionItemSummary(
        overdue_count=counts["overdue"],
        upcoming_count=counts["upcoming"],
        upcoming_days=UPCOMING_DAYS,
        overdue=tuple(overdue),
    )


def last_changed_at() -> dt.datetime | None:
    """The latest creation or change of any record the programme status covers (one query).

    Every change of these records bumps `updated_at` (transitions included); published
    versions and transition logs only have `created_at`.
    """
    sources: dict[str, Any] = {
        "programme": (Programme, "updated_at"),
        "area": (PriorityArea, "updated_at"),
        "objective": (Objective, "updated_at"),
        "indicator": (Indicator, "updated_at"),
        "value": (IndicatorValue, "updated_at"),
        "recommendation": (Recommendation, "updated_at"),
        "visit": (Visit, "updated_at"),
        "member": (DelegationMember, "updated_at"),
        "logistics": (LogisticsTask, "updated_at"),
        "mou": (Mou, "updated_at"),
        "version": (MouVersion, "updated_at"),
        "clearance": (Clearance, "updated_at"),
        "signatory": (Signatory, "updated_at"),
        "mou_log": (MouTransition, "created_at"),
        "action_item": (ActionItem, "updated_at"),
        "cohort": (Cohort, "updated_at"),
        "approval": (Approval, "updated_at"),
        "transfer": (Transfer, "updated_at"),
    }
    subqueries = {
        key: Subquery(
            model._default_manager.order_by(f"-{column}").values(column)[:1],
        )
        for key, (model, column) in sources.items()
    }
    # Evaluate all scalar subqueries in one SELECT, anchored on any one row of a small table.
    row = (
        Programme.objects.order_by()
        .annotate(**{f"latest_{key}": value for key, value in subqueries.items()})
        .values(*[f"latest_{key}" for key in subqueries])
        .first()
    )
    if row is None:
        return None
    stamps = [value for value in row.values() if value is not None]
    return max(stamps) if stamps else None


def programme_status(
    *,
    viewer: User | Any,
    today: dt.date | None = None,
    overdue_limit: int | None = OVERDUE_LIST_LIMIT,
    current_visits_only: bool = False,
    mous_limit: int | None = None,
) -> ProgrammeStatus:
    """The programme's status for internal people and API clients (a fixed number of queries).

    BGI's liaison and anonymous users may not read it: PermissionDenied. The overdue action
    items are listed oldest first, at most `overdue_limit` of them (None: all); their count is
    always the full one. `current_visits_only` lists only the visits under way or ahead
    (`delegations.selectors.current_visits`); `mous_limit` keeps the newest MoUs only (1: the
    current one, all a dashboard or the API shows).
    """
    if not roles.can_read_programme_status(viewer):
        raise PermissionDenied
    today = today or timezone.localdate()
    return ProgrammeStatus(
        today=today,
        priority_areas=_priority_areas(viewer),
        recommendations_by_state=recommendation_pipeline(viewer=viewer),
        visits=visit_statuses(viewer=viewer, current_on=today if current_visits_only else None),
        mous=mou_statuses(viewer=viewer, today=today, limit=mous_limit),
        action_items=_action_items(viewer, today, overdue_limit),
        last_changed_at=last_changed_at(),
        genebank=genebank_status(viewer=viewer, today=today),
    )
