"""Traceability: what a record comes from (upstream) and what comes from it (downstream).

The programme's chain is priority area → recommendation → visit objective → MoU clause →
obligation → action item, read from the relations the apps already keep:

* a recommendation cites priority areas;
* a visit objective ties to a priority area and optionally a recommendation;
* an MoU clause cites priority areas and recommendations, and may be proposed from one;
  a clause follows a visit objective when both serve the same recommendation;
* an obligation belongs to an MoU and optionally a clause;
* an action item links to any record (`linked_type` / `linked_id`), may come from a meeting;
* a trip-report finding of a visit becomes an action item or a draft recommendation.

The walk is transitive in both directions and costs a fixed number of queries (one or two
per step, one per kind shown), whatever the data. Every record shown is read through its
model's `visible_to(viewer)` and archived records are left out, as the lists do.
Traceability is internal (`policies.can_view_traceability`); the view answers 404 to others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from collaboration.models import ActionItem, Meeting, PriorityArea, Recommendation
from delegations.models import Finding, Visit, VisitObjective
from mou.models import Clause, Mou, Obligation

# Per kind shown, at most this many records (a priority area can reach many).
MAX_PER_KIND = 50

# The chain's order; groups are shown in it, upstream and downstream alike.
ORDER: tuple[str, ...] = (
    "priority-area",
    "recommendation",
    "visit",
    "visit-objective",
    "meeting",
    "mou",
    "clause",
    "obligation",
    "action-item",
)
LABELS: dict[str, Promise] = {
    "priority-area": _("Priority areas"),
    "recommendation": _("Recommendations"),
    "visit": _("Visits"),
    "visit-objective": _("Visit objectives"),
    "meeting": _("Meetings"),
    "mou": _("MoUs"),
    "clause": _("MoU clauses"),
    "obligation": _("Obligations"),
    "action-item": _("Action items"),
}
SINGULAR: dict[str, Promise] = {
    "priority-area": _("Priority area"),
    "recommendation": _("Recommendation"),
    "visit": _("Visit"),
    "visit-objective": _("Visit objective"),
    "meeting": _("Meeting"),
    "mou": _("MoU"),
    "clause": _("MoU clause"),
    "obligation": _("Obligation"),
    "action-item": _("Action item"),
}
# Kinds with a traceability page of their own (a visit objective is shown on its visit's).
MODELS: dict[str, type[Model]] = {
    "priority-area": PriorityArea,
    "recommendation": Recommendation,
    "visit": Visit,
    "meeting": Meeting,
    "mou": Mou,
    "clause": Clause,
    "obligation": Obligation,
    "action-item": ActionItem,
}
TRACEABLE_KINDS: tuple[str, ...] = tuple(MODELS)


@dataclass(frozen=True)
class TraceItem:
    kind: str
    id: int
    title: str
    url: str
    status: str = ""
    context: str = ""  # where it belongs (the visit of an objective, the MoU of a clause)

    @property
    def kind_label(self) -> str:
        return str(SINGULAR[self.kind])

    @property
    def trace_url(self) -> str:
        if self.kind not in MODELS:
            return ""
        return reverse("search:trace", args=[self.kind, self.id])


@dataclass(frozen=True)
class TraceGroup:
    kind: str
    items: list[TraceItem]

    @property
    def label(self) -> str:
        return str(LABELS[self.kind])


@dataclass
class TraceGraph:
    record: TraceItem
    upstream: list[TraceGroup] = field(default_factory=list)
    downstream: list[TraceGroup] = field(default_factory=list)


Ids = dict[str, set[int]]


def kind_of(obj: Model) -> str:
    for kind, model in MODELS.items():
        if isinstance(obj, model):
            return kind
    raise ValueError(f"{type(obj).__name__} has no traceability.")


# Reading the records the viewer may see --------------------------------------------------


def _status(obj: Any) -> str:
    return str(obj.get_status_display()) if hasattr(obj, "get_status_display") else ""


def _short(text: str, n: int = 120) -> str:
    return str(Truncator(" ".join(text.split())).chars(n))


def _priority_areas(viewer: Any, ids: Iterable[int]) -> list[TraceItem]:
    rows = PriorityArea.objects.visible_to(viewer).active().filter(pk__in=ids)
    return [
        TraceItem("priority-area", a.pk, a.name, a.get_absolute_url(), _status(a))
        for a in rows.order_by("position", "name")[:MAX_PER_KIND]
    ]


def _recommendations(viewer: Any, ids: Iterable[int]) -> list[TraceItem]:
    rows = Recommendation.objects.visible_to(viewer).active().filter(pk__in=ids)
    return [
        TraceItem("recommendation", r.pk, r.title, r.get_absolute_url(), _status(r))
        for r in rows.order_by("title", "pk")[:MAX_PER_KIND]
    ]


def _visits(viewer: Any, ids: Iterable[int]) -> list[TraceItem]:
    rows = Visit.objects.visible_to(viewer).active().filter(pk__in=ids)
    return [
        TraceItem("visit", v.pk, v.title, v.get_absolute_url(), _status(v))
        for v in rows.order_by("-starts_on", "-pk")[:MAX_PER_KIND]
    ]


def _objectives(viewer: Any, ids: Iterable[int]) -> list[TraceItem]:
    rows = VisitObjective.objects.filter(
        pk__in=ids,
        archived_at__isnull=True,
        visit__in=Visit.objects.visible_to(viewer).active(),
    ).select_related("visit")
    return [
        TraceItem(
            "visit-objective",
            o.pk,
            _short(o.text),
            o.visit.get_absolute_url() + "#objectives",
            _status(o.visit),
            context=o.visit.title,
        )
        for o in rows.order_by("visit_id", "position", "pk")[:MAX_PER_KIND]
    ]


def _meetings(viewer: Any, ids: Iterable[int]) -> list[TraceItem]:
    rows = Meeting.objects.visible_to(viewer).active().filter(pk__in=ids)
    return [
        TraceItem("meeting", m.pk, m.title, m.get_absolute_url())
        for m in rows.order_by("-held_at", "-pk")[:MAX_PER_KIND]
    ]


def _mous(viewer: Any, ids: Iterable[int]) -> list[TraceItem]:
    rows = Mou.objects.visible_to(viewer).active().filter(pk__in=ids)
    return [
        TraceItem("mou", m.pk, m.title, m.get_absolute_url(), _status(m))
        for m in rows.order_by("-created_at", "-pk")[:MAX_PER_KIND]
    ]


def _clauses(viewer: Any, ids: Iterable[int]) -> list[TraceItem]:
    rows = Clause.objects.filter(
        pk__in=ids,
        archived_at__isnull=True,
        mou__in=Mou.objects.visible_to(viewer).active(),
    ).select_related("mou")
    return [
        TraceItem(
            "clause",
            c.pk,
            f"{c.position}. {c.heading_en}",
            reverse("mou:clause-list", args=[c.mou_id]) + f"#clause-{c.pk}",
            _status(c.mou),
            context=c.mou.title,
        )
        for c in rows.order_by("mou_id", "position", "pk")[:MAX_PER_KIND]
    ]


def _obligations(viewer: Any, ids: Iterable[int]) -> list[TraceItem]:
    rows = Obligation.objects.filter(
        pk__in=ids, mou__in=Mou.objects.visible_to(viewer).active()
    ).select_related("mou")
    return [
        TraceItem(
            "obligation",
            o.pk,
            _short(o.description),
            reverse("mou:obligation-list", args=[o.mou_id]) + f"#obligation-{o.pk}",
            _status(o),
            context=o.mou.title,
        )
        for o in rows.order_by("due_on", "pk")[:MAX_PER_KIND]
    ]


def _action_items(viewer: Any, ids: Iterable[int]) -> list[TraceItem]:
    rows = ActionItem.objects.visible_to(viewer).active().filter(pk__in=ids)
    return [
        TraceItem("action-item", a.pk, a.title, a.get_absolute_url(), _status(a))
        for a in rows.order_by("due_on", "pk")[:MAX_PER_KIND]
    ]


_READERS: dict[str, Callable[[Any, Iterable[int]], list[TraceItem]]] = {
    "priority-area": _priority_areas,
    "recommendation": _recommendations,
    "visit": _visits,
    "visit-objective": _objectives,
    "meeting": _meetings,
    "mou": _mous,
    "clause": _clauses,
    "obligation": _obligations,
    "action-item": _action_items,
}


def record_for(*, viewer: Any, kind: str, pk: int) -> Model | None:
    """The record of a traceability page, if the kind is traceable and the viewer may see it."""
    model = MODELS.get(kind)
    if model is None:
        return None
    queryset = model._default_manager.all()
    if kind in ("clause", "obligation"):
        queryset = queryset.filter(mou__in=Mou.objects.visible_to(viewer))
    else:
        queryset = queryset.visible_to(viewer)  # type: ignore[attr-defined]
    return queryset.filter(pk=pk).first()


# Walking the relations -------------------------------------------------------------------


def _content_types() -> dict[int, str]:
    """Content-type id → kind, for action items' links (Django caches content types)."""
    types = ContentType.objects.get_for_models(*MODELS.values())
    by_model = {model: kind for kind, model in MODELS.items()}
    return {ct.pk: by_model[model] for model, ct in types.items()}


