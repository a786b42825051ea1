from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiToken, Notification, ReminderDelivery, User
from .notifications import reminder_delivery_resend


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

    actions = ["unlock_logins"]

    def has_delete_permission(self, request, obj=None):
        # People leave; their records stay attributable. Deactivate instead.
        return False

    @admin.action(description=_("Unlock logins (clear failed-login lockouts)"))
    def unlock_logins(self, request, queryset):
        from axes.utils import reset

        cleared = sum(reset(username=user.username) for user in queryset)
        self.message_user(
            request,
            _("Cleared %(n)s failed-login record(s) for %(users)s user(s).")
            % {"n": cleared, "users": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    """The reminder log: read-only; a failed e-mail can be sent again."""

    list_display = [
        "created_at",
        "kind",
        "title",
        "recipient",
        "due_on",
        "offset_days",
        "is_escalation",
        "channel",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "kind", "channel", "is_escalation"]
    search_fields = ["title", "object_key", "recipient__username", "recipient__email"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    actions = ["resend"]
    readonly_fields = [f.name for f in ReminderDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed e-mails again"), permissions=["view"])
    def resend(self, request, queryset):
        queued = skipped = 0
        for delivery in queryset:
            try:
                reminder_delivery_resend(delivery=delivery, actor=request.user)
            except ValidationError:
                skipped += 1
            else:
                queued += 1
        if queued:
            self.message_user(
                request,
                ngettext(
                    "%(n)s reminder queued to be sent again.",
                    "%(n)s reminders queued to be sent again.",
                    queued,
                )
                % {"n": queued},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)s reminder was not failed and was left alone.",
                    "%(n)s reminders were not failed and were left alone.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Notifications in users' inboxes (read-only)."""

    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = [
        "recipient",
        "kind",
        "title",
        "body",
        "url",
        "delivery",
        "created_at",
        "read_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
