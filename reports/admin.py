"""Reports in the admin: read-only (reports are asked for in the pages or the API and built by
the worker; their schedule is changed under Periodic tasks)."""

from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "format", "status", "requested_by", "is_scheduled", "created_at"]
    list_filter = ["status", "kind", "format", "is_scheduled"]
    list_select_related = ["requested_by"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Report._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
