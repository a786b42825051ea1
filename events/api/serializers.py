"""Serializers of the events feed and the webhook subscriptions (flat, explicit fields)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal import policies as roles

from ..models import Event, WebhookAttempt, WebhookDelivery, WebhookSubscription


class EventSubjectSerializer(serializers.Serializer):
    type = serializers.CharField(
        help_text=_('"<app>.<model>", for example "collaboration.recommendation".')
    )
    id = serializers.IntegerField()


class EventSerializer(serializers.ModelSerializer):
    """One event of the feed. `payload` carries the workflow step (and, for people inside
    government, its comment); `actor` is shown to people inside government only."""

    occurred_at = serializers.DateTimeField(source="created_at", read_only=True)
    subject = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()
    payload = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "type", "occurred_at", "subject", "actor", "payload"]
        read_only_fields = fields

    @extend_schema_field(EventSubjectSerializer)
    def get_subject(self, obj: Event) -> dict[str, Any]:
        ct = obj.subject_type
        return {"type": f"{ct.app_label}.{ct.model}", "id": obj.subject_id}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, obj: Event) -> str | None:
        if obj.actor is None or not roles.is_internal(self.context["request"].user):
            return None
        return obj.actor.display_name

    @extend_schema_field(serializers.DictField())
    def get_payload(self, obj: Event) -> dict[str, Any]:
        from ..webhooks import visible_payload

        return visible_payload(obj, self.context["request"].user)


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "name",
            "owner",
            "target_url",
            "event_types",
            "priority_area",
            "is_active",
            "consecutive_failures",
            "flagged_at",
            "created_at",
        ]
        read_only_fields = fields


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    """The new subscription with its secret: shown once, keep it to verify signatures."""

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookSubscriptionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, min_length=1)
    target_url = serializers.URLField(max_length=500, min_length=1)
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=80, min_length=1),
        required=False,
        default=list,
        help_text=_("Event types to receive; empty or left out: every type."),
    )
    priority_area = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1,
        help_text=_("Only events about this priority area (its id)."),
    )  # fmt: skip
    is_active = serializers.BooleanField(required=False, default=True)

    def validate_priority_area(self, value: int | None) -> int | None:
        model = apps.get_model("collaboration", "PriorityArea")
        if value is not None and not model.objects.filter(pk=value).exists():
            raise serializers.ValidationError(_("There is no priority area with this id."))
        return value


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = [
            "number",
            "sent_at",
            "request_headers",
            "request_body",
            "response_code",
            "response_body",
            "error",
            "duration_ms",
        ]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_type = serializers.CharField(source="event.type", read_only=True)
    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "last_response_code",
            "created_at",
            "delivered_at",
            "attempt_log",
        ]
        read_only_fields = fields


class WebhookTestSentSerializer(serializers.Serializer):
    event = serializers.IntegerField(help_text=_("The id of the test event sent."))
