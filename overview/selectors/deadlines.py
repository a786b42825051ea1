"""Deadlines: every open dated thing the viewer may see, as the reminder registry has them.

Nothing is listed by hand here: the rows are `portal.reminders.due_items` (action items, MoU
reviews, visit checklist tasks, members without a visa before departure, the signing deadline,
obligations, MoU expiry or renewal), kept to what the viewer may see by each kind's scope. A new
kind of deadline registered in an app's `reminders.py` appears on the dashboards by itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from portal import policies as roles
from portal.reminders import Due, due_items

from .common import UPCOMING_DAYS

if TYPE_CHECKING:
    from portal.models import User


def short_labels() -> dict[str, str]:
    """A short name per reminder kind for a table's Kind column (the kind's label otherwise)."""
    return {
        "action_item_due": _("Action item"),
        "mou_review_due": _("MoU review"),
        "visit_task_due": _("Logistics"),
        "visit_visa_missing": _("Visas"),
        "mou_signing_deadline": _("Signing deadline"),
        "mou_obligation_due": _("MoU obligation"),
        "mou_expiry": _("Expiry or renewal"),
        "genebank_milestone_due": _("Gene bank milestone"),
        "genebank_approval_expiring": _("Approval expiry"),
        "genebank_agreement_expiring": _("Agreement expiry"),
    }


@dataclass(frozen=True)
class Deadline:
    """Something due on a day: `kind` is the reminder kind's code (action_item_due,
    mou_review_due, visit_task_due, visit_visa_missing, mou_signing_deadline,
    mou_obligation_due, mou_expiry, or any kind an app adds); `owner_name` names who is
    responsible (`responsible_ids` their ids); `is_overdue` when the day has passed;
    `days_left` counts days from today (negative when overdue)."""

    kind: str
    kind_label: str
    title: str
    due_on: dt.date
    url: str
    owner_name: str = ""
    is_overdue: bool = False
    days_left: int = 0
    responsible_ids: tuple[int, ...] = ()

    @property
    def days_overdue(self) -> int:
        """Days since the due date (0 when not overdue)."""
        return max(0, -self.days_left)


@dataclass(frozen=True)
class DeadlineTotals:
    """How many open dated things are overdue, and how many fall due in the coming days."""

    overdue: int
    upcoming: int


@dataclass(frozen=True)
class DeadlineBoard:
    """A dashboard's deadlines from one read of the registry: the `overdue` ones (oldest
    first) and the `upcoming` ones (soonest first), at most `limit` each; the `totals` count
    them all; `mine` are every one the viewer is responsible for, soonest first."""

    overdue: tuple[Deadline, ...]
    upcoming: tuple[Deadline, ...]
    totals: DeadlineTotals
    mine: tuple[Deadline, ...]


def as_deadline(due: Due, today: dt.date, labels: dict[str, str] | None = None) -> Deadline:
    """A registry item as a row of a deadline table."""
    labels = short_labels() if labels is None else labels
    item = due.item
    return Deadline(
        kind=due.kind.code,
        kind_label=labels.get(due.kind.code) or str(due.kind.label),
        title=str(item.title),
        due_on=item.due_on,
        url=item.url,
        owner_name=", ".join(user.display_name for user in item.recipients),
        is_overdue=item.is_overdue_on(today),
        days_left=item.days_left(today),
        responsible_ids=tuple(user.pk for user in item.recipients),
    )


def _all_deadlines(viewer: User | Any, today: dt.date, days: int) -> list[Deadline]:
    """Every deadline the viewer may see due by `days` from today, overdue ones included."""
    if not roles.is_internal(viewer):
        return []
    labels = short_labels()
    horizon = today + dt.timedelta(days=days)
    return [as_deadline(due, today, labels) for due in due_items(viewer=viewer, end=horizon)]


def _first(rows: list[Deadline], limit: int | None) -> list[Deadline]:
    """The oldest `limit` overdue rows and the soonest `limit` upcoming ones (all: None)."""
    late = [row for row in rows if row.is_overdue]
    soon = [row for row in rows if not row.is_overdue]
    if limit is None:
        return late + soon
    return late[:limit] + soon[:limit]


def deadlines(
    *,
    viewer: User | Any,
    today: dt.date | None = None,
    days: int = UPCOMING_DAYS,
    owner: Any = None,
    limit: int | None = None,
) -> list[Deadline]:
    """Open dated things due up to `days` ahead, the overdue ones included, soonest first.

    Internal viewers only (others get an empty list). With `owner`, only what that person is
    responsible for (a recipient of the reminder). With `limit`, at most that many overdue
    (the oldest) and that many upcoming: a page shows the first few and counts the rest.
    """
    today = today or timezone.localdate()
    rows = _all_deadlines(viewer, today, days)
    if owner is not None:
        rows = [row for row in rows if owner.pk in row.responsible_ids]
    return _first(rows, limit)


def deadline_totals(
    *, viewer: User | Any, today: dt.date | None = None, days: int = UPCOMING_DAYS
) -> DeadlineTotals:
    """The totals behind `deadlines`: how many are overdue, how many due in the next `days`."""
    today = today or timezone.localdate()
    return _totals(_all_deadlines(viewer, today, days))


def _totals(rows: list[Deadline]) -> DeadlineTotals:
    overdue = sum(1 for row in rows if row.is_overdue)
    return DeadlineTotals(overdue=overdue, upcoming=len(rows) - overdue)


def deadline_board(
    *,
    viewer: User | Any,
    today: dt.date | None = None,
    days: int = UPCOMING_DAYS,
    limit: int | None = None,
) -> DeadlineBoard:
    """Everything a dashboard shows of the deadlines, from one read of the registry (a fixed
    number of queries per kind of reminder, whatever the number of items)."""
    today = today or timezone.localdate()
    rows = _all_deadlines(viewer, today, days)
    shown = _first(rows, limit)
    return DeadlineBoard(
        overdue=tuple(row for row in shown if row.is_overdue),
        upcoming=tuple(row for row in shown if not row.is_overdue),
        totals=_totals(rows),
        mine=tuple(row for row in rows if viewer.pk in row.responsible_ids),
    )
