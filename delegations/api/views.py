"""ViewSets of the delegations API: thin adapters over selectors, policies and services.

Every queryset starts from `visible_to(request.user)` (through the selectors), so a visit
the caller may not see is missing (404, or absent from the list). The shape of a visit is
chosen from the policies in `permissions.visit_serializer_class`. Writes beyond workflow
steps are done in the pages.
"""

from typing import Any, cast

from django.db.models import F, Prefetch
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import renderers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from delegations import policies, selectors
from delegations.models import ItineraryItem, Site, Visit
from delegations.querysets import VisitQuerySet
from delegations.services import visit_transition
from delegations.workflows import TRANSITIONS_WITH_DATA, VISIT_FLOW
from portal.api.mixins import (
    ERRORS_DETAIL,
    ERRORS_READ,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    ConditionalRetrieveMixin,
    FilterListOnlyMixin,
    etag_header,
    read_schema,
)
from portal.api.serializers import ErrorSerializer
from portal.api.transitions import TransitionsActionMixin, transitions_schema
from portal.models import User

from .filters import VisitApiFilter
from .permissions import VisitPermission, visit_serializer_class
from .serializers import (
    SiteSerializer,
    VisitDetailSerializer,
    VisitInternalDetailSerializer,
    VisitSerializer,
    VisitSharedDetailSerializer,
    VisitSharedSerializer,
    VisitTransitionInputSerializer,
)

VISIT_LIST_ITEM = PolymorphicProxySerializer(
    component_name="VisitListItem",
    serializers=[VisitSerializer, VisitSharedSerializer],
    resource_type_field_name=None,
    many=True,
)
VISIT_DETAIL = PolymorphicProxySerializer(
    component_name="VisitDetailAnyAudience",
    serializers=[VisitInternalDetailSerializer, VisitDetailSerializer, VisitSharedDetailSerializer],
    resource_type_field_name=None,
)


class ICalendarRenderer(renderers.BaseRenderer):
    """Lets a client ask for `Accept: text/calendar`; the body is built by the selector."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


@read_schema(SiteSerializer, SiteSerializer, versioned=False)
class SiteViewSet(viewsets.ReadOnlyModelViewSet):
    """BGI's sites the delegations visit, with their time zone and capabilities."""

    serializer_class = SiteSerializer
    queryset = Site.objects.none()

    def get_queryset(self):
        return (
            Site.objects.visible_to(self.request.user)
            .active()
            .prefetch_related("capabilities")
            .order_by("country", "city", "name", "pk")
        )


@extend_schema_view(
    list=extend_schema(
        description="Visits the caller may see. BGI's liaison gets only visits shared with "
        "BGI, in a reduced shape (`VisitShared`).",
        responses={200: VISIT_LIST_ITEM, **ERRORS_READ},
    ),
    retrieve=extend_schema(
        description="One visit. People inside government get `VisitInternalDetail`, machine "
        "accounts `VisitDetail`, BGI's liaison `VisitSharedDetail` (shared visits only).",
        parameters=[IF_NONE_MATCH, etag_header(200, 304)],
        responses={200: VISIT_DETAIL, 304: NOT_MODIFIED, **ERRORS_DETAIL},
    ),
    transitions=transitions_schema(
        VisitTransitionInputSerializer,
        VISIT_DETAIL,
        description="GET: the steps the caller may take here now, and the history. POST: take "
        "one.\n\nSteps that carry more than a comment (recording BGI's invitation, submitting "
        "the trip report) are taken in the pages; here they are refused with 409 "
        "`transition_needs_data`. `approve` needs `travel_approval_reference`.",
    ),
)
class VisitViewSet(
    TransitionsActionMixin,
    FilterListOnlyMixin,
    ConditionalRetrieveMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Delegation visits to BGI: the list, one visit, its workflow and its calendar."""

    filterset_class = VisitApiFilter
    permission_classes = [IsAuthenticated, VisitPermission]
    queryset = Visit.objects.none()
    transition_workflow = VISIT_FLOW
    transition_input_serializer = VisitTransitionInputSerializer
    transitions_with_data = TRANSITIONS_WITH_DATA

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            return (
                cast(VisitQuerySet, selectors.visit_list(viewer=user))
                .active()
                .order_by(F("starts_on").desc(nulls_last=True), "-pk")
            )
        if self.action == "calendar":
            return selectors.visit_list(viewer=user).prefetch_related(
                Prefetch(
                    "itinerary",
                    queryset=ItineraryItem.objects.active()
                    .select_related("site")
                    .prefetch_related("attendees"),
                )
            )
        return selectors.visit_detail_queryset(viewer=user)

    def get_serializer_class(self):
        return visit_serializer_class(self.request.user, detail=self.action != "list")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def perform_transition(self, subject: Visit, data: dict[str, Any], version: int) -> Visit:
        """`approve` needs `travel_approval_reference`; other steps take a comment only."""
        return visit_transition(
            visit=subject,
            name=data["transition"],
            actor=cast(User, self.request.user),
            comment=data["comment"],
            expected_version=version,
            travel_approval_reference=data["travel_approval_reference"],
        )

    @extend_schema(
        operation_id="v1_visits_calendar_retrieve",
        request=None,
        responses={
            (200, "text/calendar"): OpenApiResponse(
                response=OpenApiTypes.STR,
                description="The itinerary as an iCalendar file (RFC 5545); every event "
                "keeps its place's time zone.",
            ),
            (401, "application/json"): ErrorSerializer,
            (404, "application/json"): ErrorSerializer,
        },
    )
    def calendar(self, request, pk=None):
        """The visit's itinerary as an iCalendar file (items' notes only for internal people)."""
        visit = self.get_object()
        body = selectors.visit_calendar(
            visit,
            list(visit.itinerary.all()),
            include_notes=policies.can_view_visit_internals(request.user, visit),
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="visit-{visit.pk}.ics"'
        return response

    def get_renderers(self):
        if getattr(self, "action", None) == "calendar":
            # JSON first: errors are JSON; a calendar client's Accept header is still accepted.
            return [renderers.JSONRenderer(), ICalendarRenderer()]
        return super().get_renderers()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and isinstance(
            getattr(response, "accepted_renderer", None), ICalendarRenderer
        ):
            # An error answered to `Accept: text/calendar` is still written as JSON.
            response.accepted_renderer = renderers.JSONRenderer()
            response.accepted_media_type = "application/json"
        return response
