"""Who may do what with delegation visits: one rule, one function."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal import policies as roles

if TYPE_CHECKING:
    from portal.models import User

    from .models import Visit


def can_view_visit_pages(user: User) -> bool:
    """People inside government and BGI's liaison open the visit pages; anyone else (machine
    accounts read visits through the API, people without a role) is answered 404."""
    return roles.is_internal(user) or roles.is_bgi_liaison(user)


def can_view_visit(user: User, visit: Visit) -> bool:
    """Internal people and API clients; BGI's liaison only a visit shared with BGI."""
    if roles.can_read_programme_status(user):
        return True
    return roles.is_bgi_liaison(user) and visit.is_shared_with_bgi and not visit.is_archived


def can_view_visit_internals(user: User, visit: Visit | None = None) -> bool:
    """Members' readiness, logistics, budget, internal notes, the invitation and the report."""
    return roles.is_internal(user)


def can_view_readiness_summary(user: User, visit: Visit | None = None) -> bool:
    """Readiness as counts and states (no personal data) also for machine accounts."""
    return roles.is_internal(user) or roles.is_api_client(user)


def can_manage_visit(user: User, visit: Visit | None = None) -> bool:
    """Ministry staff run visits: create, edit, members, itinerary, logistics, budget, states."""
    return roles.is_ministry(user)


def is_delegation_member(user: User, visit: Visit) -> bool:
    """The user travels with this visit's delegation (an active member with their login)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return visit.members.filter(user=user, is_active=True).exists()


def can_write_findings(user: User, visit: Visit) -> bool:
    """Ministry staff, and NIH people who travel with the delegation."""
    return roles.is_ministry(user) or (roles.is_nih(user) and is_delegation_member(user, visit))


def can_submit_report(user: User, visit: Visit) -> bool:
    """Ministry staff, and an NIH lead who travels with the delegation, submit the trip report."""
    return roles.is_ministry(user) or (
        roles.is_nih_lead(user) and is_delegation_member(user, visit)
    )
