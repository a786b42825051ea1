"""Every write of the collaboration app: programme data, team, recommendations, meetings,
action items. Keyword-only, typed, atomic; each takes the acting user explicitly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.outbox import emit
from portal.exceptions import Conflict, StaleVersion
from portal.recording import save_recorded as _save

from . import policies
from .models import (
    ActionItem,
    Capability,
    Decision,
    Indicator,
    IndicatorValue,
    Meeting,
    Objective,
    PriorityArea,
    Programme,
    Recommendation,
    RecommendationComment,
    RecommendationVersion,
    TeamMembership,
    TechnicalTeam,
)
from .workflows import ACTION_ITEM_FLOW, PRIORITY_AREA_FLOW, RECOMMENDATION_FLOW

if TYPE_CHECKING:
    from portal.models import User


def _lock(obj: Any, expected_version: int | None) -> Any:
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(current=locked.version)
    return locked


# Programme, priority areas, objectives, indicators -----------------------------------------


@transaction.atomic
def programme_ensure(
    *, name: str, actor: User | None, description: str = "", started_on: date | None = None,
    cooperation_framework: str = "", partner: str = "BGI Group",
) -> Programme:  # fmt: skip
    """The programme with this name, created if missing (an existing one is left as it is)."""
    existing = Programme.objects.filter(name=name).first()
    if existing is not None:
        return existing
    programme = Programme(
        name=name,
        partner=partner,
        description=description,
        started_on=started_on,
        cooperation_framework=cooperation_framework,
    )
    _save(programme, actor)
    return programme


@transaction.atomic
def priority_area_create(
    *, programme: Programme, name: str, actor: User | None, summary: str = "",
    lead: User | None = None, slug: str = "", position: int = 0,
    status: str = PriorityArea.Status.ACTIVE,
) -> PriorityArea:  # fmt: skip
    """Add a priority area to the programme (who manages the programme)."""
    if actor is not None and not policies.can_manage_programme(actor):
        raise PermissionDenied
    area = PriorityArea(
        programme=programme,
        name=name,
        slug=slug or slugify(name)[:80],
        summary=summary,
        lead=lead,
        position=position,
        status=status,
    )
    _save(area, actor)
    return area


@transaction.atomic
def priority_area_update(
    *, area: PriorityArea, actor: User, name: str, summary: str, lead: User | None
) -> PriorityArea:
    """Edit a priority area's name, summary and lead (its status moves by transitions)."""
    if not policies.can_manage_programme(actor):
        raise PermissionDenied
    locked = _lock(area, None)
    locked.name, locked.summary, locked.lead = name, summary, lead
    _save(locked, actor, ["name", "summary", "lead", "updated_at"])
    return locked


@transaction.atomic
def priority_area_transition(
    *, area: PriorityArea, name: str, actor: User | None, comment: str = ""
) -> PriorityArea:
    """Activate, pause, resume or complete a priority area (PRIORITY_AREA_FLOW)."""
    moved: PriorityArea = PRIORITY_AREA_FLOW.apply(area, name, actor=actor, comment=comment)
    return moved


@transaction.atomic
def objective_create(
    *, priority_area: PriorityArea, title: str, actor: User | None, description: str = ""
) -> Objective:
    """Add an objective at the end of a priority area's list (who manages the programme)."""
    if actor is not None and not policies.can_manage_programme(actor):
        raise PermissionDenied
    position = priority_area.objectives.count()
    objective = Objective(
        priority_area=priority_area, title=title, description=description, position=position
    )
    _save(objective, actor)
    return objective


@transaction.atomic
def indicator_create(
    *, objective: Objective, name: str, unit: str, baseline: Decimal, target: Decimal,
    actor: User | None, direction: str = Indicator.Direction.INCREASE,
) -> Indicator:  # fmt: skip
    """Add an indicator; its target differs from the baseline in its direction."""
    if actor is not None and not policies.can_manage_programme(actor):
        raise PermissionDenied
    if baseline == target:
        raise ValidationError({"target": _("The target must differ from the baseline.")})
    if (direction == Indicator.Direction.INCREASE) != (target > baseline):
        raise ValidationError(
            {"direction": _("The direction does not match a move from baseline to target.")}
        )
    indicator = Indicator(
        objective=objective,
        name=name,
        unit=unit,
        baseline=baseline,
        target=target,
        direction=direction,
    )
    _save(indicator, actor)
    return indicator


