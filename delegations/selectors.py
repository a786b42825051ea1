"""Composite reads of the delegations app: readiness, the itinerary by day, double bookings,
budget totals, the iCalendar export, the briefing pack's data, each visit's status for the
overview, and which of a visit's dated records a viewer may see (the reminder kinds' scopes)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.formatting import format_date
from portal.models import Role
from portal.recording import add_months
from portal.reminders import scope_through

from . import policies
from .models import BudgetLine, DelegationMember, ItineraryItem, LogisticsTask, Visit

if TYPE_CHECKING:
    from portal.models import User

HOME_ZONE = zoneinfo.ZoneInfo("Asia/Karachi")
PASSPORT_MONTHS_PAST_RETURN = 6

MINISTRY_ROLES = [Role.MINISTRY.value, Role.APPROVER.value]
INTERNAL_ROLES = [*MINISTRY_ROLES, Role.NIH_LEAD.value, Role.NIH_EXPERT.value]


def people_with_roles(role_names: list[str], keep: int | None = None) -> QuerySet[Any]:
    """Active users with one of these roles, plus `keep` (the person already chosen): who may
    be a visit's responsible officer (ministry) or a delegation member (internal), in the
    pages' forms and the API's inputs alike."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(Q(is_active=True, groups__name__in=role_names) | Q(pk=keep))
        .distinct()
        .order_by("full_name", "username")
    )


def visit_list(*, viewer: User | Any) -> QuerySet[Visit]:
    """Visits the viewer may see, with their programme and officer (for lists)."""
    return Visit.objects.visible_to(viewer).select_related("programme", "responsible_officer")


def visit_detail_queryset(*, viewer: User | Any) -> QuerySet[Visit]:
    """Visits the viewer may see, with what a visit's page shows prefetched."""
    return visit_list(viewer=viewer).prefetch_related(
        Prefetch(
            "members",
            queryset=DelegationMember.objects.filter(is_active=True).select_related("user"),
        ),
        "objectives__priority_area",
        "objectives__recommendation",
        Prefetch(
            "itinerary",
            queryset=ItineraryItem.objects.active()
            .select_related("site")
            .prefetch_related("attendees"),
        ),
    )


# Readiness -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    key: str
    label: str | Promise  # lazy: translated where it is shown
    ok: bool
    detail: str = ""
    # DelegationMember.Readiness: "done", "expected" (its date is still ahead) or "missing".
    state: str = ""


@dataclass(frozen=True)
class MemberReadiness:
    member: DelegationMember
    checks: list[Check]

    @property
    def is_ready(self) -> bool:
        """Every travel check of the member is done."""
        return all(check.ok for check in self.checks)

    @property
    def blockers(self) -> list[Check]:
        """The checks not done yet."""
        return [check for check in self.checks if not check.ok]

    @property
    def done_count(self) -> int:
        """How many of the member's checks are done."""
        return sum(1 for check in self.checks if check.ok)


# The checklist's labels, translated only where they are shown (a status of 500 visits reads
# thousands of checks and shows none of their labels).
_LABELS = {
    "passport": gettext_lazy("Passport valid"),
    "visa_applied": gettext_lazy("Visa applied"),
    "visa_issued": gettext_lazy("Visa issued"),
    "travel_approval": gettext_lazy("Travel approval"),
    "tickets": gettext_lazy("Tickets"),
    "insurance": gettext_lazy("Insurance"),
}


def member_readiness(
    member: DelegationMember, visit: Visit, today: dt.date | None = None
) -> MemberReadiness:
    """The travel checklist of one member: passport valid six months past return, visa applied
    and issued, travel approval, tickets, insurance. A step dated after `today` (by default
    today) is expected, not done (`DelegationMember.readiness_of`)."""
    today = today or timezone.localdate()
    done, missing = DelegationMember.Readiness.DONE, DelegationMember.Readiness.MISSING
    checks = []
    if member.passport_expires_on is None:
        checks.append(
            Check(
                "passport",
                _LABELS["passport"],
                False,
                _("Passport expiry date not recorded."),
                missing,
            )
        )
    elif visit.ends_on is None:
        checks.append(
            Check("passport", _LABELS["passport"], True, _("Return date not set yet."), done)
        )
    else:
        needed = add_months(visit.ends_on, PASSPORT_MONTHS_PAST_RETURN)
        ok = member.passport_expires_on >= needed
        detail = (
            ""
            if ok
            else _(
                "Passport expires on %(expiry)s; it must be valid until %(needed)s (six months after return)."
            )
            % {"expiry": format_date(member.passport_expires_on), "needed": format_date(needed)}
        )
        checks.append(Check("passport", _LABELS["passport"], ok, detail, done if ok else missing))
    for code, done_on in (
        ("visa_applied", member.visa_applied_on),
        ("visa_issued", member.visa_issued_on),
        ("travel_approval", member.travel_approval_on),
        ("tickets", member.tickets_issued_on),
        ("insurance", member.insurance_on),
    ):
        state = DelegationMember.readiness_of(done_on, today)
        detail = ""
        if state == DelegationMember.Readiness.EXPECTED:
            detail = _("%(step)s expected, not done yet (its date is still ahead).") % {
                "step": _LABELS[code]
            }
        checks.append(Check(code, _LABELS[code], state == done, detail, state))
    return MemberReadiness(member, checks)


