"""DRF adapters over genebank.policies: which shape of a transfer a caller gets, and who may
write. Reads are scoped by `visible_to` (invisible means 404)."""

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, BasePermission

from genebank import policies
from genebank.workflows import TRANSFER_FLOW
from portal.api.mixins import may_take_some_step

from .serializers import TransferInternalSerializer, TransferSerializer, TransferSharedSerializer


def transfer_serializer_class(user: Any) -> type:
    """Internal people, machine accounts, or BGI's liaison (shared shape)."""
    if policies.can_view_transfer_internals(user):
        return TransferInternalSerializer
    if policies.can_view_transfer_governance(user):
        return TransferSerializer
    return TransferSharedSerializer


class RegisterPermission(BasePermission):
    """The plan and the register: internal people and machine accounts read them (others see
    an empty list, and 404 on a record); ministry staff write them."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return getattr(view, "action", None) in WRITE_ACTIONS and policies.can_manage_genebank(
            request.user
        )


# The register's writes through the API (everything else is read only).
WRITE_ACTIONS = frozenset({"create", "progress", "consent_versions"})


class TransferPermission(BasePermission):
    """Drafting is for ministry staff; the checks are governance (404 for BGI's liaison);
    a step is for who may take one."""

    def has_permission(self, request, view):
        if getattr(view, "action", None) == "create":
            return policies.can_manage_genebank(request.user)
        return True

    def has_object_permission(self, request, view, obj):
        action = getattr(view, "action", None)
        if action == "checks" and not policies.can_view_transfer_governance(request.user, obj):
            raise NotFound
        if action == "transitions":
            if request.method in SAFE_METHODS:
                return True
            return may_take_some_step(TRANSFER_FLOW, request.user, obj)
        return request.method in SAFE_METHODS
