"""The programme timeline: visits, MoU milestones and every open dated thing on one axis.

The dated things are the reminder registry's items (`portal.reminders.due_items`), so the
timeline shows what the reminders and the dashboards know of, scoped to the viewer. Each
kind of reminder is filed under one of the timeline's filters (`TIMELINE_KIND_OF`); the MoU's
signing deadline and expiry are already among the MoU's milestones (shown even when no
officer is named yet), so their reminder kinds are not drawn twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from delegations.models import Visit
from mou.models import MouVersion
from mou.selectors import mou_statuses
from portal import policies as roles
from portal.reminders import due_items

from .deadlines import short_labels

if TYPE_CHECKING:
    from portal.models import User

# Reminder kind → the timeline filter it is shown under.
TIMELINE_KIND_OF = {
    "action_item_due": "action_item",
    "mou_review_due": "review_round",
    "mou_obligation_due": "mou",
    "visit_task_due": "visit",
    "visit_visa_missing": "visit",
    "genebank_milestone_due": "genebank",
    "genebank_approval_expiring": "genebank",
    "genebank_agreement_expiring": "genebank",
}


def timeline_kinds() -> dict[str, str]:
    """The kinds of timeline entry, value → translated label, in display order."""
    return {
        "visit": _("Visits"),
        "mou": _("MoU milestones"),
        "review_round": _("Review rounds"),
        "action_item": _("Action items"),
        "genebank": _("Gene bank"),
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
    #: Its place among same-day entries of its kind when their source orders them (the MoU's
    #: milestones: mou.selectors.milestone_order); 0 otherwise (then by title).
    order: int = 0


@dataclass(frozen=True)
class TimelineMonth:
    """A month of the timeline and its entries in date order."""

    month: dt.date  # the first day of the month
    entries: tuple[TimelineEntry, ...]


def _visit_entries(viewer: User | Any, bgi: bool, label: str) -> list[TimelineEntry]:
    visits = Visit.objects.visible_to(viewer).active().filter(starts_on__isnull=False)
    if bgi:
        visits = visits.filter(is_shared_with_bgi=True)
    entries = []
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
                label,
                visit.title,
                visit.starts_on,
                url,
                f"{visit.destination} · {visit.get_status_display()}",
                visit.ends_on,
            )
        )
    return entries


def _mou_entries(viewer: User | Any, internal: bool, label: str) -> list[TimelineEntry]:
    if internal:
        milestones = [
            (mou, m)
            for mou in mou_statuses(viewer=viewer, today=timezone.localdate())
            for m in mou.timeline
        ]
        return [
            TimelineEntry("mou", label, m.label, m.on, mou.url, mou.title, order=index)
            for index, (mou, m) in enumerate(milestones)
        ]
    shared = (
        MouVersion.objects.visible_to(viewer)
        .filter(is_shared_with_bgi=True, shared_at__isnull=False)
        .select_related("mou")
    )
    return [
        TimelineEntry(
            "mou",
            label,
            _("Version %(n)s shared with BGI") % {"n": v.number},
            timezone.localdate(v.shared_at),
            v.get_absolute_url(),
            v.mou.title,
        )
        for v in shared
        if v.shared_at is not None
    ]


def _due_entries(
    viewer: User | Any, wanted: set[str], labels: dict[str, str]
) -> list[TimelineEntry]:
    """The registry's open dated things under the wanted filters, past and future."""
    codes = {code for code, kind in TIMELINE_KIND_OF.items() if kind in wanted}
    if not codes:
        return []
    names = short_labels()
    return [
        TimelineEntry(
            TIMELINE_KIND_OF[due.code],
            labels[TIMELINE_KIND_OF[due.code]],
            str(due.item.title),
            due.item.due_on,
            due.item.url,
            " · ".join(
                part
                for part in (
                    names.get(due.code) or str(due.kind.label),
                    ", ".join(user.display_name for user in due.item.recipients),
                )
                if part
            ),
        )
        for due in due_items(viewer=viewer, end=dt.date.max, kinds=codes)
    ]


def programme_timeline(*, viewer: User | Any, kinds: set[str] | None = None) -> list[TimelineMonth]:
    """Visits, MoU milestones and the open dated things of every reminder kind on one axis,
    month by month.

    Internal viewers see every kind; BGI's liaison sees only shared visits and the dates
    its shared MoU versions were shared; anyone else sees nothing.
    """
    labels = timeline_kinds()
    wanted = set(labels) if not kinds else set(kinds) & set(labels)
    internal = roles.is_internal(viewer)
    bgi = roles.is_bgi_liaison(viewer) and not internal
    if not internal and not bgi:
        return []
    entries: list[TimelineEntry] = []
    if "visit" in wanted:
        entries += _visit_entries(viewer, bgi, labels["visit"])
    if "mou" in wanted:
        entries += _mou_entries(viewer, internal, labels["mou"])
    if internal:
        # Nothing of the registry is shared with BGI: its kinds are the programme's internals.
        entries += _due_entries(viewer, wanted, labels)
    entries.sort(key=lambda e: (e.on, e.kind, e.order, e.title))
    months: dict[dt.date, list[TimelineEntry]] = {}
    for entry in entries:
        months.setdefault(entry.on.replace(day=1), []).append(entry)
    return [TimelineMonth(month, tuple(rows)) for month, rows in months.items()]
