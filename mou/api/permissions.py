"""DRF adapters over mou.policies.

Reads are scoped by `visible_to` in the ViewSet's queryset (invisible means 404). Which
shape of an MoU a caller gets and which endpoints exist for them are decided here, from the
policies: what is internal does not exist for BGI's liaison (404); a visible MoU that the
caller may not act on answers 403.
"""

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, BasePermission

from mou import policies
from mou.models import Mou
from mou.workflows import MOU_FLOW, SIGNED_STATUSES
from portal import policies as roles
from portal.api.mixins import may_take_some_step

from .serializers import MouSerializer, MouSharedSerializer


def sees_mou_status(user: Any, mou: Mou | None = None) -> bool:
    """Internal status (timeline, clearances, counts, signing records, obligations).

    People inside government (`policies.can_view_mou_internals`) and machine accounts, which
    read programme status (read-only); not BGI's liaison.
    """
    return policies.can_view_mou_internals(user, mou) or roles.can_read_programme_status(user)


def can_view_signatures(user: Any, mou: Mou) -> bool:
    """Signatories and witnesses: internal status, and for everyone who sees the MoU once it
    is signed (then the signatures are a formal, public record)."""
    return sees_mou_status(user, mou) or mou.status in SIGNED_STATUSES


def mou_serializer_class(user: Any) -> type:
    return MouSerializer if sees_mou_status(user) else MouSharedSerializer


#: The working draft and sharing are internal: they do not exist for BGI's liaison (404).
INTERNAL_ACTIONS = frozenset(
    {"transitions", "obligations", "clauses", "clause_detail", "clauses_override", "version_share"}
)


class MouPermission(BasePermission):
    def has_object_permission(self, request, view, obj):
        action = getattr(view, "action", None)
        user = request.user
        if action in INTERNAL_ACTIONS and not sees_mou_status(user, obj):
            raise NotFound
        if action == "signatures" and not can_view_signatures(user, obj):
            raise NotFound
        if request.method in SAFE_METHODS:
            return True
        if action == "transitions":
            return may_take_some_step(MOU_FLOW, user, obj)
        if action == "verify":
            return policies.can_verify_signed_copy(user, obj)
        if action in ("clauses", "clause_detail"):
            return policies.can_edit_draft(user, obj)
        if action in ("versions", "version_share", "clauses_override"):
            return policies.can_manage_mou(user, obj)
        # Who may comment depends on the version (BGI's liaison: shared ones); the view asks
        # `policies.can_comment_version` once it has the version.
        return action == "version_comments"
