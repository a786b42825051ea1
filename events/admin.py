"""Admin: the event outbox (read-only), webhook subscriptions and their delivery log."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.exceptions import DomainError

from .models import Event, WebhookAttempt, WebhookDelivery, WebhookSubscription
from .webhooks import (
    SubscriptionData,
    validate_event_types,
    validate_target_url,
    webhook_delivery_redeliver,
    webhook_send_test,
    webhook_subscription_create,
    webhook_subscription_update,
)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(_ReadOnly):
    list_display = ["created_at", "type", "subject_type", "subject_id", "actor", "notified_at"]
    list_filter = ["type", "subject_type"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "subject_type"]
    readonly_fields = [f.name for f in Event._meta.fields]


class WebhookSubscriptionForm(forms.ModelForm):
    class Meta:
        model = WebhookSubscription
        fields = ["name", "owner", "target_url", "event_types", "priority_area", "is_active"]
        field_classes = {"target_url": forms.CharField}

    def clean(self):
        cleaned = super().clean() or {}
        try:
            validate_target_url(cleaned.get("target_url") or "")
            validate_event_types(list(cleaned.get("event_types") or []))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    """Subscriptions are saved through the service (URL and event types checked, secret made)."""

    form = WebhookSubscriptionForm
    list_display = [
        "name",
        "owner",
        "target_url",
        "is_active",
        "consecutive_failures",
        "flagged_at",
    ]
    list_filter = ["is_active", ("flagged_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["secret", "consecutive_failures", "flagged_at", "created_at"]
    actions = ["send_test_event"]

    def get_fields(self, request, obj=None):
        return [*WebhookSubscriptionForm.Meta.fields, *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        data = SubscriptionData(
            name=obj.name,
            target_url=obj.target_url,
            event_types=list(obj.event_types or []),
            priority_area_id=obj.priority_area_id,
            is_active=obj.is_active,
        )
        if change:
            saved = webhook_subscription_update(subscription=obj, actor=request.user, data=data)
        else:
            saved = webhook_subscription_create(owner=obj.owner, actor=request.user, data=data)
        obj.pk, obj.secret = saved.pk, saved.secret

    @admin.action(description=_("Send a test event"), permissions=["change"])
    def send_test_event(self, request, queryset):
        for subscription in queryset:
            webhook_send_test(subscription=subscription, actor=request.user)
        self.message_user(
            request,
            ngettext("%(n)s test event sent.", "%(n)s test events sent.", len(queryset))
            % {"n": len(queryset)},
        )


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "sent_at", "response_code", "error", "duration_ms", "request_body")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_ReadOnly):
    """The delivery log per subscription; delivered or failed ones can be sent again."""

    list_display = [
        "created_at",
        "subscription",
        "event",
        "status",
        "attempts",
        "last_response_code",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "subscription"]
    list_select_related = ["subscription", "event"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]

    @admin.action(description=_("Deliver the selected events again"), permissions=["view"])
    def redeliver(self, request, queryset):
        queued = skipped = 0
        for delivery in queryset:
            try:
                webhook_delivery_redeliver(delivery=delivery, actor=request.user)
            except (DomainError, PermissionDenied):
                skipped += 1
            else:
                queued += 1
        self.message_user(
            request,
            _("%(queued)s queued again, %(skipped)s skipped (still being tried).")
            % {"queued": queued, "skipped": skipped},
        )
