"""Portal-wide API endpoints: root, the current user, their tokens, token login."""

from collections import OrderedDict

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from portal.models import ApiToken, Notification
from portal.notifications import (
    notification_mark_all_read,
    notification_mark_read,
    notifications_for,
)
from portal.security import token_login_second_factor
from portal.services import api_token_create, api_token_revoke

from .filters import boolean_parameter
from .serializers import (
    ApiTokenSerializer,
    ErrorSerializer,
    NotificationReadAllSerializer,
    NotificationSerializer,
    TokenLoginInputSerializer,
    TokenLoginSerializer,
    UserSerializer,
)
from .throttling import ScopedRateThrottle


class ApiRootView(APIView):
    """Links to every collection of the API, the schema and the docs."""

    registry: list[tuple[str, str]] = []

    @extend_schema(
        responses=inline_serializer("ApiRoot", fields={"me": serializers.URLField()}),
    )
    def get(self, request, format=None):
        links = OrderedDict()
        links["me"] = reverse("api:me", request=request, format=format)
        for prefix, basename in self.registry:
            links[prefix] = reverse(f"api:{basename}-list", request=request, format=format)
        links["schema"] = reverse("api:schema", request=request)
        links["docs"] = reverse("api-docs", request=request)
        return Response(links)


class MeView(APIView):
    """The authenticated user, with their roles."""

    @extend_schema(responses={200: UserSerializer, 401: ErrorSerializer})
    def get(self, request):
        return Response(UserSerializer(request.user).data)


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens (never the keys); DELETE revokes one."""

    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user)  # type: ignore[misc]

    @extend_schema(responses={204: None, 401: ErrorSerializer, 404: ErrorSerializer})
    def destroy(self, request, *args, **kwargs):
        api_token_revoke(token=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenLoginView(APIView):
    """Exchange a username and password for a new API token (for scripts; throttled)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token_login"

    @extend_schema(
        request=TokenLoginInputSerializer,
        responses={201: TokenLoginSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        auth=[],
        description=(
            "Exchange a username and password for a new API token. Whoever must use two-factor "
            "login on the web (it is on for the account, or the role requires it) sends the "
            "current authenticator code as `otp`; a code works once, and a wrong one counts "
            "towards the lockout. 400 `otp_required`, `otp_invalid` or "
            "`two_factor_setup_required` otherwise."
        ),
    )
    def post(self, request):
        data = TokenLoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Unable to log in with those credentials.")]}
            )
        verified = token_login_second_factor(request._request, user, data.validated_data["otp"])
        token, key = api_token_create(
            user=user, name=data.validated_data["name"], actor=user, two_factor_verified=verified
        )
        return Response(
            TokenLoginSerializer({"token": key, "name": token.name, "prefix": token.prefix}).data,
            status=status.HTTP_201_CREATED,
        )


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's own notifications, unread first; `?unread=true` lists only unread ones."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        queryset = notifications_for(self.request.user)  # type: ignore[arg-type]
        # A filter that is not understood must not quietly list everything: 400.
        unread = boolean_parameter(self.request.query_params, "unread")
        if unread is not None:
            queryset = queryset.filter(read_at__isnull=unread)
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unread", bool, description="true: only unread; false: only read notifications."
            )
        ],
        responses={200: NotificationSerializer(many=True), 401: ErrorSerializer},
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={200: NotificationSerializer, 401: ErrorSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one notification as read."""
        notification = notification_mark_read(notification=self.get_object(), actor=request.user)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None, responses={200: NotificationReadAllSerializer, 401: ErrorSerializer}
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark every unread notification of the caller as read."""
        count = notification_mark_all_read(user=request.user, actor=request.user)
        return Response(NotificationReadAllSerializer({"marked": count}).data)
