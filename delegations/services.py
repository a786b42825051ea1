"""Every write of the delegations app. Keyword-only, typed, atomic; the actor is explicit."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration import policies as collab_policies
from collaboration.models import Programme
from collaboration.services import (
    ActionItemData,
    RecommendationData,
    action_item_create,
    recommendation_create,
)
from events.outbox import emit
from portal.exceptions import Conflict, StaleVersion, TransitionNotAllowed
from portal.formatting import format_date
from portal.freshness import tables_changed
from portal.recording import require as _require
from portal.recording import save_recorded as _save
from portal.uploads import validate_pdf

from . import policies
from .models import (
    BudgetLine,
    DelegationMember,
    Finding,
    ItineraryItem,
    LogisticsTask,
    Site,
    TripReport,
    TripReportAttachment,
    Visit,
    VisitObjective,
)
from .workflows import TRANSITIONS_WITH_DATA, VISIT_FLOW

if TYPE_CHECKING:
    from collaboration.models import PriorityArea, Recommendation
    from portal.models import User


def _require_manager(actor: User | None, visit: Visit | None = None) -> None:
    """Ministry staff only; seeding and demo data write with no actor."""
    if actor is not None:
        _require(policies.can_manage_visit(actor, visit))


def _lock_visit(visit: Visit, expected_version: int | None) -> Visit:
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(current=locked.version)
    return locked


def _bump(visit: Visit, actor: User | None) -> None:
    """Any change inside a visit changes the visit's ETag, so readers notice."""
    Visit.objects.filter(pk=visit.pk).update(
        version=models.F("version") + 1, updated_at=timezone.now()
    )
    tables_changed(Visit)  # an update() sends no model signal


# Sites ---------------------------------------------------------------------------------------


@transaction.atomic
def site_ensure(
    *, name: str, city: str, actor: User | None, timezone_name: str = "Asia/Shanghai",
    country: str = "China", organisation: str = "BGI Group", address: str = "",
    description: str = "", capabilities: list[Any] | None = None,
) -> Site:  # fmt: skip
    """The site with this name, created if missing."""
    existing = Site.objects.filter(name=name).first()
    if existing is not None:
        return existing
    _require_manager(actor)
    site = Site(name=name, city=city, country=country, organisation=organisation,
                address=address, timezone=timezone_name, description=description)  # fmt: skip
    _save(site, actor)
    site.capabilities.set(capabilities or [])
    return site


# Visits --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitData:
    title: str
    purpose: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    destination: str = "Shenzhen, China"
    responsible_officer: User | None = None
    internal_notes: str = ""
    official_reference: str = ""


_VISIT_FIELDS = ("title", "purpose", "starts_on", "ends_on", "destination", "responsible_officer",
                 "internal_notes", "official_reference")  # fmt: skip


def _check_visit_dates(data: VisitData) -> None:
    """The return date is not before the departure date (pages and API alike)."""
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise ValidationError(
            {"ends_on": _("The return date cannot be before the departure date.")}
        )


@transaction.atomic
def visit_create(*, programme: Programme, actor: User, data: VisitData) -> Visit:
    """Ministry staff propose a visit."""
    _require(policies.can_manage_visit(actor))
    _check_visit_dates(data)
    visit = Visit(programme=programme, created_by=actor)
    for name in _VISIT_FIELDS:
        setattr(visit, name, getattr(data, name))
    _save(visit, actor)
    return visit


@transaction.atomic
def visit_update(*, visit: Visit, actor: User, expected_version: int, data: VisitData) -> Visit:
    """Ministry staff edit a visit on the version they saw; a closed or cancelled one cannot change."""
    _require(policies.can_manage_visit(actor, visit))
    _check_visit_dates(data)
    locked = _lock_visit(visit, expected_version)
    if locked.status in (Visit.Status.CLOSED, Visit.Status.CANCELLED):
        raise Conflict(_("A closed or cancelled visit cannot change."))
    for name in _VISIT_FIELDS:
        setattr(locked, name, getattr(data, name))
    locked.version += 1
    _save(locked, actor, [*_VISIT_FIELDS, "version", "updated_at"])
    return locked


