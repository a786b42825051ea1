"""The events feed and webhook subscriptions under /api/v1/ (thin: they call the services)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from portal.api.pagination import PortalPagination
from portal.api.serializers import ErrorSerializer

from ..models import Event, WebhookDelivery, WebhookSubscription
from ..services import events_visible_to
from ..webhooks import (
    SubscriptionData,
    can_manage_webhooks,
    subscriptions_visible_to,
    webhook_delivery_redeliver,
    webhook_send_test,
    webhook_subscription_create,
    webhook_subscription_update,
)
from .serializers import (
    EventSerializer,
    WebhookDeliverySerializer,
    WebhookSubscriptionCreatedSerializer,
    WebhookSubscriptionInputSerializer,
    WebhookSubscriptionSerializer,
    WebhookTestSentSerializer,
)


class EventCursorPagination(CursorPagination):
    """Oldest first, by id: a client keeps the `next` link and polls it for what is new.

    `page_size` follows the portal's rule (1 to 200, anything else 400): the same method.
    """

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    get_page_size = PortalPagination.get_page_size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters


SINCE = OpenApiParameter(
    "since",
    OpenApiTypes.DATETIME,
    description=_("Only events that occurred after this moment (ISO 8601, with its zone)."),
)


@extend_schema_view(
    list=extend_schema(
        parameters=[SINCE],
        responses={
            200: EventSerializer(many=True),
            400: ErrorSerializer,
            401: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
)
class EventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The events whose subject the caller may see, oldest first (cursor pagination)."""

    serializer_class = EventSerializer
    pagination_class = EventCursorPagination
    queryset = Event.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        queryset = events_visible_to(self.request.user)
        raw = self.request.query_params.get("since")
        if raw is not None:
            try:
                moment = parse_datetime(raw)
                if moment is None or moment.tzinfo is None:
                    raise ValueError(raw)
                moment = moment.astimezone(UTC)  # out of range once in UTC: refused too
            except (ValueError, OverflowError):
                raise ValidationError(
                    {"since": [_("Give a date and time with its zone, e.g. 2026-01-31T09:00:00Z.")]}
                ) from None
            queryset = queryset.filter(created_at__gt=moment)
        return queryset


class CanManageWebhooks(BasePermission):
    def has_permission(self, request, view) -> bool:
        return can_manage_webhooks(request.user)


def _data(serializer: WebhookSubscriptionInputSerializer) -> SubscriptionData:
    values: dict[str, Any] = serializer.validated_data
    return SubscriptionData(
        name=values["name"],
        target_url=values["target_url"],
        event_types=list(values["event_types"]),
        priority_area_id=values["priority_area"],
        is_active=values["is_active"],
    )


WEBHOOK_ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(responses={200: WebhookSubscriptionSerializer(many=True), **WEBHOOK_ERRORS}),
    retrieve=extend_schema(
        responses={200: WebhookSubscriptionSerializer, 404: ErrorSerializer, **WEBHOOK_ERRORS}
    ),
    create=extend_schema(
        request=WebhookSubscriptionInputSerializer,
        responses={201: WebhookSubscriptionCreatedSerializer, **WEBHOOK_ERRORS},
    ),
    update=extend_schema(
        request=WebhookSubscriptionInputSerializer,
        responses={200: WebhookSubscriptionSerializer, 404: ErrorSerializer, **WEBHOOK_ERRORS},
    ),
)
class WebhookSubscriptionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Webhook subscriptions: administrators see all, API clients with the permission
    `events.add_webhooksubscription` their own. Deliveries show only what the owner may see."""

    serializer_class = WebhookSubscriptionSerializer
    permission_classes = [CanManageWebhooks]
    queryset = WebhookSubscription.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookSubscription.objects.none()
        return subscriptions_visible_to(self.request.user).select_related("owner")

    def create(self, request, *args, **kwargs):
        serializer = WebhookSubscriptionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription = webhook_subscription_create(
            owner=request.user, actor=request.user, data=_data(serializer)
        )
        return Response(
            WebhookSubscriptionCreatedSerializer(subscription).data, status=status.HTTP_201_CREATED
        )

    def update(self, request, *args, **kwargs):
        subscription = self.get_object()
        serializer = WebhookSubscriptionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription = webhook_subscription_update(
            subscription=subscription, actor=request.user, data=_data(serializer)
        )
        return Response(WebhookSubscriptionSerializer(subscription).data)

    @extend_schema(
        responses={
            200: WebhookDeliverySerializer(many=True),
            404: ErrorSerializer,
            **WEBHOOK_ERRORS,
        }
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The delivery log: every event sent to this subscription, newest first, with attempts."""
        subscription = self.get_object()
        rows = (
            subscription.deliveries.select_related("event")
            .prefetch_related("attempt_log")
            .order_by("-created_at", "-pk")
        )
        page = self.paginate_queryset(rows)
        serializer = WebhookDeliverySerializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        request=None,
        responses={202: WebhookTestSentSerializer, 404: ErrorSerializer, **WEBHOOK_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="test")
    def send_test(self, request, pk=None):
        """Send a "webhook.test" event to this subscription (delivered like any other)."""
        event = webhook_send_test(subscription=self.get_object(), actor=request.user)
        return Response({"event": event.pk}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={
            202: WebhookDeliverySerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
            **WEBHOOK_ERRORS,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<delivery_id>[0-9]+)/redeliver",
    )
    def redeliver(self, request, pk=None, delivery_id=None):
        """Send a delivered or failed delivery again (same event id; receivers drop duplicates)."""
        subscription = self.get_object()
        delivery = WebhookDelivery.objects.filter(subscription=subscription, pk=delivery_id).first()
        if delivery is None:
            raise NotFound
        delivery = webhook_delivery_redeliver(delivery=delivery, actor=request.user)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
