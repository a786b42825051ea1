"""Who may do what in the collaboration app: one rule, one function.

Policies answer "may this person ever do this to this record" (role and relationship);
services check the record's state and raise Conflict or TransitionNotAllowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal import policies as roles

if TYPE_CHECKING:
    from portal.models import User

    from .models import ActionItem, PriorityArea, Recommendation


def is_team_member(user: User) -> bool:
    """An NIH person with a current place on the technical team (cached per request)."""
    if not roles.is_nih(user):
        return False
    cached = getattr(user, "_collab_team_member", None)
    if cached is None:
        from .models import TeamMembership

        cached = TeamMembership.objects.current().filter(user=user).exists()
        user._collab_team_member = cached  # type: ignore[attr-defined]
    return bool(cached)


def is_team_lead(user: User) -> bool:
    """The NIH lead role; the lead also manages the team."""
    return roles.is_nih_lead(user)


# Reading ------------------------------------------------------------------------------------


def can_view_pages(user: User) -> bool:
    """The collaboration pages are for people inside government; BGI's liaison and machine
    accounts (which read the programme through the API) are answered 404."""
    return roles.is_internal(user)


def can_view_programme(user: User) -> bool:
    """Internal people and API clients read the programme; never BGI's liaison."""
    return roles.can_read_programme_status(user)


def can_view_recommendation(user: User, recommendation: Recommendation | None = None) -> bool:
    """Internal people and API clients; never BGI's liaison."""
    return roles.can_read_programme_status(user)


# Programme data -----------------------------------------------------------------------------


def can_manage_programme(user: User) -> bool:
    """Priority areas, objectives, indicators and the capability catalogue."""
    return roles.is_ministry(user) or roles.is_nih_lead(user)


def can_record_indicator_value(user: User, priority_area: PriorityArea | None = None) -> bool:
    """Who manages the programme, or the priority area's lead, records its indicators."""
    if can_manage_programme(user):
        return True
    return bool(priority_area is not None and user is not None and priority_area.lead_id == user.pk)


def can_manage_team(user: User) -> bool:
    """Only the NIH lead edits the technical team and its memberships."""
    return roles.is_nih_lead(user)


# Recommendations ----------------------------------------------------------------------------


def can_create_recommendation(user: User) -> bool:
    """Current members of the technical team draft recommendations."""
    return is_team_member(user)


def can_edit_recommendation(user: User, recommendation: Recommendation | None = None) -> bool:
    """Team members edit (the service also requires draft or returned)."""
    return is_team_member(user)


def can_comment_recommendation(user: User, recommendation: Recommendation | None = None) -> bool:
    """Ministry staff and team members comment."""
    return roles.is_ministry(user) or is_team_member(user)


def can_send_recommendation_to_review(user: User, recommendation: Recommendation) -> bool:
    """Team members send a draft to team review (and take it back)."""
    return is_team_member(user)


def can_endorse_recommendation(user: User, recommendation: Recommendation) -> bool:
    """The NIH lead, on the team, endorses and submits to the ministry."""
    return roles.is_nih_lead(user) and is_team_member(user)


def can_decide_recommendation(user: User, recommendation: Recommendation) -> bool:
    """Ministry staff approve, return or reject what NIH submitted."""
    return roles.is_ministry(user)


def can_archive_recommendation(user: User, recommendation: Recommendation) -> bool:
    """The NIH lead or ministry staff archive (the service refuses one under review)."""
    return roles.is_nih_lead(user) or roles.is_ministry(user)


# Meetings and action items ------------------------------------------------------------------


def can_record_meeting(user: User) -> bool:
    """Ministry staff record meetings and their decisions."""
    return roles.is_ministry(user)


def can_manage_action_items(user: User) -> bool:
    """Ministry staff create, edit and cancel action items."""
    return roles.is_ministry(user)


def can_update_action_item(user: User, item: ActionItem) -> bool:
    """Ministry staff, or the item's owner, move an action item along."""
    return roles.is_ministry(user) or (user is not None and item.owner_id == user.pk)