@transaction.atomic
def visit_share_with_bgi(*, visit: Visit, actor: User, shared: bool) -> Visit:
    """Share (or stop sharing) the visit's itinerary and objectives with BGI's liaison."""
    _require(policies.can_manage_visit(actor, visit))
    locked = _lock_visit(visit, None)
    locked.is_shared_with_bgi = shared
    locked.version += 1
    _save(locked, actor, ["is_shared_with_bgi", "version", "updated_at"])
    return locked


@transaction.atomic
def visit_record_invitation(
    *, visit: Visit, actor: User, letter: Any, received_on: dt.date, reference: str = "",
    expected_version: int | None = None,
) -> Visit:  # fmt: skip
    """Store BGI's invitation letter (a PDF, checked by content and size) and move the visit.

    The step is taken first, so a refused step stores no file.
    """
    _require(policies.can_manage_visit(actor, visit))
    validate_pdf(letter, field="invitation_letter")
    moved: Visit = VISIT_FLOW.apply(
        visit, "record_invitation", actor=actor, expected_version=expected_version,
        comment=_("Invitation %(ref)s received on %(day)s.") % {"ref": reference, "day": format_date(received_on)},
    )  # fmt: skip
    moved.invitation_received_on = received_on
    moved.invitation_reference = reference
    moved.invitation_letter.save(letter.name or "invitation.pdf", letter, save=False)
    _save(moved, actor, ["invitation_letter", "invitation_received_on", "invitation_reference",
                         "updated_at"])  # fmt: skip
    return moved


@transaction.atomic
def visit_transition(
    *, visit: Visit, name: str, actor: User, comment: str = "", expected_version: int | None = None,
    travel_approval_reference: str = "",
) -> Visit:  # fmt: skip
    """Move a visit through its workflow (VISIT_FLOW). Approval needs the travel reference."""
    if name in TRANSITIONS_WITH_DATA:
        raise TransitionNotAllowed(
            _("“%(name)s” has its own form: it needs more than a comment.") % {"name": name},
            code="transition_needs_data",
        )
    if name == "approve":
        step = VISIT_FLOW.get(name)
        if not step.allowed(actor, visit):
            raise PermissionDenied
        reference = travel_approval_reference.strip()
        if not reference:
            raise ValidationError(
                {"travel_approval_reference": _("Give the government travel approval reference.")}
            )
        locked = _lock_visit(visit, expected_version)
        if step.allowed(actor, locked) and locked.status in step.source:
            locked.travel_approval_reference = reference
            _save(locked, actor, ["travel_approval_reference", "updated_at"])
        visit = locked
    moved: Visit = VISIT_FLOW.apply(
        visit, name, actor=actor, comment=comment, expected_version=expected_version
    )
    return moved


# Members and readiness ----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberData:
    name: str = ""
    user: User | None = None
    organisation: str = ""
    title: str = ""
    email: str = ""
    role: str = DelegationMember.Role.MEMBER
    passport_expires_on: dt.date | None = None
    visa_applied_on: dt.date | None = None
    visa_issued_on: dt.date | None = None
    travel_approval_on: dt.date | None = None
    tickets_issued_on: dt.date | None = None
    insurance_on: dt.date | None = None


_MEMBER_FIELDS = ("user", "name", "organisation", "title", "email", "role", "passport_expires_on",
                  "visa_applied_on", "visa_issued_on", "travel_approval_on", "tickets_issued_on",
                  "insurance_on")  # fmt: skip