@transaction.atomic
def indicator_value_record(
    *, indicator: Indicator, period: str, period_end_on: date, actual: Decimal,
    actor: User | None, note: str = "", evidence_url: str = "",
) -> IndicatorValue:  # fmt: skip
    """Record (or correct) the value of an indicator for a reporting period."""
    area = indicator.objective.priority_area
    if actor is not None and not policies.can_record_indicator_value(actor, area):
        raise PermissionDenied
    value = IndicatorValue.objects.filter(indicator=indicator, period=period).first()
    if value is None:
        value = IndicatorValue(indicator=indicator, period=period)
    value.period_end_on = period_end_on
    value.actual = actual
    value.note = note
    value.evidence_url = evidence_url
    value.recorded_by = actor
    _save(value, actor)
    return value


@transaction.atomic
def capability_create(
    *, name: str, category: str, actor: User | None, description: str = "",
    priority_areas: list[PriorityArea] | None = None,
) -> Capability:  # fmt: skip
    """Add a BGI capability to the catalogue, with the priority areas it serves."""
    if actor is not None and not policies.can_manage_programme(actor):
        raise PermissionDenied
    capability = Capability(name=name, category=category, description=description)
    _save(capability, actor)
    capability.priority_areas.set(priority_areas or [])
    return capability


# The technical team -------------------------------------------------------------------------


@transaction.atomic
def team_ensure(
    *, programme: Programme, name: str, actor: User | None, terms_of_reference: str = ""
) -> TechnicalTeam:
    """The programme's technical team, created if missing (an existing one is left as it is)."""
    existing = TechnicalTeam.objects.filter(programme=programme).first()
    if existing is not None:
        return existing
    team = TechnicalTeam(programme=programme, name=name, terms_of_reference=terms_of_reference)
    _save(team, actor)
    return team


@transaction.atomic
def team_update(
    *, team: TechnicalTeam, actor: User, expected_version: int, name: str,
    terms_of_reference: str,
) -> TechnicalTeam:  # fmt: skip
    """The NIH lead edits the team's name and terms of reference."""
    if not policies.can_manage_team(actor):
        raise PermissionDenied
    locked = _lock(team, expected_version)
    locked.name, locked.terms_of_reference = name, terms_of_reference
    locked.version += 1
    _save(locked, actor, ["name", "terms_of_reference", "version", "updated_at"])
    return locked


@transaction.atomic
def team_member_add(
    *, team: TechnicalTeam, user: User, actor: User | None, role: str = TeamMembership.Role.EXPERT,
    expertise: str = "", started_on: date | None = None,
) -> TeamMembership:  # fmt: skip
    """Put an NIH person on the team from a date; one open membership per person."""
    if actor is not None and not policies.can_manage_team(actor):
        raise PermissionDenied
    from portal import policies as roles

    if not roles.is_nih(user):
        raise ValidationError({"user": _("Only NIH experts and the NIH lead join the team.")})
    if team.memberships.filter(user=user, ended_on__isnull=True).exists():
        raise Conflict(_("%(name)s is already on the team.") % {"name": user})
    membership = TeamMembership(
        team=team,
        user=user,
        role=role,
        expertise=expertise,
        started_on=started_on or timezone.localdate(),
    )
    _save(membership, actor)
    return membership


