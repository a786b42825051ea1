"""View-only admin with history: the MoU changes through the portal's pages and services, and
a published version can never be edited, here or anywhere."""

from typing import cast

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


class ClauseSnapshotInline(admin.TabularInline):
    model = models.ClauseSnapshot
    fields = ["position", "heading_en", "heading_zh"]
    readonly_fields = cast("list[str]", fields)  # the same plain field names, read-only
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.Mou)
class MouAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "status", "effective_on", "expires_on"]
    list_filter = ["status"]


@admin.register(models.MouVersion)
class MouVersionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["mou", "number", "note", "is_shared_with_bgi", "created_at"]
    inlines = [ClauseSnapshotInline]


@admin.register(models.Clause)
class ClauseAdmin(ReadOnlyHistoryAdmin):
    list_display = ["heading_en", "mou", "position", "lagging_language", "archived_at"]