def _member_fill(member: DelegationMember, data: MemberData) -> None:
    for name in _MEMBER_FIELDS:
        setattr(member, name, getattr(data, name))
    if data.user is not None:
        member.name = member.name or data.user.display_name
        member.email = member.email or data.user.email
        member.title = member.title or data.user.title
        member.organisation = member.organisation or data.user.get_organisation_display()
    if not member.name:
        raise ValidationError({"name": _("Give the member's name, or choose a portal user.")})
    if (
        member.visa_issued_on
        and member.visa_applied_on
        and member.visa_issued_on < member.visa_applied_on
    ):
        raise ValidationError(
            {"visa_issued_on": _("The visa cannot be issued before it was applied for.")}
        )


def _check_one_head(visit: Visit, member: DelegationMember) -> None:
    if member.role != DelegationMember.Role.HEAD:
        return
    others = visit.members.filter(role=DelegationMember.Role.HEAD, is_active=True).exclude(
        pk=member.pk
    )
    if others.exists():
        raise Conflict(_("The delegation already has a head: change that member's role first."))


@transaction.atomic
def member_add(*, visit: Visit, actor: User | None, data: MemberData) -> DelegationMember:
    """Add a ministry or NIH user, or an external person without a login, to the delegation."""
    _require_manager(actor, visit)
    if data.user is not None and visit.members.filter(user=data.user, is_active=True).exists():
        raise Conflict(_("%(name)s is already in the delegation.") % {"name": data.user})
    member = DelegationMember(visit=visit)
    _member_fill(member, data)
    _check_one_head(visit, member)
    _save(member, actor)
    _bump(visit, actor)
    return member


@transaction.atomic
def member_update(*, member: DelegationMember, actor: User, data: MemberData) -> DelegationMember:
    """Update a member's role and readiness dates."""
    _require(policies.can_manage_visit(actor, member.visit))
    locked = DelegationMember.objects.select_for_update().get(pk=member.pk)
    blocking_before = _blocking_departure(locked)
    _member_fill(locked, data)
    _check_one_head(locked.visit, locked)
    _save(locked, actor, [*_MEMBER_FIELDS, "updated_at"])
    _bump(locked.visit, actor)
    blocking = _blocking_departure(locked)
    if blocking and blocking != blocking_before:
        emit(
            type="visit.readiness_blocking",
            subject=locked.visit,
            actor=actor,
            payload={"member_id": locked.pk, "member": locked.name, "blockers": blocking},
        )
    return locked


#: How close to departure an unready member is news (the readiness panel shows it all along).
READINESS_WARNING_DAYS = 14


def _blocking_departure(member: DelegationMember) -> list[str]:
    """The checks a member has not done while departure is near (empty otherwise)."""
    from .selectors import member_readiness

    visit = member.visit
    if visit.starts_on is None or not member.is_active:
        return []
    days_left = (visit.starts_on - timezone.localdate()).days
    if not 0 <= days_left <= READINESS_WARNING_DAYS:
        return []
    return [check.key for check in member_readiness(member, visit).blockers]


@transaction.atomic
def member_remove(*, member: DelegationMember, actor: User) -> DelegationMember:
    """Take a member off the delegation (the row stays as a record)."""
    _require(policies.can_manage_visit(actor, member.visit))
    locked = DelegationMember.objects.select_for_update().get(pk=member.pk)
    locked.is_active = False
    _save(locked, actor, ["is_active", "updated_at"])
    _bump(locked.visit, actor)
    return locked


# Objectives and itinerary -------------------------------------------------------------------


@transaction.atomic
def objective_add(
    *, visit: Visit, actor: User | None, priority_area: PriorityArea, text: str,
    recommendation: Recommendation | None = None,
) -> VisitObjective:  # fmt: skip
    """Ministry staff add an objective in a priority area, perhaps serving a recommendation."""
    _require_manager(actor, visit)
    if (
        recommendation is not None
        and not recommendation.priority_areas.filter(pk=priority_area.pk).exists()
    ):
        raise ValidationError(
            {"recommendation": _("That recommendation is not about the chosen priority area.")}
        )
    objective = VisitObjective(visit=visit, priority_area=priority_area, text=text,
                               recommendation=recommendation, position=visit.objectives.count())  # fmt: skip
    _save(objective, actor)
    _bump(visit, actor)
    return objective


