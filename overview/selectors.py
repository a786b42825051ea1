"""The programme at a glance: composite reads for the dashboards, the timeline, the status API
and the programme status report.

Every read starts from the domain apps' `visible_to(viewer)` querysets and runs a fixed number
of queries whatever the amount of data (aggregates with `Count`, prefetches, no per-row
queries). Rules are not re-derived here: indicator progress is `Indicator.progress_of`, visit
readiness is `delegations.selectors.visit_readiness`, the MoU's next step comes from
`mou.workflows.MOU_FLOW`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration.models import (
    ActionItem,
    ActionItemTransition,
    Indicator,
    IndicatorValue,
    Objective,
    PriorityArea,
    PriorityAreaTransition,
    Programme,
    Recommendation,
    RecommendationTransition,
)
from delegations.models import DelegationMember, LogisticsTask, Visit, VisitTransition
from delegations.selectors import visit_readiness
from mou.models import (
    ClauseComment,
    Clearance,
    Mou,
    MouTransition,
    MouVersion,
    Obligation,
    ObligationTransition,
    ReviewRequest,
    ReviewRound,
    Signatory,
)
from mou.workflows import MOU_FLOW
from portal import policies as roles

if TYPE_CHECKING:
    from portal.models import User

UPCOMING_DAYS = 14

# The MoU's main path, in order: the stepper shows these; the other states are side exits.
MOU_STAGES: tuple[str, ...] = (
    Mou.Status.DRAFTING,
    Mou.Status.INTERNAL_REVIEW,
    Mou.Status.LEGAL_VETTING,
    Mou.Status.NEGOTIATION,
    Mou.Status.TEXT_AGREED,
    Mou.Status.APPROVED,
    Mou.Status.SIGNED,
    Mou.Status.IN_FORCE,
)
# Steps that go back or end the MoU early are not "the next step".
_NOT_NEXT_STEPS = frozenset({"back_to_drafting", "terminate"})
_OPEN_VISIT_STATES = frozenset(
    {
        Visit.Status.PROPOSED,
        Visit.Status.INVITATION_RECEIVED,
        Visit.Status.APPROVED,
        Visit.Status.PREPARING,
        Visit.Status.IN_PROGRESS,
    }
)


# The programme's status ---------------------------------------------------------------------


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
        return sum(row.count for row in self.recommendations_by_state)


@dataclass(frozen=True)
class VisitReadinessStatus:
    """How ready the delegation is to travel.

    `members_ready` of `members_total` active members have every travel check done;
    `checks_done` of `checks_total` travel checks (passport, visa, approval, tickets,
    insurance per member) are done, and `percent` is that share (0 without members);
    `logistics_done` of `logistics_total` logistics checklist tasks are done; `blockers`
    counts what still blocks departure (a missing head of delegation counts too).
    """

    members_ready: int
    members_total: int
    checks_done: int
    checks_total: int
    logistics_done: int
    logistics_total: int
    percent: int
    blockers: int
    is_ready: bool


@dataclass(frozen=True)
class VisitStatus:
    """A visit to BGI with its state, dates and readiness."""

    id: int
    title: str
    state: str
    state_label: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    destination: str
    url: str
    readiness: VisitReadinessStatus

    @property
    def is_open(self) -> bool:
        return self.state in _OPEN_VISIT_STATES


@dataclass(frozen=True)
class Milestone:
    """A dated step of the MoU's life. `kind` is one of created, version_published, approval,
    clearance, signature, signing_deadline, entry_into_force, expiry; `on` is its day (in the
    future for planned ones: `is_planned`)."""

    kind: str
    label: str
    on: dt.date
    is_planned: bool = False


@dataclass(frozen=True)
class MouStageStatus:
    """One stage of the MoU's main path for the stepper: done, current or to come."""

    state: str
    label: str
    is_done: bool
    is_current: bool


