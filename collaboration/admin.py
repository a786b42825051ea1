"""Read-mostly admin for the collaboration app; programme records are archived, never deleted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class ProgrammeRecordAdmin(SimpleHistoryAdmin):
    """View and history only: every change goes through the portal's pages and services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Programme)
class ProgrammeAdmin(ProgrammeRecordAdmin):
    list_display = ["name", "partner", "started_on"]


@admin.register(models.PriorityArea)
class PriorityAreaAdmin(ProgrammeRecordAdmin):
    list_display = ["name", "slug", "lead", "status", "archived_at"]
    list_filter = ["status"]


@admin.register(models.Capability)
class CapabilityAdmin(ProgrammeRecordAdmin):
    list_display = ["name", "category", "archived_at"]
    list_filter = ["category"]


@admin.register(models.TeamMembership)
class TeamMembershipAdmin(ProgrammeRecordAdmin):
    list_display = ["user", "team", "role", "started_on", "ended_on"]


@admin.register(models.Recommendation)
class RecommendationAdmin(ProgrammeRecordAdmin):
    list_display = ["title", "status", "revision", "updated_at", "archived_at"]
    list_filter = ["status", "priority_areas"]
    search_fields = ["title", "summary"]


@admin.register(models.Meeting)
class MeetingAdmin(ProgrammeRecordAdmin):
    list_display = ["title", "held_at", "official_reference"]


@admin.register(models.ActionItem)
class ActionItemAdmin(ProgrammeRecordAdmin):
    list_display = ["title", "owner", "due_on", "status"]
    list_filter = ["status"]
