"""Composite reads of the MoU app: the clause-by-clause diff between versions, the draft's
out-of-step list, the state of review and signing, each MoU's stages and dated milestones, and
which of the MoU's dated records a viewer may see (the reminder kinds' scopes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collaboration.diff import DiffPart, word_diff
from portal.reminders import scope_through

from . import policies
from .models import (
    Clause,
    ClauseSnapshot,
    Clearance,
    Mou,
    MouTransition,
    MouVersion,
    Obligation,
    OutOfStepOverride,
    ReviewRequest,
    Signatory,
)
from .workflows import MOU_FLOW, ROAD_TO_FORCE

if TYPE_CHECKING:
    from portal.models import User


def clause_citable_choices(
    *, viewer: Any, mou: Any, clause: Any = None
) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """What a clause of this MoU may cite: the viewer's active priority areas and approved
    recommendations of the MoU's programme, plus what `clause` already cites (even if
    archived since). The page's clause form and the API's clause input both choose from it."""
    from collaboration.models import PriorityArea, Recommendation

    chosen_areas, chosen_recommendations = Q(pk__in=[]), Q(pk__in=[])
    if clause is not None:
        chosen_areas = Q(mou_clauses=clause)
        chosen_recommendations = Q(mou_clauses=clause)
    areas = (
        PriorityArea.objects.visible_to(viewer)
        .filter(programme=mou.programme)
        .filter(Q(archived_at__isnull=True) | chosen_areas)
        .distinct()
        .order_by("position", "name")
    )
    recommendations = (
        Recommendation.objects.visible_to(viewer)
        .filter(programme=mou.programme)
        .filter(
            Q(status=Recommendation.Status.APPROVED, archived_at__isnull=True)
            | chosen_recommendations
        )
        .distinct()
        .order_by("title")
    )
    return areas, recommendations


@dataclass(frozen=True)
class ClauseChange:
    """How one clause differs between two versions."""

    kind: str  # "added", "removed", "moved", "changed", "unchanged"
    old: ClauseSnapshot | None
    new: ClauseSnapshot | None
    moved: bool
    heading_en: list[DiffPart]
    text_en: list[DiffPart]
    heading_zh: list[DiffPart]
    text_zh: list[DiffPart]

    @property
    def position(self) -> int:
        """Where the clause stands (in the newer version when it is in both)."""
        return (self.new or self.old).position  # type: ignore[union-attr]


_FIELDS = ("heading_en", "text_en", "heading_zh", "text_zh")


def version_diff(*, old: MouVersion, new: MouVersion) -> list[ClauseChange]:
    """Compare two versions clause by clause (matched by key): added, removed, moved, changed."""
    before = {c.key: c for c in old.clauses.all()}
    after = {c.key: c for c in new.clauses.all()}
    # A move is a change of place relative to the clauses both versions share.
    shared_before = [k for k in sorted(before, key=lambda k: before[k].position) if k in after]
    shared_after = [k for k in sorted(after, key=lambda k: after[k].position) if k in before]
    rank_before = {k: i for i, k in enumerate(shared_before)}
    rank_after = {k: i for i, k in enumerate(shared_after)}
    changes = []
    for key in dict.fromkeys([*sorted(after, key=lambda k: after[k].position), *before]):
        o, n = before.get(key), after.get(key)
        diffs = {
            f: word_diff(getattr(o, f) if o else "", getattr(n, f) if n else "") for f in _FIELDS
        }
        if o is None:
            kind, moved = "added", False
        elif n is None:
            kind, moved = "removed", False
        else:
            moved = rank_before[key] != rank_after[key]
            changed = any(part.op != "equal" for parts in diffs.values() for part in parts)
            kind = "changed" if changed else ("moved" if moved else "unchanged")
        changes.append(ClauseChange(kind, o, n, moved, **diffs))
    return changes


def out_of_step_clauses(mou: Mou) -> list[Clause]:
    """The draft's clauses whose English and Chinese texts are out of step, in order."""
    return [c for c in mou.clauses.active().order_by("position") if c.is_out_of_step]