@dataclass(frozen=True)
class MouStatus:
    """The MoU: its state, the number of its latest published version (None before the
    first), the labels of the next workflow step(s) from this state (`next_steps`; empty at
    the end), its main-path stages and its dated milestones in order (`timeline`)."""

    id: int
    title: str
    state: str
    state_label: str
    current_version: int | None
    next_steps: tuple[str, ...]
    signing_deadline_on: dt.date | None
    effective_on: dt.date | None
    expires_on: dt.date | None
    url: str
    stages: tuple[MouStageStatus, ...]
    timeline: tuple[Milestone, ...]

    @property
    def next_step(self) -> str:
        """The next step(s) as one phrase ("" when nothing follows)."""
        return " / ".join(self.next_steps)


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
                queryset=Objective.objects.filter(archived_at__isnull=True).prefetch_related(
                    Prefetch(
                        "indicators",
                        queryset=Indicator.objects.filter(
                            archived_at__isnull=True
                        ).prefetch_related(
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


def _visits(viewer: User | Any) -> tuple[VisitStatus, ...]:
    visits = (
        Visit.objects.visible_to(viewer)
        .active()
        .annotate(
            logistics_total=Count("logistics", distinct=True),
            logistics_done=Count(
                "logistics", filter=Q(logistics__done_on__isnull=False), distinct=True
            ),
        )
        .prefetch_related(
            Prefetch(
                "members",
                queryset=DelegationMember.objects.filter(is_active=True),
                to_attr="active_members",
            )
        )
        .order_by("starts_on", "pk")
    )
    result = []
    for visit in visits:
        readiness = visit_readiness(visit, visit.active_members)
        result.append(
            VisitStatus(
                id=visit.pk,
                title=visit.title,
                state=visit.status,
                state_label=visit.get_status_display(),
                starts_on=visit.starts_on,
                ends_on=visit.ends_on,
                destination=visit.destination,
                url=visit.get_absolute_url(),
                readiness=VisitReadinessStatus(
                    members_ready=readiness.ready_count,
                    members_total=len(readiness.members),
                    checks_done=sum(row.done_count for row in readiness.members),
                    checks_total=sum(len(row.checks) for row in readiness.members),
                    logistics_done=visit.logistics_done,
                    logistics_total=visit.logistics_total,
                    percent=readiness.percent,
                    blockers=readiness.blocker_count,
                    is_ready=readiness.is_ready,
                ),
            )
        )
    return tuple(result)


def next_steps_of(state: str) -> tuple[str, ...]:
    """Labels of the MoU workflow's forward steps from `state` (whoever may take them)."""
    return tuple(
        t.display
        for t in MOU_FLOW.transitions.values()
        if state in t.source and t.name not in _NOT_NEXT_STEPS
    )


def mou_stages(state: str) -> tuple[MouStageStatus, ...]:
    """The MoU's main path with the current stage marked (for the stepper)."""
    labels = dict(Mou.Status.choices)
    index = MOU_STAGES.index(state) if state in MOU_STAGES else len(MOU_STAGES)
    if state in {Mou.Status.EXPIRED, Mou.Status.TERMINATED}:
        index = len(MOU_STAGES)
    return tuple(
        MouStageStatus(
            state=value,
            label=str(labels[value]),
            is_done=position < index,
            is_current=position == index,
        )
        for position, value in enumerate(MOU_STAGES)
    )


def _mous(viewer: User | Any, today: dt.date) -> tuple[MouStatus, ...]:
    mous = (
        Mou.objects.visible_to(viewer)
        .filter(archived_at__isnull=True)
        .prefetch_related(
            Prefetch("versions", queryset=MouVersion.objects.order_by("-number")),
            Prefetch(
                "transitions",
                queryset=MouTransition.objects.filter(
                    to_status__in=[Mou.Status.APPROVED, Mou.Status.SIGNED]
                ),
                to_attr="milestone_transitions",
            ),
            Prefetch(
                "clearances",
                queryset=Clearance.objects.filter(decision=Clearance.Decision.CLEARED),
                to_attr="cleared",
            ),
            Prefetch(
                "signatories",
                queryset=Signatory.objects.filter(answer=Signatory.Answer.SIGNED),
                to_attr="signed",
            ),
        )
        .order_by("-created_at", "-pk")
    )
    result = []
    for mou in mous:
        versions = list(mou.versions.all())
        milestones = [Milestone("created", _("MoU created"), timezone.localdate(mou.created_at))]
        milestones += [
            Milestone(
                "version_published",
                _("Version %(n)s published") % {"n": v.number},
                timezone.localdate(v.created_at),
            )
            for v in versions
        ]
        milestones += [
            Milestone(
                "clearance",
                _("Cleared: %(name)s") % {"name": c.name},
                c.decided_on,
            )
            for c in mou.cleared
            if c.decided_on is not None
        ]
        for log in mou.milestone_transitions:
            label = (
                _("Approved for signature")
                if log.to_status == Mou.Status.APPROVED
                else _("Signed by all parties")
            )
            kind = "approval" if log.to_status == Mou.Status.APPROVED else "signature"
            milestones.append(Milestone(kind, label, timezone.localdate(log.created_at)))
        milestones += [
            Milestone(
                "signature",
                _("Signed by %(name)s") % {"name": s.name},
                s.signed_on,
            )
            for s in mou.signed
            if s.signed_on is not None
        ]
        if mou.signing_deadline_on and mou.status not in {
            Mou.Status.SIGNED,
            Mou.Status.IN_FORCE,
            Mou.Status.EXPIRED,
            Mou.Status.TERMINATED,
        }:
            milestones.append(
                Milestone(
                    "signing_deadline",
                    _("Signing deadline"),
                    mou.signing_deadline_on,
                    is_planned=mou.signing_deadline_on >= today,
                )
            )
        if mou.effective_on:
            milestones.append(
                Milestone(
                    "entry_into_force",
                    _("Entry into force"),
                    mou.effective_on,
                    is_planned=mou.effective_on > today,
                )
            )
        if mou.expires_on:
            milestones.append(
                Milestone(
                    "expiry",
                    _("Expiry or renewal"),
                    mou.expires_on,
                    is_planned=mou.expires_on > today,
                )
            )
        milestones.sort(key=lambda m: m.on)
        result.append(
            MouStatus(
                id=mou.pk,
                title=mou.title,
                state=mou.status,
                state_label=mou.get_status_display(),
                current_version=versions[0].number if versions else None,
                next_steps=next_steps_of(mou.status),
                signing_deadline_on=mou.signing_deadline_on,
                effective_on=mou.effective_on,
                expires_on=mou.expires_on,
                url=mou.get_absolute_url(),
                stages=mou_stages(mou.status),
                timeline=tuple(milestones),
            )
        )
    return tuple(result)


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
            owner_name=_person(item.owner),
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
) -> ProgrammeStatus:
    """The programme's status for internal people and API clients (a fixed number of queries).

    BGI's liaison and anonymous users may not read it: PermissionDenied. The overdue action
    items are listed oldest first, at most `overdue_limit` of them (None: all); their count is
    always the full one.
    """
    if not roles.can_read_programme_status(viewer):
        raise PermissionDenied
    today = today or timezone.localdate()
    return ProgrammeStatus(
        today=today,
        priority_areas=_priority_areas(viewer),
        recommendations_by_state=recommendation_pipeline(viewer=viewer),
        visits=_visits(viewer),
        mous=_mous(viewer, today),
        action_items=_action_items(viewer, today, overdue_limit),
        last_changed_at=last_changed_at(),
    )


# Deadlines ---------------------------------------------------------------------------------

# An MoU whose signing deadline still matters: not yet signed, terminated or expired.
SIGNING_OPEN_STATUSES = [
    Mou.Status.DRAFTING,
    Mou.Status.INTERNAL_REVIEW,
    Mou.Status.LEGAL_VETTING,
    Mou.Status.NEGOTIATION,
    Mou.Status.TEXT_AGREED,
    Mou.Status.APPROVED,
]


@dataclass(frozen=True)
class Deadline:
    """Something due on a day: `kind` is action_item, obligation, logistics, review_round or
    signing_deadline; `is_overdue` when the day has passed and it is still open; `days_left`
    counts days from today (negative when overdue)."""

    kind: str
    kind_label: str
    title: str
    due_on: dt.date
    url: str
    owner_name: str = ""
    is_overdue: bool = False
    days_left: int = 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def _person(user: Any) -> str:
    return user.display_name if user is not None else ""


def deadlines(
    *,
    viewer: User | Any,
    today: dt.date | None = None,
    days: int = UPCOMING_DAYS,
    owner: Any = None,
    limit: int | None = None,
) -> list[Deadline]:
    """Open dated things due up to `days` ahead, the overdue ones included, soonest first.

    Internal viewers only (others get an empty list). With `owner`, only what that person
    owns (action items, obligations, logistics tasks) or must review (review rounds). With
    `limit`, at most that many overdue (the oldest) and that many upcoming: a page shows the
    first few and counts the rest with `deadline_totals`, however much is late.
    """
    if not roles.is_internal(viewer):
        return []
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=days)
    rows: list[Deadline] = []

    items = (
        ActionItem.objects.visible_to(viewer)
        .open()
        .filter(due_on__lte=horizon)
        .select_related("owner")
    )
    if owner is not None:
        items = items.filter(owner=owner)
    rows += [
        Deadline(
            "action_item",
            _("Action item"),
            i.title,
            i.due_on,
            i.get_absolute_url(),
            _person(i.owner),
            i.due_on < today,
        )
        for i in _bounded(items, "due_on", today, limit)
    ]

    obligations = (
        Obligation.objects.filter(
            mou__in=Mou.objects.visible_to(viewer),
            status__in=[Obligation.Status.OPEN, Obligation.Status.IN_PROGRESS],
            due_on__lte=horizon,
        )
        .select_related("owner", "mou")
        .order_by("due_on", "pk")
    )
    if owner is not None:
        obligations = obligations.filter(owner=owner)
    rows += [
        Deadline(
            "obligation",
            _("MoU obligation"),
            o.description[:120],
            o.due_on,
            reverse("mou:obligation-list", args=[o.mou_id]),
            _person(o.owner),
            o.due_on < today,
        )
        for o in _bounded(obligations, "due_on", today, limit)
    ]

    tasks = LogisticsTask.objects.filter(
        visit__in=Visit.objects.visible_to(viewer).active(),
        done_on__isnull=True,
        due_on__isnull=False,
        due_on__lte=horizon,
    ).select_related("owner", "visit")
    if owner is not None:
        tasks = tasks.filter(owner=owner)
    rows += [
        Deadline(
            "logistics",
            _("Logistics"),
            _("%(task)s (%(visit)s)") % {"task": t.title, "visit": t.visit.title},
            t.due_on,
            reverse("delegations:visit-logistics", args=[t.visit_id]),
            _person(t.owner),
            t.due_on < today,
        )
        for t in _bounded(tasks, "due_on", today, limit)
        if t.due_on is not None
    ]

    rounds = ReviewRound.objects.filter(
        mou__in=Mou.objects.visible_to(viewer),
        closed_at__isnull=True,
        due_on__isnull=False,
        due_on__lte=horizon,
    ).select_related("version")
    if owner is not None:
        rounds = rounds.filter(
            requests__reviewer=owner, requests__decision=ReviewRequest.Decision.PENDING
        ).distinct()
    rows += [
        Deadline(
            "review_round",
            _("MoU review"),
            _("%(title)s (version %(n)s)") % {"title": r.title, "n": r.version.number},
            r.due_on,
            reverse("mou:review-detail", args=[r.pk]),
            "",
            r.due_on < today,
        )
        for r in _bounded(rounds, "due_on", today, limit)
        if r.due_on is not None
    ]

    if owner is None:
        signing = Mou.objects.visible_to(viewer).filter(
            archived_at__isnull=True,
            signing_deadline_on__isnull=False,
            signing_deadline_on__lte=horizon,
            status__in=SIGNING_OPEN_STATUSES,
        )
        rows += [
            Deadline(
                "signing_deadline",
                _("Signing deadline"),
                m.title,
                m.signing_deadline_on,
                m.get_absolute_url(),
                "",
                m.signing_deadline_on < today,
            )
            for m in _bounded(signing, "signing_deadline_on", today, limit)
            if m.signing_deadline_on is not None
        ]
    rows = [replace(row, days_left=(row.due_on - today).days) for row in rows]
    rows.sort(key=lambda d: (d.due_on, d.kind, d.title))
    if limit is not None:
        rows = [r for r in rows if r.is_overdue][:limit] + [r for r in rows if not r.is_overdue][
            :limit
        ]
    return rows


def _bounded(queryset: Any, field: str, today: dt.date, limit: int | None) -> list[Any]:
    """The rows of a dated queryset; with `limit`, the oldest overdue and the soonest due."""
    if limit is None:
        return list(queryset)
    late = queryset.filter(**{f"{field}__lt": today}).order_by(field, "pk")[:limit]
    soon = queryset.filter(**{f"{field}__gte": today}).order_by(field, "pk")[:limit]
    return [*late, *soon]


@dataclass(frozen=True)
class DeadlineTotals:
    """How many open dated things are overdue, and how many fall due in the coming days."""

    overdue: int
    upcoming: int


def deadline_totals(
    *, viewer: User | Any, today: dt.date | None = None, days: int = UPCOMING_DAYS
) -> DeadlineTotals:
    """The totals behind `deadlines` (one count query per kind of dated thing)."""
    if not roles.is_internal(viewer):
        return DeadlineTotals(0, 0)
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=days)
    sources = [
        (ActionItem.objects.visible_to(viewer).open(), "due_on"),
        (
            Obligation.objects.filter(
                mou__in=Mou.objects.visible_to(viewer),
                status__in=[Obligation.Status.OPEN, Obligation.Status.IN_PROGRESS],
            ),
            "due_on",
        ),
        (
            LogisticsTask.objects.filter(
                visit__in=Visit.objects.visible_to(viewer).active(), done_on__isnull=True
            ),
            "due_on",
        ),
        (
            ReviewRound.objects.filter(
                mou__in=Mou.objects.visible_to(viewer), closed_at__isnull=True
            ),
            "due_on",
        ),
        (
            Mou.objects.visible_to(viewer).filter(
                archived_at__isnull=True, status__in=SIGNING_OPEN_STATUSES
            ),
            "signing_deadline_on",
        ),
    ]
    overdue = upcoming = 0
    for queryset, field in sources:
        counts = queryset.aggregate(
            late=Count("pk", filter=Q(**{f"{field}__lt": today})),
            soon=Count("pk", filter=Q(**{f"{field}__gte": today, f"{field}__lte": horizon})),
        )
        overdue += counts["late"]
        upcoming += counts["soon"]
    return DeadlineTotals(overdue, upcoming)


