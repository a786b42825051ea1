"""The data of each report, read for the person who asked for it (or for the weekly schedule).

The programme status report uses `overview.selectors.programme_status`, the same dataset as
the status page and API, so the report and the API always agree. The action items export is
read here from `ActionItem.objects.visible_to(viewer)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from collaboration.models import ActionItem
from overview.selectors import ProgrammeStatus, programme_status

from .models import Report

if TYPE_CHECKING:
    from portal.models import User


class _SystemReader:
    """The reader the scheduled weekly report is built for: the programme as a whole.

    It reads what an administrator reads (every internal record) and has no roles of its own;
    it exists only inside the worker, never as a login.
    """

    pk = None
    id = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False
    username = "system"
    _portal_role_names: frozenset[str] = frozenset()

    def __str__(self) -> str:
        return "the portal"


SYSTEM_READER = _SystemReader()


def report_viewer(report: Report) -> User | Any:
    """Whose eyes a report is built with: the requester's, or the system's for the schedule."""
    return report.requested_by if report.requested_by_id is not None else SYSTEM_READER


# The PDF names at most this many overdue action items (oldest first), so a programme with
# thousands late still prints in seconds; the spreadsheet lists every one.
PDF_OVERDUE_LIMIT = 200
# The action items PDF is for reading and printing: it lists this many, open ones first (about
# 7 seconds to build); the spreadsheet holds every one. WeasyPrint lays out some 150 rows a
# second, so 20,000 rows would take minutes and hundreds of pages.
PDF_ACTION_ITEMS_LIMIT = 1000


def programme_status_report(
    *, viewer: User | Any, today: dt.date | None = None, overdue_limit: int | None = None
) -> ProgrammeStatus:
    """The programme status as the viewer may see it (PermissionDenied if they may not),
    naming at most `overdue_limit` overdue action items (None: all of them)."""
    return programme_status(viewer=viewer, today=today, overdue_limit=overdue_limit)


@dataclass(frozen=True)
class ActionItemRow:
    """One action item as exported: every value typed (dates as dates, numbers as numbers)."""

    id: int
    title: str
    status: str
    status_label: str
    owner_name: str
    due_on: dt.date
    is_open: bool
    is_overdue: bool
    days_overdue: int
    meeting_title: str
    created_on: dt.date
    completed_on: dt.date | None
    url: str


def action_item_export_rows(
    *, viewer: User | Any, today: dt.date | None = None
) -> list[ActionItemRow]:
    """Every active action item the viewer may see, soonest due first (two queries)."""
    today = today or timezone.localdate()
    items: QuerySet[ActionItem] = (
        ActionItem.objects.visible_to(viewer)
        .active()
        .select_related("owner", "meeting")
        .order_by("due_on", "pk")
    )
    rows = []
    for item in items:
        overdue = item.is_overdue_on(today)
        rows.append(
            ActionItemRow(
                id=item.pk,
                title=item.title,
                status=item.status,
                status_label=item.get_status_display(),
                owner_name=item.owner.display_name,
                due_on=item.due_on,
                is_open=item.is_open,
                is_overdue=overdue,
                days_overdue=(today - item.due_on).days if overdue else 0,
                meeting_title=item.meeting.title if item.meeting else "",
                created_on=timezone.localdate(item.created_at),
                completed_on=timezone.localdate(item.completed_at) if item.completed_at else None,
                url=item.get_absolute_url(),
            )
        )
    return rows


def action_items_for_pdf(rows: list[ActionItemRow], limit: int) -> list[ActionItemRow]:
    """The rows a PDF lists: open ones first, soonest due first, at most `limit`."""
    return sorted(rows, key=lambda row: (not row.is_open, row.due_on, row.id))[:limit]


def report_list(*, viewer: User | Any) -> QuerySet[Report]:
    """The reports the viewer may see, newest first, with who asked for them (one query)."""
    return (
        Report.objects.visible_to(viewer)
        .select_related("requested_by")
        .order_by("-created_at", "-pk")
    )