@dataclass(frozen=True)
class InStepCheck:
    """Whether the draft's two languages let the MoU move on: the clauses out of step that no
    override covers (`blocking`: refused while any), and the latest override covering the
    others (`override`, None when none is needed)."""

    blocking: tuple[Clause, ...]
    override: OutOfStepOverride | None

    @property
    def is_clear(self) -> bool:
        return not self.blocking


def in_step_check(
    mou: Mou,
    *,
    clauses: list[Clause] | None = None,
    overrides: list[OutOfStepOverride] | None = None,
) -> InStepCheck:
    """The one rule of bilingual integrity: publishing, sharing, "text agreed", approval for
    signature and signing need every clause in step, or out of step under a recorded override
    (`OutOfStepOverride.covers`). A page that has the draft's active clauses or the MoU's
    overrides (newest first) at hand passes them."""
    if clauses is None:
        lagging = out_of_step_clauses(mou)
    else:
        lagging = sorted((c for c in clauses if c.is_out_of_step), key=lambda c: c.position)
    if not lagging:
        return InStepCheck((), None)
    if overrides is None:
        overrides = list(mou_overrides(mou))
    blocking = tuple(c for c in lagging if not any(o.covers(c) for o in overrides))
    covering = next((o for o in overrides if any(o.covers(c) for c in lagging)), None)
    return InStepCheck(blocking, covering)


def mou_overrides(mou: Mou) -> QuerySet[OutOfStepOverride]:
    """The MoU's out-of-step overrides, newest first."""
    return (
        OutOfStepOverride.objects.filter(mou=mou)
        .select_related("recorded_by")
        .order_by("-created_at", "-pk")
    )


def clause_names(clauses: Sequence[Clause | ClauseSnapshot]) -> str:
    """Clauses named for a message: "3. “Scope”, 5. “Data”"."""
    return ", ".join(f"{c.position}. “{c.heading_en}”" for c in clauses)


def mou_summary(mou: Mou) -> dict[str, Any]:
    """Where the MoU stands: current version, clearances, signatures."""
    versions = list(mou.versions.all())
    return {
        "current_version": versions[0] if versions else None,
        "clearances_missing": [c for c in mou.clearances.all() if c.decision != "cleared"],
        "signatories": list(mou.signatories.all()),
    }


# Stages and milestones -------------------------------------------------------------------------

# The MoU's main path, in order (mou/workflows.py): the stepper shows these; the other states
# are side exits.
MOU_STAGES: tuple[str, ...] = ROAD_TO_FORCE
# Steps that go back or end the MoU are not "the next step": an MoU in force is not waiting to
# expire, it is followed up (its obligations) until its renewal or expiry date.
_NOT_NEXT_STEPS = frozenset({"back_to_drafting", "terminate", "expire"})
#: What comes next where no forward step of the workflow does.
_NEXT_STEP_NOTES: dict[str, Any] = {
    Mou.Status.IN_FORCE: gettext_lazy(
        "Follow up its obligations; renew or let it expire by its expiry date"
    ),
}


@dataclass(frozen=True)
class Milestone:
    """A dated step of the MoU's life. `kind` is one of created, version_published, approval,
    clearance, signature, signing_deadline, entry_into_force, expiry; `on` is its day (in the
    future for planned ones: `is_planned`)."""

    kind: str
    label: str
    on: dt.date
    is_planned: bool = False
    #: When it happened, where known (to order same-day milestones), and its place among
    #: milestones of its kind (a version's number).
    at: dt.datetime | None = None
    sequence: int = 0


#: The MoU's milestones in workflow order, for milestones of the same day.
MILESTONE_ORDER = (
    "created", "version_published", "clearance", "approval", "signature", "signing_deadline",
    "entry_into_force", "expiry",
)  # fmt: skip
_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)


def milestone_order(milestone: Milestone) -> tuple[Any, ...]:
    """The one ordering of the MoU's timeline (pages, dashboards, status API and exports): by
    day; within a day in workflow order ("MoU created" before "Approved for signature", version
    1 before version 2), then by time."""
    rank = MILESTONE_ORDER.index(milestone.kind) if milestone.kind in MILESTONE_ORDER else 99
    return (milestone.on, rank, milestone.sequence, milestone.at or _EARLIEST)


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