# Recent activity ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    """One recorded workflow step: who (`actor_name`) moved what (`subject`, `url`) from
    `from_label` to `to_label` at `at`."""

    kind: str
    kind_label: str
    subject: str
    url: str
    transition: str
    from_label: str
    to_label: str
    actor_name: str
    at: dt.datetime


def recent_activity(*, viewer: User | Any, limit: int = 10) -> list[Activity]:
    """The latest transition log rows across the apps (internal viewers only; one query per
    kind of record, `limit` rows each, merged newest first)."""
    if not roles.is_internal(viewer):
        return []
    sources: list[tuple[str, str, Any, Any]] = [
        ("recommendation", _("Recommendation"), RecommendationTransition, Recommendation),
        ("visit", _("Visit"), VisitTransition, Visit),
        ("mou", _("MoU"), MouTransition, Mou),
        ("action_item", _("Action item"), ActionItemTransition, ActionItem),
        ("priority_area", _("Priority area"), PriorityAreaTransition, PriorityArea),
        ("obligation", _("MoU obligation"), ObligationTransition, Obligation),
    ]
    rows: list[Activity] = []
    for kind, kind_label, log_model, subject_model in sources:
        labels = dict(subject_model._meta.get_field("status").flatchoices)
        logs = log_model.objects.select_related("actor", "subject").order_by("-created_at", "-pk")[
            :limit
        ]
        for log in logs:
            subject = log.subject
            if kind == "obligation":
                url = reverse("mou:obligation-list", args=[subject.mou_id])
                name = str(subject)
            else:
                url = subject.get_absolute_url()
                name = str(subject)
            rows.append(
                Activity(
                    kind=kind,
                    kind_label=str(kind_label),
                    subject=name,
                    url=url,
                    transition=log.transition,
                    from_label=str(labels.get(log.from_status, log.from_status)),
                    to_label=str(labels.get(log.to_status, log.to_status)),
                    actor_name=_person(log.actor) or _("the system"),
                    at=log.created_at,
                )
            )
    rows.sort(key=lambda a: a.at, reverse=True)
    return rows[:limit]


# Dashboards of the other roles ---------------------------------------------------------------


@dataclass(frozen=True)
class ReviewTask:
    """An MoU review round waiting for the viewer's answer."""

    title: str
    version_number: int
    due_on: dt.date | None
    url: str