def _upstream(kind: str, pk: int) -> Ids:
    found: Ids = defaultdict(set)

    def ids(k: str) -> set[int]:
        return found[k] | ({pk} if k == kind else set())

    if items := ids("action-item"):
        kinds = _content_types()
        for linked_type, linked_id, meeting_id, visit_id in ActionItem.objects.filter(
            pk__in=items
        ).values_list("linked_type_id", "linked_id", "meeting_id", "finding__report__visit_id"):
            if linked_type in kinds and linked_id is not None:
                found[kinds[linked_type]].add(linked_id)
            if meeting_id is not None:
                found["meeting"].add(meeting_id)
            if visit_id is not None:
                found["visit"].add(visit_id)
    if obligations := ids("obligation"):
        found["clause"] |= set(
            Obligation.objects.filter(pk__in=obligations, clause__isnull=False).values_list(
                "clause_id", flat=True
            )
        )
    clauses = ids("clause")
    if mous := ids("mou"):
        # An MoU comes from what its clauses come from (the clauses themselves follow it).
        clauses = clauses | set(
            Clause.objects.filter(mou_id__in=mous, archived_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
    if clauses:
        cited = set(
            Clause.recommendations.through.objects.filter(clause_id__in=clauses).values_list(
                "recommendation_id", flat=True
            )
        ) | set(
            Clause.objects.filter(pk__in=clauses, source_recommendation__isnull=False).values_list(
                "source_recommendation_id", flat=True
            )
        )
        found["recommendation"] |= cited
        found["priority-area"] |= set(
            Clause.priority_areas.through.objects.filter(clause_id__in=clauses).values_list(
                "priorityarea_id", flat=True
            )
        )
        # A clause follows the visit objectives that serve the same recommendation.
        found["visit-objective"] |= set(
            VisitObjective.objects.filter(recommendation_id__in=cited).values_list("pk", flat=True)
        )
    if visits := ids("visit"):
        found["visit-objective"] |= set(
            VisitObjective.objects.filter(visit_id__in=visits).values_list("pk", flat=True)
        )
    if objectives := ids("visit-objective"):
        for recommendation_id, area_id in VisitObjective.objects.filter(
            pk__in=objectives
        ).values_list("recommendation_id", "priority_area_id"):
            if recommendation_id is not None:
                found["recommendation"].add(recommendation_id)
            found["priority-area"].add(area_id)
    if recommendations := ids("recommendation"):
        found["priority-area"] |= set(
            Recommendation.priority_areas.through.objects.filter(
                recommendation_id__in=recommendations
            ).values_list("priorityarea_id", flat=True)
        )
        # A draft recommendation written from a trip-report finding comes from that visit.
        found["visit"] |= set(
            Finding.objects.filter(recommendation_id__in=recommendations).values_list(
                "report__visit_id", flat=True
            )
        )
    found[kind].discard(pk)
    return found


def _downstream(kind: str, pk: int) -> Ids:
    found: Ids = defaultdict(set)

    def ids(k: str) -> set[int]:
        return found[k] | ({pk} if k == kind else set())

    if areas := ids("priority-area"):
        found["recommendation"] |= set(
            Recommendation.priority_areas.through.objects.filter(
                priorityarea_id__in=areas
            ).values_list("recommendation_id", flat=True)
        )
        found["visit-objective"] |= set(
            VisitObjective.objects.filter(priority_area_id__in=areas).values_list("pk", flat=True)
        )
        found["clause"] |= set(
            Clause.priority_areas.through.objects.filter(priorityarea_id__in=areas).values_list(
                "clause_id", flat=True
            )
        )
    if visits := ids("visit"):
        for recommendation_id, item_id in Finding.objects.filter(
            report__visit_id__in=visits
        ).values_list("recommendation_id", "action_item_id"):
            if recommendation_id is not None:
                found["recommendation"].add(recommendation_id)
            if item_id is not None:
                found["action-item"].add(item_id)
        # Clauses that serve the recommendations the visit's objectives pursued.
        found["clause"] |= set(
            Clause.recommendations.through.objects.filter(
                recommendation__visit_objectives__visit_id__in=visits
            ).values_list("clause_id", flat=True)
        )
    if recommendations := ids("recommendation"):
        found["visit-objective"] |= set(
            VisitObjective.objects.filter(recommendation_id__in=recommendations).values_list(
                "pk", flat=True
            )
        )
        found["clause"] |= set(
            Clause.objects.filter(
                Q(recommendations__in=recommendations)
                | Q(source_recommendation_id__in=recommendations)
            ).values_list("pk", flat=True)
        )
    if mous := ids("mou"):
        found["clause"] |= set(Clause.objects.filter(mou_id__in=mous).values_list("pk", flat=True))
        found["obligation"] |= set(
            Obligation.objects.filter(mou_id__in=mous).values_list("pk", flat=True)
        )
    if clauses := ids("clause"):
        found["obligation"] |= set(
            Obligation.objects.filter(clause_id__in=clauses).values_list("pk", flat=True)
        )
    if meetings := ids("meeting"):
        found["action-item"] |= set(
            ActionItem.objects.filter(meeting_id__in=meetings).values_list("pk", flat=True)
        )
    links = Q()
    for ct_id, linked_kind in _content_types().items():
        if linked_kind != "action-item" and (linked := ids(linked_kind)):
            links |= Q(linked_type_id=ct_id, linked_id__in=linked)
    if links:
        found["action-item"] |= set(ActionItem.objects.filter(links).values_list("pk", flat=True))
    found[kind].discard(pk)
    return found


def _groups(viewer: Any, found: Ids) -> list[TraceGroup]:
    groups = []
    for kind in ORDER:
        if found.get(kind):
            items = _READERS[kind](viewer, found[kind])
            if items:
                groups.append(TraceGroup(kind, items))
    return groups


def trace_for(*, viewer: Any, obj: Model) -> TraceGraph:
    """Where `obj` comes from and what comes from it, as far as the chain goes, each group in
    the chain's order; only records the viewer may see."""
    kind = kind_of(obj)
    record = _READERS[kind](viewer, [obj.pk])
    this = (
        record[0]
        if record
        else TraceItem(kind, obj.pk, str(obj), "", _status(obj))  # e.g. an archived record
    )
    return TraceGraph(
        record=this,
        upstream=_groups(viewer, _upstream(kind, obj.pk)),
        downstream=_groups(viewer, _downstream(kind, obj.pk)),
    )
