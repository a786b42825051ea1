"""ViewSets of the delegations API: thin adapters over selectors, policies and services.

Every queryset starts from `visible_to(request.user)` (through the selectors), so a visit
the caller may not see is missing (404, or absent from the list). The shape of a visit is
chosen from the policies in `permissions.visit_serializer_class`. Writes (the visit, its
members and their readiness, objectives, itinerary entries) call the same services as the
pages; the invitation letter, logistics, budget and trip report are written in the pages.
"""

from typing import Any, cast

from django.db.models import F, Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from collaboration.selectors import current_programme
from delegations import policies, selectors
from delegations.models import ItineraryItem, Site, Visit
from delegations.querysets import VisitQuerySet
from delegations.services import (
    ItineraryData,
    MemberData,
    VisitData,
    itinerary_item_add,
    itinerary_item_remove,
    itinerary_item_update,
    member_add,
    member_remove,
    member_update,
    objective_add,
    visit_create,
    visit_transition,
    visit_update,
)
from delegations.workflows import TRANSITIONS_WITH_DATA, VISIT_FLOW
from portal.api.concurrency import etag_for, expected_version
from portal.api.mixins import (
    ERRORS_DETAIL,
    ERRORS_READ,
    ERRORS_WRITE,
    IF_MATCH,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    ConditionalRetrieveMixin,
    FilterListOnlyMixin,
    etag_header,
    read_schema,
)
from portal.api.serializers import ErrorSerializer
from portal.api.transitions import TransitionsActionMixin, transitions_schema
from portal.api.writes import (
    ERRORS_CREATE,
    JsonWritesMixin,
    create_schema,
    dataclass_from,
    edit_schema,
    example,
    post_schema,
    require_version,
)
from portal.exceptions import Conflict
from portal.models import User

