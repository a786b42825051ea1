from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiToken, User


@admin.register(User)
class PortalUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "full_name", "organisation", "email", "is_active"]
    list_filter = ["organisation", "groups", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            _("Portal profile"),
            {"fields": ["full_name", "organisation", "title", "preferred_language", "time_zone"]},
        ),
    )

    def has_delete_permission(self, request, obj=None):
        # People leave; their records stay attributable. Deactivate instead.
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