@transaction.atomic
def team_member_end(
    *, membership: TeamMembership, actor: User, ended_on: date | None = None
) -> TeamMembership:
    """End a membership on a date (the row stays as the record of who served when)."""
    if not policies.can_manage_team(actor):
        raise PermissionDenied
    locked = _lock(membership, None)
    if locked.ended_on is not None:
        raise Conflict(_("This membership has already ended."))
    locked.ended_on = ended_on or timezone.localdate()
    if locked.ended_on < locked.started_on:
        raise ValidationError({"ended_on": _("The end date is before the start date.")})
    _save(locked, actor, ["ended_on", "updated_at"])
    return locked


def team_size_warning(team: TechnicalTeam) -> str:
    """A warning when the active team is outside two to three members, else ""."""
    size = team.memberships.current().count()
    if TechnicalTeam.MIN_MEMBERS <= size <= TechnicalTeam.MAX_MEMBERS:
        return ""
    return _(
        "The technical team should have two to three experts; it has %(n)s active member(s)."
    ) % {"n": size}


# Recommendations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationData:
    """The editable content of a recommendation."""

    title: str
    summary: str = ""
    body: str = ""
    rationale: str = ""
    expected_outcomes: str = ""
    timeline: str = ""
    risks: str = ""
    estimated_cost_pkr: Decimal | None = None
    priority_areas: list[PriorityArea] = field(default_factory=list)
    capabilities: list[Capability] = field(default_factory=list)


def _versioned_scalars() -> list[str]:
    """The versioned fields stored on the row itself (the rest are many-to-many lists)."""
    return [
        name
        for name in Recommendation.VERSIONED_FIELDS
        if not RecommendationVersion._meta.get_field(name).many_to_many
    ]


def _snapshot(recommendation: Recommendation, actor: User | None, note: str) -> None:
    version = RecommendationVersion.objects.create(
        recommendation=recommendation,
        number=recommendation.revision,
        created_by=actor,
        note=note,
        **{name: getattr(recommendation, name) for name in _versioned_scalars()},
    )
    for name in Recommendation.VERSIONED_FIELDS:
        if name not in _versioned_scalars():
            getattr(version, name).set(getattr(recommendation, name).all())


def _apply_data(recommendation: Recommendation, data: RecommendationData) -> None:
    for name in _versioned_scalars():
        setattr(recommendation, name, getattr(data, name))


def recommendation_programme(
    priority_areas: list[PriorityArea], named: Programme | None = None
) -> Programme:
    """The one rule for a recommendation's programme: the programme of its priority areas.

    There must be at least one area, all in one programme (and in `named`, when a caller
    that knows the programme, a visit's, names it); else a ValidationError on the areas.
    """
    if not priority_areas:
        raise ValidationError({"priority_areas": _("Choose at least one priority area.")})
    programme_ids = {area.programme_id for area in priority_areas}
    if len(programme_ids) > 1 or (named is not None and named.pk not in programme_ids):
        raise ValidationError(
            {"priority_areas": _("The priority areas must belong to one programme.")}
        )
    return named or priority_areas[0].programme


@transaction.atomic
def recommendation_create(
    *, actor: User, data: RecommendationData, co_authors: list[User] | None = None,
    programme: Programme | None = None,
) -> Recommendation:  # fmt: skip
    """A team member starts a draft; it is saved as version 1 with the author on it.

    Its programme is that of its priority areas (`recommendation_programme`).
    """
    if not policies.can_create_recommendation(actor):
        raise PermissionDenied
    programme = recommendation_programme(data.priority_areas, programme)
    recommendation = Recommendation(programme=programme, created_by=actor)
    _apply_data(recommendation, data)
    _save(recommendation, actor)
    recommendation.priority_areas.set(data.priority_areas)
    recommendation.capabilities.set(data.capabilities)
    recommendation.authors.set([actor, *(co_authors or [])])
    _snapshot(recommendation, actor, _("First draft"))
    return recommendation