@dataclass(frozen=True)
class VisitReadiness:
    members: list[MemberReadiness]
    # What blocks the visit as a whole (no members, no head), after the members' blockers.
    problems: list[str] = field(default_factory=list)

    @property
    def ready_count(self) -> int:
        """How many members have every check done."""
        return sum(1 for row in self.members if row.is_ready)

    @property
    def percent(self) -> int:
        """The share of all members' checks that are done (0 without members)."""
        total = sum(len(row.checks) for row in self.members)
        done = sum(row.done_count for row in self.members)
        return round(100 * done / total) if total else 0

    @property
    def blocker_count(self) -> int:
        """What still blocks departure: undone checks and the visit's own problems."""
        return sum(len(row.blockers) for row in self.members) + len(self.problems)

    @cached_property
    def blockers(self) -> list[str]:
        """Everything that blocks departure, as sentences (built when shown)."""
        by_member = [
            f"{row.member.name}: {check.detail or check.label}"
            for row in self.members
            for check in row.blockers
        ]
        return by_member + self.problems

    @property
    def is_ready(self) -> bool:
        """Members there are, and nothing blocks departure."""
        return bool(self.members) and not self.blocker_count


def visit_readiness(visit: Visit, members: list[DelegationMember] | None = None) -> VisitReadiness:
    """Readiness per member and overall, with what blocks departure."""
    today = timezone.localdate()
    rows = [
        member_readiness(m, visit, today)
        for m in (members if members is not None else visit.members.filter(is_active=True))
    ]
    problems = []
    if not rows:
        problems.append(_("No delegation members yet."))
    elif not any(row.member.role == DelegationMember.Role.HEAD for row in rows):
        problems.append(_("No head of delegation."))
    return VisitReadiness(rows, problems)


# Itinerary -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItineraryRow:
    item: ItineraryItem
    local_start: dt.datetime
    local_end: dt.datetime
    home_start: dt.datetime
    home_end: dt.datetime
    clashes: list[str]
    outside_visit: bool = False


def double_bookings(items: list[ItineraryItem]) -> dict[int, list[str]]:
    """For each item, the members booked elsewhere at an overlapping time (needs `attendees`)."""
    clashes: dict[int, list[str]] = defaultdict(list)
    by_member: dict[int, list[ItineraryItem]] = defaultdict(list)
    for item in items:
        for member in item.attendees.all():
            by_member[member.pk].append(item)
    for booked in by_member.values():
        booked.sort(key=lambda i: i.starts_at)
        for index, first in enumerate(booked):
            for second in booked[index + 1 :]:
                if second.starts_at >= first.ends_at:
                    break
                member = next(m for m in first.attendees.all() if m in second.attendees.all())
                clashes[first.pk].append(
                    _("%(name)s is also at “%(other)s”.")
                    % {"name": member.name, "other": second.title}
                )
                clashes[second.pk].append(
                    _("%(name)s is also at “%(other)s”.")
                    % {"name": member.name, "other": first.title}
                )
    return clashes


def itinerary_days(items: list[ItineraryItem]) -> list[tuple[dt.date, list[ItineraryRow]]]:
    """The itinerary grouped by local day, each item in its place's time with Pakistan time beside."""
    clashes = double_bookings(items)
    days: dict[dt.date, list[ItineraryRow]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i.starts_at):
        local_start, local_end = (
            item.starts_at.astimezone(item.zone),
            item.ends_at.astimezone(item.zone),
        )
        days[local_start.date()].append(
            ItineraryRow(
                item,
                local_start,
                local_end,
                item.starts_at.astimezone(HOME_ZONE),
                item.ends_at.astimezone(HOME_ZONE),
                clashes.get(item.pk, []),
                item.lies_outside_visit(),
            )
        )
    return sorted(days.items())


