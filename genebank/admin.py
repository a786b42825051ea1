"""View-only admin with history: the gene bank changes through the portal's services."""

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


@admin.register(models.Cohort)
class CohortAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "priority_area", "target_samples", "collected_samples"]


@admin.register(models.Agreement)
class AgreementAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "kind", "valid_from", "valid_to"]
    exclude = ["signed_copy"]


@admin.register(models.Approval)
class ApprovalAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "kind", "authority", "valid_to"]


@admin.register(models.Transfer)
class TransferAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "kind", "status", "quantity", "destination_site"]
    list_filter = ["status", "kind"]