from .filters import VisitApiFilter
from .permissions import VisitPermission, visit_serializer_class
from .serializers import (
    ItineraryItemInternalSerializer,
    ItineraryItemWriteInputSerializer,
    MemberWriteInputSerializer,
    ObjectiveCreateInputSerializer,
    SiteSerializer,
    VisitDetailSerializer,
    VisitInternalDetailSerializer,
    VisitSerializer,
    VisitSharedDetailSerializer,
    VisitSharedSerializer,
    VisitTransitionInputSerializer,
    VisitWriteInputSerializer,
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


MEMBER_ID = OpenApiParameter(
    "member_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The member's id."
)
ITEM_ID = OpenApiParameter(
    "item_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The itinerary entry's id."
)
VISIT_EXAMPLE = example(
    "A visit to Shenzhen",
    {
        "title": "Technical visit to BGI Shenzhen",
        "purpose": "See the sequencing platform and agree the pilot.",
        "starts_on": "2026-05-10",
        "ends_on": "2026-05-16",
        "destination": "Shenzhen, China",
        "responsible_officer": 3,
        "official_reference": "F.No. 3-7/2026-IHR",
        "internal_notes": "",
    },
)
MEMBER_EXAMPLE = example(
    "An external member with readiness dates",
    {
        "name": "Dr Ayesha Khan",
        "organisation": "NIH Islamabad",
        "title": "Virologist",
        "email": "ayesha.khan@example.org",
        "role": "member",
        "passport_expires_on": "2028-01-31",
        "visa_applied_on": "2026-04-01",
        "visa_issued_on": "2026-04-15",
    },
)
ITINERARY_EXAMPLE = example(
    "A meeting at a site, in Shenzhen time",
    {
        "title": "Sequencing platform tour",
        "kind": "site_visit",
        "site": 1,
        "timezone": "Asia/Shanghai",
        "starts": "2026-05-11T09:30",
        "ends": "2026-05-11T12:00",
        "counterparts": "Dr Li Wei",
        "notes": "",
        "attendees": [5, 6],
    },
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
    create=create_schema(
        VisitWriteInputSerializer,
        VisitInternalDetailSerializer,
        description="Propose a visit (ministry staff), in the programme.",
        examples=[VISIT_EXAMPLE],
    ),
    update=edit_schema(VisitWriteInputSerializer, VisitInternalDetailSerializer),
    partial_update=edit_schema(
        VisitWriteInputSerializer,
        VisitInternalDetailSerializer,
        examples=[example("Move the dates", {"starts_on": "2026-05-12", "ends_on": "2026-05-18"})],
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
    JsonWritesMixin,
    TransitionsActionMixin,
    FilterListOnlyMixin,
    ConditionalRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Delegation visits to BGI: the list, one visit, its workflow and its calendar; ministry
    staff propose and edit visits, members and their readiness, objectives and itinerary."""

    filterset_class = VisitApiFilter
    permission_classes = [IsAuthenticated, VisitPermission]
    queryset = Visit.objects.none()
    transition_workflow = VISIT_FLOW
    transition_input_serializer = VisitTransitionInputSerializer
    transitions_with_data = TRANSITIONS_WITH_DATA
    json_write_actions = frozenset(
        {"create", "update", "partial_update", "members", "member_detail", "objectives",
         "itinerary", "itinerary_item"}
    )  # fmt: skip

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

    # Writes ---------------------------------------------------------------------------------

    def _fresh(self, visit: Visit, code: int = status.HTTP_200_OK) -> Response:
        """The visit as the detail endpoint shows it to the caller, with its new ETag."""
        fresh = selectors.visit_detail_queryset(viewer=self.request.user).get(pk=visit.pk)
        return self.versioned_response(fresh, code)

    def create(self, request, *args, **kwargs):
        data = VisitWriteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        programme = current_programme(request.user)
        if programme is None:
            raise Conflict(_("The programme has not been set up yet."), code="no_programme")
        visit = visit_create(
            programme=programme,
            actor=request.user,
            data=dataclass_from(VisitData, data.validated_data),
        )
        response = self._fresh(visit, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:visit-detail", args=[visit.pk], request=request)
        return response

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        visit = self.get_object()
        version = expected_version(request)
        data = VisitWriteInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        require_version(visit, version)
        updated = visit_update(
            visit=visit,
            actor=request.user,
            expected_version=version,
            data=dataclass_from(VisitData, data.validated_data, visit if partial else None),
        )
        return self._fresh(updated)

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    @post_schema(
        MemberWriteInputSerializer,
        VisitInternalDetailSerializer,
        description="Add a ministry or NIH user, or an external person, to the delegation, with "
        "the dates of their travel readiness. The answer is the visit with its readiness.",
        examples=[MEMBER_EXAMPLE],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def members(self, request, pk=None):
        """Add a member to the delegation."""
        visit = self.get_object()
        data = MemberWriteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member_add(
            visit=visit, actor=request.user, data=dataclass_from(MemberData, data.validated_data)
        )
        return self._fresh(visit, status.HTTP_201_CREATED)

    @extend_schema(
        methods=["PATCH"],
        parameters=[MEMBER_ID],
        request=MemberWriteInputSerializer(partial=True),
        description="Change a member's role or readiness dates (only what is sent). The answer "
        "is the visit with its readiness.",
        responses={200: VisitInternalDetailSerializer, **ERRORS_CREATE},
        examples=[example("The visa was issued", {"visa_issued_on": "2026-04-20"})],
    )
    @extend_schema(
        methods=["DELETE"],
        parameters=[MEMBER_ID],
        request=None,
        description="Take the member off the delegation (the record stays).",
        responses={204: None, **ERRORS_CREATE},
    )
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"members/(?P<member_id>[0-9]+)",
        url_name="member-detail",
        filter_backends=[],
        pagination_class=None,
    )
    def member_detail(self, request, pk=None, member_id=None):
        """Edit a member's readiness, or take them off the delegation."""
        visit = self.get_object()
        member = visit.members.filter(pk=int(member_id), is_active=True).first()
        if member is None:
            raise exceptions.NotFound(_("This delegation has no such member."))
        if request.method == "DELETE":
            member_remove(member=member, actor=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = MemberWriteInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        member_update(
            member=member,
            actor=request.user,
            data=dataclass_from(MemberData, data.validated_data, member),
        )
        return self._fresh(visit)

    @post_schema(
        ObjectiveCreateInputSerializer,
        VisitInternalDetailSerializer,
        description="Add an objective in a priority area, perhaps serving a recommendation.",
        examples=[
            example(
                "An objective",
                {"priority_area": "genomic-surveillance", "text": "Agree the pilot's scope."},
            )
        ],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def objectives(self, request, pk=None):
        """Add an objective to the visit."""
        visit = self.get_object()
        data = ObjectiveCreateInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        objective_add(
            visit=visit,
            actor=request.user,
            priority_area=data.validated_data["priority_area"],
            recommendation=data.validated_data.get("recommendation"),
            text=data.validated_data["text"],
        )
        return self._fresh(visit, status.HTTP_201_CREATED)

    def _item_response(self, item: ItineraryItem, code: int = status.HTTP_200_OK) -> Response:
        item = (
            ItineraryItem.objects.select_related("site")
            .prefetch_related("attendees")
            .get(pk=item.pk)
        )
        response = Response(ItineraryItemInternalSerializer(item).data, status=code)
        response["ETag"] = etag_for(item)
        return response

    @post_schema(
        ItineraryItemWriteInputSerializer,
        ItineraryItemInternalSerializer,
        description="Add an itinerary entry; times are the clock at the place.",
        examples=[ITINERARY_EXAMPLE],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def itinerary(self, request, pk=None):
        """Add an itinerary entry (its ETag is the entry's version)."""
        visit = self.get_object()
        data = ItineraryItemWriteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = itinerary_item_add(
            visit=visit,
            actor=request.user,
            data=dataclass_from(ItineraryData, data.validated_data, many=["attendees"]),
        )
        return self._item_response(item, status.HTTP_201_CREATED)

    @extend_schema(
        methods=["PATCH"],
        parameters=[ITEM_ID, IF_MATCH, etag_header(200)],
        request=ItineraryItemWriteInputSerializer(partial=True),
        description="Change an itinerary entry (only what is sent), on the entry's ETag.",
        responses={200: ItineraryItemInternalSerializer, **ERRORS_WRITE},
        examples=[example("A later start", {"starts": "2026-05-11T10:00"})],
    )
    @extend_schema(
        methods=["DELETE"],
        parameters=[ITEM_ID],
        request=None,
        description="Take the entry out of the plan (archived; its history stays).",
        responses={204: None, **ERRORS_CREATE},
    )
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"itinerary/(?P<item_id>[0-9]+)",
        url_name="itinerary-item",
        filter_backends=[],
        pagination_class=None,
    )
    def itinerary_item(self, request, pk=None, item_id=None):
        """Edit an itinerary entry (If-Match: the entry's ETag), or remove it."""
        visit = self.get_object()
        item = ItineraryItem.objects.active().filter(visit=visit, pk=int(item_id)).first()
        if item is None:
            raise exceptions.NotFound(_("This visit has no such itinerary entry."))
        if request.method == "DELETE":
            itinerary_item_remove(item=item, actor=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        version = expected_version(request)
        data = ItineraryItemWriteInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        require_version(item, version)
        zone = item.zone
        updated = itinerary_item_update(
            item=item,
            actor=request.user,
            expected_version=version,
            data=dataclass_from(
                ItineraryData,
                data.validated_data,
                item,
                many=["attendees"],
                current_values={
                    "starts": item.starts_at.astimezone(zone),
                    "ends": item.ends_at.astimezone(zone),
                    "timezone_name": item.timezone,
                },
            ),
        )
        return self._item_response(updated)

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