def itinerary_day_label(visit: Visit, day: dt.date) -> str:
    """The heading of a day of the itinerary: "Day 3" within the visit's dates (day 1 is the
    departure date), "Before the visit" or "After the visit" outside them."""
    number = visit.day_number(day)
    if number is not None:
        return _("Day %(n)s") % {"n": number}
    if visit.starts_on is not None and day < visit.starts_on:
        return _("Before the visit")
    if visit.ends_on is not None and day > visit.ends_on:
        return _("After the visit")
    return ""


# Budget --------------------------------------------------------------------------------------


def budget_totals(visit: Visit) -> dict[str, Decimal]:
    """The visit's budget lines summed in rupees: `estimated` and `actual` (0 when none)."""
    totals = BudgetLine.objects.filter(visit=visit).aggregate(
        estimated=Sum("estimated_pkr"), actual=Sum("actual_pkr")
    )
    return {key: value or Decimal("0") for key, value in totals.items()}


# iCalendar -----------------------------------------------------------------------------------


def visit_calendar(
    visit: Visit,
    items: list[ItineraryItem],
    *,
    member: DelegationMember | None = None,
    include_notes: bool = False,
) -> bytes:
    """The itinerary as an iCalendar file; each event keeps its place's time zone.

    Items' notes are internal: they go into the events only with `include_notes`.
    """
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Genomics Collaboration Portal//Delegations//EN")
    calendar.add("version", "2.0")
    calendar.add(
        "x-wr-calname", visit.title if member is None else f"{visit.title} — {member.name}"
    )
    for item in items:
        if member is not None and member not in item.attendees.all():
            continue
        event = Event()
        event.add("uid", f"itinerary-{item.pk}@genomics-portal")
        event.add("summary", item.title)
        event.add("dtstart", item.starts_at.astimezone(item.zone))
        event.add("dtend", item.ends_at.astimezone(item.zone))
        event.add("dtstamp", item.updated_at)
        if item.site is not None:
            event.add("location", f"{item.site.name}, {item.site.city}, {item.site.country}")
        description = "\n".join(
            part
            for part in (
                _("Outside the visit's dates") if item.lies_outside_visit() else "",
                item.get_kind_display(),
                item.counterparts,
                item.notes if include_notes else "",
            )
            if part
        )
        if description:
            event.add("description", description)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


# Each visit's status for the overview ----------------------------------------------------------

OPEN_VISIT_STATES = frozenset(
    {
        Visit.Status.PROPOSED,
        Visit.Status.INVITATION_RECEIVED,
        Visit.Status.APPROVED,
        Visit.Status.PREPARING,
        Visit.Status.IN_PROGRESS,
    }
)


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
        """Still ahead or under way (not completed, cancelled or closed)."""
        return self.state in OPEN_VISIT_STATES


# How far ahead a visit counts as upcoming (the programme status lists those by default).
UPCOMING_VISIT_DAYS = 90


def current_visits(visits: QuerySet[Visit], today: dt.date) -> QuerySet[Visit]:
    """The visits under way or ahead: open (`OPEN_VISIT_STATES`), not ended before `today`,
    departing within `UPCOMING_VISIT_DAYS` (undated ones count as ahead)."""
    horizon = today + dt.timedelta(days=UPCOMING_VISIT_DAYS)
    return visits.filter(
        Q(ends_on__gte=today) | Q(ends_on__isnull=True),
        Q(starts_on__lte=horizon) | Q(starts_on__isnull=True),
        status__in=OPEN_VISIT_STATES,
    )


def visit_statuses(
    *, viewer: User | Any, current_on: dt.date | None = None
) -> tuple[VisitStatus, ...]:
    """Every unarchived visit the viewer may see (with `current_on`, only those under way or
    ahead on that day: `current_visits`), by departure, with its readiness in counts (a fixed
    number of queries)."""
    shown: QuerySet[Visit] = Visit.objects.visible_to(viewer).active()
    if current_on is not None:
        shown = current_visits(shown, current_on)
    visits = (
        shown.annotate(
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


# Who may see a visit's dated records (the scopes of the visits' reminder kinds) ----------------


def _visits_with_internals_visible_to(viewer: User | Any) -> QuerySet[Visit]:
    if not policies.can_view_visit_internals(viewer):
        return Visit.objects.none()
    return Visit.objects.visible_to(viewer)


def logistics_tasks_visible_to(viewer: User | Any) -> QuerySet[LogisticsTask]:
    """Checklist tasks the viewer may see: the visit's internals, so internal people only."""
    return scope_through(
        LogisticsTask.objects.all(), "visit", _visits_with_internals_visible_to(viewer)
    )


def members_visible_to(viewer: User | Any) -> QuerySet[DelegationMember]:
    """Delegation members (their visa, passport) the viewer may see: internal people only."""
    return scope_through(
        DelegationMember.objects.all(), "visit", _visits_with_internals_visible_to(viewer)
    )