def my_mou_reviews(*, viewer: User | Any) -> list[ReviewTask]:
    """Review rounds still open in which the viewer has not answered yet."""
    if not roles.is_internal(viewer):
        return []
    requests = (
        ReviewRequest.objects.filter(
            reviewer=viewer,
            decision=ReviewRequest.Decision.PENDING,
            round__closed_at__isnull=True,
            round__mou__in=Mou.objects.visible_to(viewer),
        )
        .select_related("round__version")
        .order_by("round__due_on", "pk")
    )
    return [
        ReviewTask(
            title=r.round.title,
            version_number=r.round.version.number,
            due_on=r.round.due_on,
            url=reverse("mou:review-detail", args=[r.round_id]),
        )
        for r in requests
    ]


@dataclass(frozen=True)
class SharedVersion:
    """An MoU version shared with BGI and the comments BGI can see on it."""

    mou_title: str
    number: int
    shared_at: dt.datetime | None
    url: str
    comment_count: int
    bgi_comment_count: int


@dataclass(frozen=True)
class SharedVisit:
    """A visit shared with BGI: what BGI may see of it (no notes, budget or members' data)."""

    title: str
    state_label: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    destination: str
    itinerary_count: int
    url: str
    itinerary_url: str


@dataclass(frozen=True)
class SharedWithBgi:
    """Only what is shared with BGI: shared visits and shared MoU versions."""

    visits: tuple[SharedVisit, ...]
    versions: tuple[SharedVersion, ...]


