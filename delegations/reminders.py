"""Visits feed the reminder engine: checklist tasks, and members still without a visa."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.reminders import DueItem, ReminderKind, object_key, register

from .models import DelegationMember, LogisticsTask, Visit
from .selectors import logistics_tasks_visible_to, members_visible_to

# Before departure: the visit is still being prepared.
PRE_DEPARTURE_STATUSES = (
    Visit.Status.PROPOSED,
    Visit.Status.INVITATION_RECEIVED,
    Visit.Status.APPROVED,
    Visit.Status.PREPARING,
)
LIVE_STATUSES = (*PRE_DEPARTURE_STATUSES, Visit.Status.IN_PROGRESS, Visit.Status.COMPLETED)


def due_logistics_tasks(until: date) -> Iterator[DueItem]:
    """Checklist tasks not done, with a due date, of live, unarchived visits. A task nobody
    owns is still listed (dashboards show it; nobody is reminded, its officer hears once it
    is overdue)."""
    tasks = (
        LogisticsTask.objects.due_by(until)
        .filter(visit__in=Visit.objects.active().filter(status__in=LIVE_STATUSES))
        .select_related("owner", "visit__responsible_officer")
        .order_by("due_on", "pk")
    )
    for task in tasks:
        if task.due_on is None:
            continue  # excluded by the query; narrows the type
        officer = task.visit.responsible_officer
        yield DueItem(
            object_key=object_key(task),
            title=f"{task.title} — {task.visit.title}",
            due_on=task.due_on,
            recipients=[task.owner] if task.owner is not None else [],
            url=reverse("delegations:visit-logistics", args=[task.visit_id]),
            leads=[officer] if officer is not None and officer.pk != task.owner_id else [],
        )


def missing_visas(until: date) -> Iterator[DueItem]:
    """Active members with no visa issued yet, due by the departure date of a visit not yet
    left. A visa issued on a future date is expected, not done (`DelegationMember.readiness_of`):
    its item carries that date as `done_on`, and reminders go on until the day comes.

    The visit's responsible officer and the member (when they have a login) are reminded.
    """
    members = (
        DelegationMember.objects.filter(
            # Not issued, or issued on a day that may still lie ahead of the caller's today (at
            # most a year before `until`); `done_on` then decides for each day.
            Q(visa_issued_on__isnull=True) | Q(visa_issued_on__gt=until - timedelta(days=366)),
            is_active=True,
            visit__in=Visit.objects.active().filter(
                starts_on__lte=until, status__in=PRE_DEPARTURE_STATUSES
            ),
        )
        .select_related("user", "visit__responsible_officer")
        .order_by("visit__starts_on", "pk")
    )
    for member in members:
        visit = member.visit
        if visit.starts_on is None:
            continue  # excluded by the query; narrows the type
        recipients = [u for u in (visit.responsible_officer, member.user) if u is not None]
        yield DueItem(
            object_key=object_key(member, "visa"),
            title=_("Visa for %(name)s — %(visit)s") % {"name": member.name, "visit": visit.title},
            due_on=visit.starts_on,
            recipients=list(dict.fromkeys(recipients)),
            url=reverse("delegations:visit-members", args=[visit.pk]),
            done_on=member.visa_issued_on,
        )


register(
    ReminderKind(
        code="visit_task_due",
        label=_("Visit checklist tasks"),
        description=_("Logistics tasks you own for a visit."),
        find=due_logistics_tasks,
        visible=logistics_tasks_visible_to,
    )
)
register(
    ReminderKind(
        code="visit_visa_missing",
        label=_("Missing visas before departure"),
        description=_("Delegation members without a visa as the departure date nears."),
        find=missing_visas,
        visible=members_visible_to,
        offsets_days=(21, 14, 7, 3, 1, 0),
        overdue_every_days=0,
        escalate_after_days=None,
    )
)
