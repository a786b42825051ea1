"""View-only admin with history: visits change through the portal's pages and services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Visit)
class VisitAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "status", "starts_on", "ends_on", "is_shared_with_bgi"]
    list_filter = ["status", "is_shared_with_bgi"]
    exclude = ["invitation_letter"]


@admin.register(models.Site)
class SiteAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "city", "country", "timezone"]


@admin.register(models.DelegationMember)
class DelegationMemberAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "visit", "role", "is_active"]