def shared_with_bgi(*, viewer: User | Any) -> SharedWithBgi:
    """What the BGI liaison's dashboard shows, built from the BGI-scoped querysets only."""
    visits = (
        Visit.objects.visible_to(viewer)
        .filter(is_shared_with_bgi=True, archived_at__isnull=True)
        .annotate(
            itinerary_count=Count(
                "itinerary", filter=Q(itinerary__archived_at__isnull=True), distinct=True
            )
        )
        .order_by("starts_on", "pk")
    )
    visible_comments = ClauseComment.objects.visible_to(viewer)
    versions = (
        MouVersion.objects.visible_to(viewer)
        .filter(is_shared_with_bgi=True, mou__archived_at__isnull=True)
        .select_related("mou")
        .annotate(
            comment_count=Subquery(
                visible_comments.filter(version=OuterRef("pk"))
                .order_by()
                .values("version")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            bgi_comment_count=Subquery(
                visible_comments.filter(version=OuterRef("pk"), is_from_bgi=True)
                .order_by()
                .values("version")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
        .order_by("-shared_at", "-pk")
    )
    return SharedWithBgi(
        visits=tuple(
            SharedVisit(
                title=v.title,
                state_label=v.get_status_display(),
                starts_on=v.starts_on,
                ends_on=v.ends_on,
                destination=v.destination,
                itinerary_count=v.itinerary_count,
                url=v.get_absolute_url(),
                itinerary_url=reverse("delegations:visit-itinerary", args=[v.pk]),
            )
            for v in visits
        ),
        versions=tuple(
            SharedVersion(
                mou_title=v.mou.title,
                number=v.number,
                shared_at=v.shared_at,
                url=v.get_absolute_url(),
                comment_count=v.comment_count or 0,
                bgi_comment_count=v.bgi_comment_count or 0,
            )
            for v in versions
        ),
    )


# The timeline ------------------------------------------------------------------------------


def timeline_kinds() -> dict[str, str]:
    """The kinds of timeline entry, value → translated label, in display order."""
    return {
        "visit": _("Visits"),
        "mou": _("MoU milestones"),
        "review_round": _("Review rounds"),
        "action_item": _("Action items"),
    }


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing on the programme's time axis (`ends_on` for spans such as visits)."""

    kind: str
    kind_label: str
    title: str
    on: dt.date
    url: str
    detail: str = ""
    ends_on: dt.date | None = None


@dataclass(frozen=True)
class TimelineMonth:
    """A month of the timeline and its entries in date order."""

    month: dt.date  # the first day of the month
    entries: tuple[TimelineEntry, ...]


def programme_timeline(*, viewer: User | Any, kinds: set[str] | None = None) -> list[TimelineMonth]:
    """Visits, MoU milestones, review rounds and action items on one axis, month by month.

    Internal viewers see every kind; BGI's liaison sees only shared visits and the dates
    its shared MoU versions were shared; anyone else sees nothing.
    """
    wanted = set(timeline_kinds()) if not kinds else set(kinds) & set(timeline_kinds())
    labels = timeline_kinds()
    entries: list[TimelineEntry] = []
    internal = roles.is_internal(viewer)
    bgi = roles.is_bgi_liaison(viewer) and not internal
    if not internal and not bgi:
        return []
    if "visit" in wanted:
        visits = Visit.objects.visible_to(viewer).active().filter(starts_on__isnull=False)
        if bgi:
            visits = visits.filter(is_shared_with_bgi=True)
        for visit in visits:
            if visit.starts_on is None:
                continue
            url = (
                reverse("delegations:visit-itinerary", args=[visit.pk])
                if bgi
                else visit.get_absolute_url()
            )
            entries.append(
                TimelineEntry(
                    "visit",
                    labels["visit"],
                    visit.title,
                    visit.starts_on,
                    url,
                    f"{visit.destination} · {visit.get_status_display()}",
                    visit.ends_on,
                )
            )
    if "mou" in wanted:
        if internal:
            for mou in _mous(viewer, timezone.localdate()):
                entries += [
                    TimelineEntry("mou", labels["mou"], m.label, m.on, mou.url, mou.title)
                    for m in mou.timeline
                ]
        else:
            shared = (
                MouVersion.objects.visible_to(viewer)
                .filter(is_shared_with_bgi=True, shared_at__isnull=False)
                .select_related("mou")
            )
            entries += [
                TimelineEntry(
                    "mou",
                    labels["mou"],
                    _("Version %(n)s shared with BGI") % {"n": v.number},
                    timezone.localdate(v.shared_at),
                    v.get_absolute_url(),
                    v.mou.title,
                )
                for v in shared
                if v.shared_at is not None
            ]
    if internal and "review_round" in wanted:
        rounds = ReviewRound.objects.filter(
            mou__in=Mou.objects.visible_to(viewer), due_on__isnull=False
        ).select_related("version", "mou")
        entries += [
            TimelineEntry(
                "review_round",
                labels["review_round"],
                _("%(title)s: answers due") % {"title": r.title},
                r.due_on,
                reverse("mou:review-detail", args=[r.pk]),
                _("%(mou)s, version %(n)s") % {"mou": r.mou.title, "n": r.version.number},
            )
            for r in rounds
            if r.due_on is not None
        ]
    if internal and "action_item" in wanted:
        items = (
            ActionItem.objects.visible_to(viewer)
            .filter(archived_at__isnull=True)
            .exclude(status=ActionItem.Status.CANCELLED)
            .select_related("owner")
        )
        entries += [
            TimelineEntry(
                "action_item",
                labels["action_item"],
                i.title,
                i.due_on,
                i.get_absolute_url(),
                f"{_person(i.owner)} · {i.get_status_display()}",
            )
            for i in items
        ]
    entries.sort(key=lambda e: (e.on, e.kind, e.title))
    months: dict[dt.date, list[TimelineEntry]] = {}
    for entry in entries:
        months.setdefault(entry.on.replace(day=1), []).append(entry)
    return [TimelineMonth(month, tuple(rows)) for month, rows in months.items()]


__all__ = [
    "UPCOMING_DAYS",
    "ActionItemSummary",
    "Activity",
    "Deadline",
    "IndicatorStatus",
    "Milestone",
    "MouStageStatus",
    "MouStatus",
    "ObjectiveStatus",
    "OverdueActionItem",
    "PriorityAreaStatus",
    "ProgrammeStatus",
    "SharedVersion",
    "SharedVisit",
    "SharedWithBgi",
    "StateCount",
    "TimelineEntry",
    "TimelineMonth",
    "VisitReadinessStatus",
    "VisitStatus",
    "deadlines",
    "last_changed_at",
    "my_mou_reviews",
    "programme_status",
    "programme_timeline",
    "recent_activity",
    "recommendation_pipeline",
    "shared_with_bgi",
]