@dataclass(frozen=True)
class ItineraryData:
    """An itinerary entry; `starts`/`ends` are wall-clock times in `timezone_name`."""

    title: str
    starts: dt.datetime
    ends: dt.datetime
    timezone_name: str = ""
    site: Site | None = None
    kind: str = ItineraryItem.Kind.MEETING
    counterparts: str = ""
    notes: str = ""
    attendees: list[DelegationMember] = field(default_factory=list)
    # Said on purpose for an entry before departure or after return; refused without it.
    is_outside_visit: bool = False


def _aware(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    if timezone.is_aware(moment):
        return moment.astimezone(zone)
    return moment.replace(tzinfo=zone)


def _fill_item(item: ItineraryItem, visit: Visit, data: ItineraryData) -> None:
    zone_name = data.timezone_name or (data.site.timezone if data.site else "Asia/Shanghai")
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError({"timezone": _("Unknown time zone.")}) from None
    item.title, item.kind, item.site = data.title, data.kind, data.site
    item.timezone = zone_name
    item.starts_at = _aware(data.starts, zone).astimezone(dt.UTC)
    item.ends_at = _aware(data.ends, zone).astimezone(dt.UTC)
    item.counterparts, item.notes = data.counterparts, data.notes
    if item.ends_at <= item.starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    outside = visit.lies_outside(*item.local_days)
    if outside and not data.is_outside_visit:
        raise ValidationError(
            {
                "starts_at": _(
                    "This entry falls outside the visit's dates (%(starts)s to %(ends)s). "
                    "Change its times, or mark it as outside the visit."
                )
                % {
                    "starts": visit.starts_on.isoformat() if visit.starts_on else "…",
                    "ends": visit.ends_on.isoformat() if visit.ends_on else "…",
                }
            }
        )
    # The mark is kept only while it is true: an entry inside the visit is not marked.
    item.is_outside_visit = outside
    foreign = [m for m in data.attendees if m.visit_id != visit.pk]
    if foreign:
        raise ValidationError({"attendees": _("Attendees must be members of this delegation.")})


@transaction.atomic
def itinerary_item_add(*, visit: Visit, actor: User | None, data: ItineraryData) -> ItineraryItem:
    """Add an itinerary entry in its place's own time zone (stored in UTC)."""
    _require_manager(actor, visit)
    item = ItineraryItem(visit=visit)
    _fill_item(item, visit, data)
    _save(item, actor)
    item.attendees.set(data.attendees)
    _bump(visit, actor)
    return item


@transaction.atomic
def itinerary_item_update(
    *, item: ItineraryItem, actor: User, expected_version: int, data: ItineraryData
) -> ItineraryItem:
    """Ministry staff edit an itinerary entry on the version they saw."""
    _require(policies.can_manage_visit(actor, item.visit))
    locked = ItineraryItem.objects.select_for_update().get(pk=item.pk)
    if locked.version != expected_version:
        raise StaleVersion(current=locked.version)
    _fill_item(locked, locked.visit, data)
    locked.version += 1
    _save(locked, actor)
    locked.attendees.set(data.attendees)
    _bump(locked.visit, actor)
    return locked


@transaction.atomic
def itinerary_item_remove(*, item: ItineraryItem, actor: User) -> None:
    """Take an entry out of the plan: it is archived, not erased, and its history stays."""
    _require(policies.can_manage_visit(actor, item.visit))
    locked = ItineraryItem.objects.select_for_update().get(pk=item.pk)
    if locked.is_archived:
        return
    locked.archived_at = timezone.now()
    _save(locked, actor, ["archived_at", "updated_at"])
    _bump(locked.visit, actor)


# Logistics and budget -----------------------------------------------------------------------


@transaction.atomic
def logistics_task_add(
    *, visit: Visit, actor: User | None, title: str, owner: User | None = None,
    due_on: dt.date | None = None,
) -> LogisticsTask:  # fmt: skip
    """Ministry staff add a task to the visit's logistics checklist."""
    _require_manager(actor, visit)
    task = LogisticsTask(visit=visit, title=title, owner=owner, due_on=due_on)
    _save(task, actor)
    _bump(visit, actor)
    return task


@transaction.atomic
def logistics_task_set_done(
    *, task: LogisticsTask, actor: User | None, done: bool, done_on: dt.date | None = None
) -> LogisticsTask:
    """Ministry staff mark a checklist task done (today, unless `done_on` says) or open again."""
    _require_manager(actor, task.visit)
    locked = LogisticsTask.objects.select_for_update().get(pk=task.pk)
    locked.done_on = (done_on or timezone.localdate()) if done else None
    _save(locked, actor, ["done_on", "updated_at"])
    _bump(locked.visit, actor)
    return locked


@transaction.atomic
def budget_line_add(
    *, visit: Visit, actor: User | None, category: str, estimated_pkr: Decimal,
    description: str = "", actual_pkr: Decimal | None = None,
) -> BudgetLine:  # fmt: skip
    """Ministry staff add an estimated (and perhaps actual) cost to the visit's budget."""
    _require_manager(actor, visit)
    line = BudgetLine(visit=visit, category=category, description=description,
                      estimated_pkr=estimated_pkr, actual_pkr=actual_pkr)  # fmt: skip
    _save(line, actor)
    _bump(visit, actor)
    return line


@transaction.atomic
def budget_line_update(
    *, line: BudgetLine, actor: User, category: str, estimated_pkr: Decimal, description: str = "",
    actual_pkr: Decimal | None = None,
) -> BudgetLine:  # fmt: skip
    """Ministry staff correct a budget line or record its actual cost."""
    _require(policies.can_manage_visit(actor, line.visit))
    locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
    locked.category, locked.description = category, description
    locked.estimated_pkr, locked.actual_pkr = estimated_pkr, actual_pkr
    _save(locked, actor, ["category", "description", "estimated_pkr", "actual_pkr", "updated_at"])
    _bump(locked.visit, actor)
    return locked


# The trip report ----------------------------------------------------------------------------


def _report_for(visit: Visit, actor: User | None) -> TripReport:
    report = TripReport.objects.filter(visit=visit).first()
    if report is None:
        report = TripReport(visit=visit)
        _save(report, actor)
    return report


def trip_report_is_open(visit: Visit) -> bool:
    """The report is written during or after the visit, until it is submitted."""
    return visit.status in (Visit.Status.IN_PROGRESS, Visit.Status.COMPLETED)


def _report_open(visit: Visit) -> None:
    if not trip_report_is_open(visit):
        raise Conflict(
            _("The trip report is written during or after the visit, before it is submitted.")
        )


@transaction.atomic
def trip_report_save(
    *, visit: Visit, actor: User, summary: str, expected_version: int | None = None
) -> TripReport:
    """Write the report's summary while the report is open, on the version the writer saw."""
    _require(policies.can_write_findings(actor, visit))
    _report_open(visit)
    report = _report_for(visit, actor)
    locked = TripReport.objects.select_for_update().get(pk=report.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(current=locked.version)
    locked.summary = summary
    locked.version += 1
    _save(locked, actor, ["summary", "version", "updated_at"])
    return locked


@dataclass(frozen=True)
class FindingData:
    text: str
    objective: VisitObjective | None = None
    follow_up: str = Finding.FollowUp.NONE
    follow_up_owner: User | None = None
    follow_up_due_on: dt.date | None = None


@transaction.atomic
def finding_add(*, visit: Visit, actor: User, data: FindingData) -> Finding:
    """A finding of the trip report, optionally marked to become an action item or a draft."""
    _require(policies.can_write_findings(actor, visit))
    _report_open(visit)
    if data.objective is not None and data.objective.visit_id != visit.pk:
        raise ValidationError({"objective": _("That objective belongs to another visit.")})
    if data.follow_up == Finding.FollowUp.ACTION_ITEM and not (
        data.follow_up_owner and data.follow_up_due_on
    ):
        raise ValidationError(
            {"follow_up_owner": _("An action item needs an owner and a due date.")}
        )
    if data.follow_up == Finding.FollowUp.RECOMMENDATION:
        # Submitting the report drafts it in the owner's name, under the objective's area.
        if data.objective is None:
            raise ValidationError(
                {"objective": _("A draft recommendation needs the objective it serves.")}
            )
        if data.follow_up_owner is None or not collab_policies.can_create_recommendation(
            data.follow_up_owner
        ):
            raise ValidationError(
                {"follow_up_owner": _("A draft recommendation needs an NIH team member as owner.")}
            )
    finding = Finding(report=_report_for(visit, actor), objective=data.objective, text=data.text,
                      follow_up=data.follow_up, follow_up_owner=data.follow_up_owner,
                      follow_up_due_on=data.follow_up_due_on, author=actor)  # fmt: skip
    _save(finding, actor)
    return finding


@transaction.atomic
def trip_report_attach(
    *, visit: Visit, actor: User, title: str, upload: Any
) -> TripReportAttachment:
    """Attach a PDF to the trip report while it is open."""
    _require(policies.can_write_findings(actor, visit))
    _report_open(visit)
    validate_pdf(upload, field="file")
    attachment = TripReportAttachment(
        report=_report_for(visit, actor), title=title, uploaded_by=actor
    )
    attachment.file.save(upload.name or "attachment.pdf", upload, save=False)
    _save(attachment, actor)
    return attachment


@transaction.atomic
def trip_report_submit(
    *, visit: Visit, actor: User, comment: str = "", expected_version: int | None = None
) -> Visit:
    """Submit the report: findings marked for follow-up become action items or draft
    recommendations linked back to the finding, then the visit moves to report_submitted."""
    _require(policies.can_submit_report(actor, visit))
    report = _report_for(visit, actor)
    if not report.summary.strip():
        raise ValidationError({"summary": _("Write the report's summary before submitting it.")})
    moved: Visit = VISIT_FLOW.apply(
        visit, "submit_report", actor=actor, comment=comment, expected_version=expected_version
    )
    for finding in report.findings.select_for_update(of=("self",)).select_related(
        "objective__priority_area"
    ):
        _create_follow_up(finding, visit, actor)
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    _save(report, actor, ["submitted_at", "submitted_by", "updated_at"])
    return moved


def _create_follow_up(finding: Finding, visit: Visit, actor: User) -> None:
    if finding.follow_up == Finding.FollowUp.ACTION_ITEM and finding.action_item_id is None:
        finding.action_item = action_item_create(
            programme=visit.programme, actor=None,
            data=ActionItemData(
                title=finding.text[:300], owner=finding.follow_up_owner,  # type: ignore[arg-type]
                due_on=finding.follow_up_due_on,  # type: ignore[arg-type]
                description=_("From the trip report of “%(visit)s”.") % {"visit": visit.title},
                linked_record=visit,
            ),
        )  # fmt: skip
        _save(finding, actor, ["action_item", "updated_at"])
    elif finding.follow_up == Finding.FollowUp.RECOMMENDATION and finding.recommendation_id is None:
        areas = [finding.objective.priority_area] if finding.objective else []
        if not areas or finding.follow_up_owner is None:
            return
        finding.recommendation = recommendation_create(
            programme=visit.programme, actor=finding.follow_up_owner,
            data=RecommendationData(
                title=finding.text[:300], summary=finding.text,
                rationale=_("Finding of the delegation's visit “%(visit)s”.") % {"visit": visit.title},
                priority_areas=areas,
            ),
        )  # fmt: skip
        _save(finding, actor, ["recommendation", "updated_at"])