def next_steps_of(state: str) -> tuple[str, ...]:
    """Labels of the MoU workflow's forward steps from `state` (whoever may take them); for an
    MoU in force, its follow-up (obligations, then renewal or expiry), never "Expired". The
    dashboards, the status API, the status PDF and the workbook all read this."""
    steps = tuple(
        t.display
        for t in MOU_FLOW.transitions.values()
        if state in t.source and t.name not in _NOT_NEXT_STEPS
    )
    note = _NEXT_STEP_NOTES.get(state)
    return steps or ((str(note),) if note else ())


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


def _milestones(mou: Any, versions: list[MouVersion], today: dt.date) -> list[Milestone]:
    """The MoU's dated milestones, in date order (from the prefetches of `mou_statuses`)."""
    milestones = [
        Milestone(
            "created", _("MoU created"), timezone.localdate(mou.created_at), at=mou.created_at
        )
    ]
    milestones += [
        Milestone(
            "version_published",
            _("Version %(n)s published") % {"n": v.number},
            timezone.localdate(v.created_at),
            at=v.created_at,
            sequence=v.number,
        )
        for v in versions
    ]
    milestones += [
        Milestone("clearance", _("Cleared: %(name)s") % {"name": c.name}, c.decided_on)
        for c in mou.cleared
        if c.decided_on is not None
    ]
    for log in mou.milestone_transitions:
        approved = log.to_status == Mou.Status.APPROVED
        label = _("Approved for signature") if approved else _("Signed by all parties")
        kind = "approval" if approved else "signature"
        milestones.append(
            Milestone(
                kind,
                label,
                timezone.localdate(log.created_at),
                at=log.created_at,
                # "Signed by all parties" follows the single signatures of its day.
                sequence=0 if approved else 1,
            )
        )
    milestones += [
        Milestone("signature", _("Signed by %(name)s") % {"name": s.name}, s.signed_on)
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
    milestones.sort(key=milestone_order)
    return milestones


def mou_statuses(
    *, viewer: User | Any, today: dt.date, limit: int | None = None
) -> tuple[MouStatus, ...]:
    """Every unarchived MoU the viewer may see (the newest `limit`, all with None), newest
    first, with its stages and milestones (a fixed number of queries)."""
    mous = (
        Mou.objects.visible_to(viewer)
        .active()
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
    )[:limit]
    result = []
    for mou in mous:
        versions = list(mou.versions.all())
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
                timeline=tuple(_milestones(mou, versions, today)),
            )
        )
    return tuple(result)


# Reviews waiting for someone -------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewTask:
    """An MoU review round waiting for the viewer's answer."""

    title: str
    version_number: int
    due_on: dt.date | None
    url: str


def my_mou_reviews(*, viewer: User | Any) -> list[ReviewTask]:
    """Review rounds still open in which the viewer has not answered yet (due date or not)."""
    if not policies.can_view_mou_internals(viewer):
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


# Who may see the MoU's dated records (the scopes of the MoU's reminder kinds) ------------------


def mous_with_deadlines_visible_to(viewer: User | Any) -> QuerySet[Mou]:
    """MoUs whose signing deadline and expiry the viewer may see: the MoU's internals, so
    internal people only (BGI's liaison sees shared versions, not the MoU's deadlines)."""
    if not policies.can_view_mou_internals(viewer):
        return Mou.objects.none()
    return Mou.objects.visible_to(viewer)


def review_requests_visible_to(viewer: User | Any) -> QuerySet[ReviewRequest]:
    """Review requests the viewer may see: those of the MoUs whose internals they may see."""
    return scope_through(
        ReviewRequest.objects.all(), "round__mou", mous_with_deadlines_visible_to(viewer)
    )


def obligations_visible_to(viewer: User | Any) -> QuerySet[Obligation]:
    """Obligations the viewer may see: those of the MoUs whose internals they may see."""
    return scope_through(Obligation.objects.all(), "mou", mous_with_deadlines_visible_to(viewer))