@transaction.atomic
def recommendation_update(
    *, recommendation: Recommendation, actor: User, expected_version: int,
    data: RecommendationData, note: str,
) -> Recommendation:  # fmt: skip
    """A team member edits a draft (or a returned recommendation); refuses stale versions.

    The editor joins the authors, and the new text is kept as the next version with `note`,
    what changed (required: every version after the first says what it changed). The
    programme follows the priority areas (`recommendation_programme`).
    """
    if not policies.can_edit_recommendation(actor, recommendation):
        raise PermissionDenied
    locked = _lock(recommendation, expected_version)
    if not locked.is_editable:
        raise Conflict(_("Only drafts and recommendations returned for revision can be edited."))
    note = note.strip()
    if not note:
        raise ValidationError(
            {"note": _("Say what changed in this version, for example “costs updated”.")}
        )
    locked.programme = recommendation_programme(data.priority_areas)
    _apply_data(locked, data)
    locked.version += 1
    locked.revision += 1
    _save(
        locked,
        actor,
        [*_versioned_scalars(), "programme", "version", "revision", "updated_at"],
    )  # fmt: skip
    locked.priority_areas.set(data.priority_areas)
    locked.capabilities.set(data.capabilities)
    locked.authors.add(actor)
    _snapshot(locked, actor, note)
    return locked


@transaction.atomic
def recommendation_transition(
    *, recommendation: Recommendation, name: str, actor: User, comment: str = "",
    expected_version: int | None = None, official_reference: str = "",
) -> Recommendation:  # fmt: skip
    """Move a recommendation through its workflow (see RECOMMENDATION_FLOW).

    Submitting to the ministry may carry the ministry's file or diary number.
    """
    if recommendation.archived_at is not None:
        raise Conflict(_("An archived recommendation cannot change."))
    moved: Recommendation = RECOMMENDATION_FLOW.apply(
        recommendation, name, actor=actor, comment=comment, expected_version=expected_version
    )
    if official_reference and name in ("submit_to_ministry", "approve"):
        moved.official_reference = official_reference
        _save(moved, actor, ["official_reference", "updated_at"])
    return moved


@transaction.atomic
def recommendation_archive(
    *, recommendation: Recommendation, actor: User, expected_version: int | None = None
) -> Recommendation:
    """Archive instead of deleting: the record stays, out of the working lists."""
    if not policies.can_archive_recommendation(actor, recommendation):
        raise PermissionDenied
    locked = _lock(recommendation, expected_version)
    if locked.archived_at is not None:
        raise Conflict(_("This recommendation is already archived."))
    if locked.status in (Recommendation.Status.TEAM_REVIEW, Recommendation.Status.ENDORSED,
                         Recommendation.Status.SUBMITTED):  # fmt: skip
        raise Conflict(_("A recommendation under review or decision cannot be archived."))
    locked.archived_at = timezone.now()
    locked.version += 1
    _save(locked, actor, ["archived_at", "version", "updated_at"])
    return locked


@transaction.atomic
def recommendation_comment_add(
    *, recommendation: Recommendation, actor: User, body: str
) -> RecommendationComment:
    """Ministry staff or a team member comment on a recommendation; empty text is refused."""
    if not policies.can_comment_recommendation(actor, recommendation):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError({"body": _("Write a comment first.")})
    comment = RecommendationComment(recommendation=recommendation, author=actor, body=body)
    _save(comment, actor)
    emit(
        type="recommendation.commented",
        subject=recommendation,
        actor=actor,
        payload={"comment_id": comment.pk, "comment": body[:1000]},
    )
    return comment


# Meetings, decisions, action items ----------------------------------------------------------


@dataclass(frozen=True)
class MeetingData:
    """What a meeting records."""

    title: str
    held_at: datetime
    location: str = ""
    chair: str = ""
    minutes: str = ""
    external_attendees: str = ""
    official_reference: str = ""
    attendees: list[User] = field(default_factory=list)


_MEETING_FIELDS = ("title", "held_at", "location", "chair", "minutes", "external_attendees",
                   "official_reference")  # fmt: skip


