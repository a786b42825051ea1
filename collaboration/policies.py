"""Who may do what in the collaboration app: one rule, one function.

Policies answer "may this person ever do this to this record" (role and relationship);
services check the record's state and raise Conflict or TransitionNotAllowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portal import policies as roles

if TYPE_CHECKING:
    from .models import ActionItem, Recommendation


def is_team_member(user: Any) -> bool:
    """An NIH person with a current place on the technical team (cached per request)."""
    if not roles.is_nih(user):
        return False
    cached = getattr(user, "_collab_team_member", None)
    if cached is None:
        from .models import TeamMembership

        cached = TeamMembership.objects.current().filter(user=user).exists()
        user._collab_team_member = cached
    return bool(cached)


def is_team_lead(user: Any) -> bool:
    """The NIH lead role; the lead also manages the team."""
    return roles.is_nih_lead(user)


# Reading ------------------------------------------------------------------------------------


def can_view_programme(user: Any) -> bool:
    return roles.can_read_programme_status(user)


def can_view_recommendation(user: Any, recommendation: Recommendation | None = None) -> bool:
    """Internal people and API clients; never BGI's liaison."""
    return roles.can_read_programme_status(user)


# Programme data -----------------------------------------------------------------------------


def can_manage_programme(user: Any) -> bool:
    """Priority areas, objectives, indicators and the capability catalogue."""
    return roles.is_ministry(user) or roles.is_nih_lead(user)


def can_record_indicator_value(user: Any, priority_area: Any = None) -> bool:
    if can_manage_programme(user):
        return True
    return bool(priority_area is not None and user is not None and priority_area.lead_id == user.pk)


def can_manage_team(user: Any) -> bool:
    return roles.is_nih_lead(user)


# Recommendations ----------------------------------------------------------------------------


def can_create_recommendation(user: Any) -> bool:
    return is_team_member(user)


def can_edit_recommendation(user: Any, recommendation: Recommendation | None = None) -> bool:
    """Team members edit (the service also requires draft or returned)."""
    return is_team_member(user)


def can_comment_recommendation(user: Any, recommendation: Recommendation | None = None) -> bool:
    return roles.is_ministry(user) or is_team_member(user)


def can_send_recommendation_to_review(user: Any, recommendation: Recommendation) -> bool:
    return is_team_member(user)


def can_endorse_recommendation(user: Any, recommendation: Recommendation) -> bool:
    return roles.is_nih_lead(user) and is_team_member(user)


def can_decide_recommendation(user: Any, recommendation: Recommendation) -> bool:
    """Ministry staff approve, return or reject what NIH submitted."""
    return roles.is_ministry(user)


def can_archive_recommendation(user: Any, recommendation: Recommendation) -> bool:
    return roles.is_nih_lead(user) or roles.is_ministry(user)


# Meetings and action items ------------------------------------------------------------------


def can_record_meeting(user: Any) -> bool:
    return roles.is_ministry(user)


def can_manage_action_items(user: Any) -> bool:
    return roles.is_ministry(user)


def can_update_action_item(user: Any, item: ActionItem) -> bool:
    """Ministry staff, or the item's owner, move an action item along."""
    return roles.is_ministry(user) or (user is not None and item.owner_id == user.pk)
