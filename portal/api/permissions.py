"""DRF adapters over portal.policies shared by several apps' endpoints."""

from rest_framework.permissions import BasePermission

from portal import policies


class CanReadProgrammeStatus(BasePermission):
    """Internal people and API clients; BGI's liaison is refused (403)."""

    def has_permission(self, request, view):
        return policies.can_read_programme_status(request.user)