@transaction.atomic
def meeting_create(*, programme: Programme, actor: User | None, data: MeetingData) -> Meeting:
    """Ministry staff record a meeting with its attendees."""
    if actor is not None and not policies.can_record_meeting(actor):
        raise PermissionDenied
    meeting = Meeting(programme=programme, created_by=actor)
    for name in _MEETING_FIELDS:
        setattr(meeting, name, getattr(data, name))
    _save(meeting, actor)
    meeting.attendees.set(data.attendees)
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, actor: User, expected_version: int, data: MeetingData
) -> Meeting:
    """Ministry staff edit a meeting; refuses stale versions."""
    if not policies.can_record_meeting(actor):
        raise PermissionDenied
    locked = _lock(meeting, expected_version)
    for name in _MEETING_FIELDS:
        setattr(locked, name, getattr(data, name))
    locked.version += 1
    _save(locked, actor, [*_MEETING_FIELDS, "version", "updated_at"])
    locked.attendees.set(data.attendees)
    return locked


@transaction.atomic
def decision_add(*, meeting: Meeting, text: str, actor: User | None) -> Decision:
    """Ministry staff record a decision at the end of a meeting's list."""
    if actor is not None and not policies.can_record_meeting(actor):
        raise PermissionDenied
    decision = Decision(meeting=meeting, text=text, position=meeting.decisions.count())
    _save(decision, actor)
    return decision


@dataclass(frozen=True)
class ActionItemData:
    """What an action item records."""

    title: str
    owner: User
    due_on: date
    description: str = ""
    meeting: Meeting | None = None
    decision: Decision | None = None
    linked_record: models.Model | None = None


def _set_link(item: ActionItem, record: models.Model | None) -> None:
    if record is None:
        item.linked_type, item.linked_id = None, None
    else:
        item.linked_type = ContentType.objects.get_for_model(record)
        item.linked_id = record.pk


@transaction.atomic
def action_item_create(
    *, programme: Programme, actor: User | None, data: ActionItemData
) -> ActionItem:
    """Ministry staff give someone a dated task, optionally from a meeting decision."""
    if actor is not None and not policies.can_manage_action_items(actor):
        raise PermissionDenied
    if (
        data.decision is not None
        and data.meeting is not None
        and data.decision.meeting_id != data.meeting.pk
    ):
        raise ValidationError({"decision": _("That decision belongs to another meeting.")})
    item = ActionItem(
        programme=programme,
        title=data.title,
        description=data.description,
        owner=data.owner,
        due_on=data.due_on,
        meeting=data.meeting or (data.decision.meeting if data.decision else None),
        decision=data.decision,
        created_by=actor,
    )
    _set_link(item, data.linked_record)
    _save(item, actor)
    return item


@transaction.atomic
def action_item_update(
    *, item: ActionItem, actor: User, expected_version: int, data: ActionItemData
) -> ActionItem:
    """Ministry staff edit an open action item; refuses stale versions."""
    if not policies.can_manage_action_items(actor):
        raise PermissionDenied
    locked = _lock(item, expected_version)
    if not locked.is_open:
        raise Conflict(_("Reopen a finished action item before changing it."))
    locked.title, locked.description = data.title, data.description
    locked.owner, locked.due_on = data.owner, data.due_on
    locked.meeting, locked.decision = data.meeting, data.decision
    _set_link(locked, data.linked_record)
    locked.version += 1
    _save(
        locked,
        actor,
        ["title", "description", "owner", "due_on", "meeting", "decision", "linked_type",
         "linked_id", "version", "updated_at"],
    )  # fmt: skip
    return locked


@transaction.atomic
def action_item_transition(
    *, item: ActionItem, name: str, actor: User | None, comment: str = "",
    expected_version: int | None = None,
) -> ActionItem:  # fmt: skip
    """Start, complete, cancel or reopen an action item; completion time is kept."""
    moved: ActionItem = ACTION_ITEM_FLOW.apply(
        item, name, actor=actor, comment=comment, expected_version=expected_version
    )
    completed_at = timezone.now() if moved.status == ActionItem.Status.DONE else None
    if moved.completed_at != completed_at:
        moved.completed_at = completed_at
        _save(moved, actor, ["completed_at", "updated_at"])
    return moved
