"""DRF adapters over reports.policies.

Reads are scoped by `visible_to` in the ViewSet's queryset (a report the caller may not see is
404). Callers who may not use reports at all (NIH experts, BGI's liaison) get 403.
"""

from rest_framework.permissions import BasePermission

from reports import policies


class ReportPermission(BasePermission):
    """Ministry staff, administrators, the NIH lead and API clients use the reports API."""

    def has_permission(self, request, view):
        return policies.can_request_report(request.user, through_api=True)

    def has_object_permission(self, request, view, obj):
        return policies.can_view_report(request.user, obj, through_api=True)
