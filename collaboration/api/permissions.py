"""DRF adapters over collaboration.policies.

Reads are scoped by `visible_to` in each ViewSet's queryset (invisible means 404). These
classes answer the coarse "may this person ever do this here" before any input is read,
so a reader without write rights gets 403 whatever they send; the services re-check
everything, including the record's state.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from collaboration import policies
from collaboration.workflows import ACTION_ITEM_FLOW, RECOMMENDATION_FLOW
from portal.api.mixins import may_take_some_step


class RecommendationPermission(BasePermission):
    def has_permission(self, request, view):
        if getattr(view, "action", None) == "create":
            return policies.can_create_recommendation(request.user)
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        action = getattr(view, "action", None)
        if action in ("update", "partial_update"):
            return policies.can_edit_recommendation(request.user, obj)
        if action == "comments":
            return policies.can_comment_recommendation(request.user, obj)
        if action == "transitions":
            return may_take_some_step(RECOMMENDATION_FLOW, request.user, obj)
        return False


class MeetingPermission(BasePermission):
    """Ministry staff record meetings, edit them and add decisions."""

    def has_permission(self, request, view):
        if getattr(view, "action", None) == "create":
            return policies.can_record_meeting(request.user)
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        if getattr(view, "action", None) in ("update", "partial_update", "decisions"):
            return policies.can_record_meeting(request.user)
        return False


class ActionItemPermission(BasePermission):
    def has_permission(self, request, view):
        if getattr(view, "action", None) == "create":
            return policies.can_manage_action_items(request.user)
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        action = getattr(view, "action", None)
        if action in ("update", "partial_update"):
            return policies.can_manage_action_items(request.user)
        if action == "transitions":
            return may_take_some_step(ACTION_ITEM_FLOW, request.user, obj)
        return False
