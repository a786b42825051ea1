"""DRF adapters over delegations.policies.

Reads are scoped by `visible_to` in the ViewSet's queryset (invisible means 404). Which shape
of a visit a caller gets, and which endpoints exist for them, is decided here from the
policies, never from role checks in the views or serializers.
"""

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, BasePermission

from delegations import policies
from delegations.models import Visit
from delegations.workflows import VISIT_FLOW
from portal.api.mixins import may_take_some_step

from .serializers import (
    VisitDetailSerializer,
    VisitInternalDetailSerializer,
    VisitSerializer,
    VisitSharedDetailSerializer,
    VisitSharedSerializer,
)


def sees_visit_status(user: Any, visit: Visit | None = None) -> bool:
    """Whether the caller reads the visit's internal status (members' readiness, workflow).

    People inside government and machine accounts do; BGI's liaison sees only the shared
    part (objectives and itinerary).
    """
    return policies.can_view_visit_internals(user, visit) or policies.can_view_readiness_summary(
        user, visit
    )


def visit_serializer_class(user: Any, *, detail: bool, visit: Visit | None = None) -> type:
    """The visit's shape for this caller: internal, machine account, or shared with BGI."""
    if policies.can_view_visit_internals(user, visit):
        return VisitInternalDetailSerializer if detail else VisitSerializer
    if policies.can_view_readiness_summary(user, visit):
        return VisitDetailSerializer if detail else VisitSerializer
    return VisitSharedDetailSerializer if detail else VisitSharedSerializer


#: Writes inside a visit (members, objectives, itinerary) and edits of the visit itself.
MANAGE_ACTIONS = frozenset(
    {"update", "partial_update", "members", "member_detail", "objectives", "itinerary",
     "itinerary_item"}
)  # fmt: skip
#: Endpoints that exist only for people who see the visit's internals (404 for the others).
INTERNAL_ACTIONS = frozenset({"members", "member_detail", "itinerary_item"})


class VisitPermission(BasePermission):
    """Transitions and members are part of the internal status: they do not exist for BGI's
    liaison (404); a reader who may never move the visit gets 403 on POST. Ministry staff
    (`policies.can_manage_visit`) create and edit visits, members, objectives and itinerary."""

    def has_permission(self, request, view):
        if getattr(view, "action", None) == "create":
            return policies.can_manage_visit(request.user)
        return True

    def has_object_permission(self, request, view, obj):
        action = getattr(view, "action", None)
        if action in INTERNAL_ACTIONS and not policies.can_view_visit_internals(request.user, obj):
            raise NotFound
        if action in MANAGE_ACTIONS and request.method not in SAFE_METHODS:
            return policies.can_manage_visit(request.user, obj)
        if action == "transitions":
            if not sees_visit_status(request.user, obj):
                raise NotFound
            if request.method in SAFE_METHODS:
                return True
            return may_take_some_step(VISIT_FLOW, request.user, obj)
        return request.method in SAFE_METHODS
