"""ViewSets of the collaboration API: thin adapters over selectors, policies and services.

Every queryset starts from `visible_to(request.user)` (or a selector that does), so what a
person may not see is simply missing (404, or absent from lists). Writes validate an input
serializer and call a service; domain errors map to HTTP in portal/api/exceptions.py.
"""

from typing import Any, cast

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from collaboration import policies
from collaboration.models import (
    ActionItem,
    Capability,
    Meeting,
    PriorityArea,
    Programme,
    Recommendation,
    RecommendationVersion,
    TeamMembership,
)
from collaboration.selectors import (
    current_programme,
    priority_area_list,
    recommendation_list,
    recommendation_versions_diff,
)
from collaboration.services import (
    ActionItemData,
    MeetingData,
    RecommendationData,
    action_item_create,
    action_item_transition,
    action_item_update,
    decision_add,
    meeting_create,
    meeting_update,
    recommendation_comment_add,
    recommendation_create,
    recommendation_transition,
    recommendation_update,
)
from collaboration.workflows import ACTION_ITEM_FLOW, RECOMMENDATION_FLOW
from portal.api.concurrency import expected_version
from portal.api.mixins import (
    ERRORS_DETAIL,
    ERRORS_READ,
    ERRORS_WRITE,
    IF_MATCH,
    IF_NONE_MATCH,
    LIST_IF_NONE_MATCH,
    LIST_VALIDATORS,
    NOT_MODIFIED,
    AvailableTransitionsMixin,
    ConditionalListMixin,
    ConditionalRetrieveMixin,
    FilterListOnlyMixin,
    etag_header,
    read_schema,
)
from portal.api.serializers import ErrorSerializer
from portal.api.transitions import TransitionsActionMixin, transitions_schema
from portal.api.writes import (
    JsonWritesMixin,
    create_schema,
    dataclass_from,
    edit_schema,
    example,
    post_schema,
    require_version,
)
from portal.exceptions import Conflict, StaleVersion
from portal.models import User

from .filters import ActionItemFilter, CapabilityFilter, RecommendationFilter, TeamMembershipFilter
from .permissions import ActionItemPermission, MeetingPermission, RecommendationPermission
from .serializers import (
    ActionItemSerializer,
    ActionItemTransitionInputSerializer,
    ActionItemWriteInputSerializer,
    CapabilitySerializer,
    DecisionCreateInputSerializer,
    DecisionSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    MeetingWriteInputSerializer,
    PriorityAreaSerializer,
    ProgrammeSerializer,
    RecommendationCommentCreateInputSerializer,
    RecommendationCommentSerializer,
    RecommendationCreateInputSerializer,
    RecommendationDiffInputSerializer,
    RecommendationDiffSerializer,
    RecommendationListItemSerializer,
    RecommendationSerializer,
    RecommendationTransitionInputSerializer,
    RecommendationUpdateInputSerializer,
    RecommendationVersionSerializer,
    TeamMembershipSerializer,
)

# Programme, priority areas, capabilities, team -----------------------------------------------


@read_schema(ProgrammeSerializer, ProgrammeSerializer, versioned=True)
class ProgrammeViewSet(ConditionalRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    """The cooperation programme with BGI Group."""

    serializer_class = ProgrammeSerializer
    queryset = Programme.objects.none()

    def get_queryset(self):
        return Programme.objects.visible_to(self.request.user)


@read_schema(PriorityAreaSerializer, PriorityAreaSerializer, versioned=False)
class PriorityAreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Priority areas with lead, recommendation count, objectives, indicators and progress."""

    serializer_class = PriorityAreaSerializer
    lookup_field = "slug"
    queryset = PriorityArea.objects.none()

    def get_queryset(self):
        # The count annotation groups rows, which drops the model's default ordering.
        return priority_area_list(viewer=self.request.user).order_by("position", "name", "pk")


@read_schema(CapabilitySerializer, CapabilitySerializer, versioned=False)
class CapabilityViewSet(FilterListOnlyMixin, viewsets.ReadOnlyModelViewSet):
    """BGI's capability catalogue; filter by category and priority area."""

    serializer_class = CapabilitySerializer
    filterset_class = CapabilityFilter
    queryset = Capability.objects.none()

    def get_queryset(self):
        return (
            Capability.objects.visible_to(self.request.user)
            .active()
            .prefetch_related("priority_areas")
        )


@read_schema(TeamMembershipSerializer, TeamMembershipSerializer, versioned=False)
class TeamMemberViewSet(FilterListOnlyMixin, viewsets.ReadOnlyModelViewSet):
    """Current and past members of the NIH technical team."""

    serializer_class = TeamMembershipSerializer
    filterset_class = TeamMembershipFilter
    queryset = TeamMembership.objects.none()

    def get_queryset(self):
        if not policies.can_view_programme(cast(User, self.request.user)):
            return TeamMembership.objects.none()
        return TeamMembership.objects.select_related("user")


# Recommendations ------------------------------------------------------------------------------


def _recommendation_data(values: dict, current: Recommendation | None = None) -> RecommendationData:
    """Content for the service: the sent values, the rest from `current` (PATCH)."""

    def pick(name: str, default: Any) -> Any:
        if name in values:
            return values[name]
        return getattr(current, name) if current is not None else default

    def pick_many(name: str) -> list:
        if name in values:
            return list(values[name])
        return list(getattr(current, name).all()) if current is not None else []

    return RecommendationData(
        **{name: pick(name, "") for name in Recommendation.TEXT_FIELDS},
        estimated_cost_pkr=pick("estimated_cost_pkr", None),
        priority_areas=pick_many("priority_areas"),
        capabilities=pick_many("capabilities"),
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[LIST_IF_NONE_MATCH, *LIST_VALIDATORS],
        responses={200: RecommendationListItemSerializer, 304: NOT_MODIFIED, **ERRORS_READ},
    ),
    retrieve=extend_schema(
        parameters=[IF_NONE_MATCH, etag_header(200, 304)],
        responses={200: RecommendationSerializer, 304: NOT_MODIFIED, **ERRORS_DETAIL},
    ),
    create=extend_schema(
        request=RecommendationCreateInputSerializer,
        parameters=[etag_header(201)],
        responses={
            201: RecommendationSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
        },
    ),
    update=extend_schema(
        request=RecommendationUpdateInputSerializer,
        parameters=[IF_MATCH, etag_header(200)],
        responses={200: RecommendationSerializer, **ERRORS_WRITE},
    ),
    partial_update=extend_schema(
        request=RecommendationUpdateInputSerializer,
        parameters=[IF_MATCH, etag_header(200)],
        responses={200: RecommendationSerializer, **ERRORS_WRITE},
    ),
    transitions=transitions_schema(
        RecommendationTransitionInputSerializer, RecommendationSerializer
    ),
)
class RecommendationViewSet(
    TransitionsActionMixin,
    ConditionalListMixin,
    FilterListOnlyMixin,
    ConditionalRetrieveMixin,
    AvailableTransitionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Recommendations of the NIH technical team: read, draft, edit, move through review."""

    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter
    permission_classes = [IsAuthenticated, RecommendationPermission]
    workflow = transition_workflow = RECOMMENDATION_FLOW
    transition_input_serializer = RecommendationTransitionInputSerializer
    queryset = Recommendation.objects.none()
    # What a row of the list is made of (its ETag moves when one of these tables changes).
    list_models = (
        Recommendation,
        Recommendation.authors.through,
        Recommendation.priority_areas.through,
        Recommendation.capabilities.through,
        PriorityArea,
        Capability,
        User,
    )

    def get_queryset(self):
        return recommendation_list(viewer=self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return RecommendationListItemSerializer
        return RecommendationSerializer

    def _fresh(self, recommendation: Recommendation) -> Recommendation:
        """Re-read after a write, with everything the output serializer needs."""
        return recommendation_list(viewer=self.request.user).get(pk=recommendation.pk)

    def create(self, request, *args, **kwargs):
        data = RecommendationCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recommendation = recommendation_create(
            actor=request.user,
            data=_recommendation_data(data.validated_data),
        )
        response = self.versioned_response(self._fresh(recommendation), status.HTTP_201_CREATED)
        response["Location"] = reverse(
            "api:recommendation-detail", args=[recommendation.pk], request=request
        )
        return response

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        recommendation = self.get_object()
        version = expected_version(request)
        data = RecommendationUpdateInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        if recommendation.version != version:
            # The unsent fields of a PATCH come from this read, so it must be the version
            # the client saw; the service re-checks under a row lock.
            raise StaleVersion(current=recommendation.version)
        updated = recommendation_update(
            recommendation=recommendation,
            actor=request.user,
            expected_version=version,
            data=_recommendation_data(data.validated_data, recommendation),
            note=data.validated_data.get("note", ""),
        )
        return self.versioned_response(self._fresh(updated))

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={200: RecommendationVersionSerializer(many=True), **ERRORS_DETAIL},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def versions(self, request, pk=None):
        """Every saved version of the text, newest first."""
        recommendation = self.get_object()
        versions = (
            recommendation.versions.select_related("created_by")
            .prefetch_related("priority_areas", "capabilities")
            .order_by("-number")
        )
        return Response(RecommendationVersionSerializer(versions, many=True).data)

    @extend_schema(
        request=None,
        parameters=[RecommendationDiffInputSerializer],
        responses={200: RecommendationDiffSerializer, 400: ErrorSerializer, **ERRORS_DETAIL},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def diff(self, request, pk=None):
        """Differences of every versioned field between two saved versions (`?from=1&to=2`)."""
        recommendation = self.get_object()
        params = RecommendationDiffInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        try:
            fields = recommendation_versions_diff(
                recommendation=recommendation,
                from_number=params.validated_data["from"],
                to_number=params.validated_data["to"],
            )
        except RecommendationVersion.DoesNotExist:
            raise exceptions.NotFound(_("This recommendation has no such version.")) from None
        body = {
            "from_version": params.validated_data["from"],
            "to_version": params.validated_data["to"],
            "fields": dict(fields),
        }
        return Response(RecommendationDiffSerializer(body).data)

    def perform_transition(self, subject: Recommendation, data: dict, version: int) -> Any:
        return recommendation_transition(
            recommendation=subject,
            name=data["transition"],
            actor=cast(User, self.request.user),
            comment=data["comment"],
            expected_version=version,
            official_reference=data["official_reference"],
        )

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={200: RecommendationCommentSerializer(many=True), **ERRORS_DETAIL},
    )
    @extend_schema(
        methods=["POST"],
        request=RecommendationCommentCreateInputSerializer,
        responses={
            201: RecommendationCommentSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def comments(self, request, pk=None):
        """GET: the comments, oldest first. POST: add one."""
        recommendation = self.get_object()
        if request.method == "GET":
            comments = recommendation.comments.active().select_related("author")
            return Response(RecommendationCommentSerializer(comments, many=True).data)
        data = RecommendationCommentCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = recommendation_comment_add(
            recommendation=recommendation, actor=request.user, body=data.validated_data["body"]
        )
        return Response(RecommendationCommentSerializer(comment).data, status.HTTP_201_CREATED)


# Meetings and action items ---------------------------------------------------------------------


def _programme_for(user: User, refusal: str) -> Programme:
    """The programme new records go in (as in the pages); 409 before it is set up."""
    programme = current_programme(user)
    if programme is None:
        raise Conflict(refusal, code="no_programme")
    return programme


MEETING_EXAMPLE = example(
    "A steering committee meeting",
    {
        "title": "Joint steering committee, third session",
        "held_at": "2026-03-12T10:00:00+05:00",
        "location": "Islamabad",
        "chair": "Secretary of Health",
        "official_reference": "F.No. 3-7/2026-IHR",
        "attendees": [4, 7],
        "external_attendees": "Dr Li Wei (BGI)",
        "minutes": "Agreed the sequencing pilot's scope.",
    },
)
ACTION_ITEM_EXAMPLE = example(
    "An action item from a decision",
    {
        "title": "Send the sample transfer protocol to BGI",
        "description": "The draft agreed at the steering committee.",
        "owner": 7,
        "due_on": "2026-04-01",
        "meeting": 3,
        "decision": 12,
    },
)


@read_schema(MeetingSerializer, MeetingDetailSerializer, versioned=True)
@extend_schema_view(
    create=create_schema(
        MeetingWriteInputSerializer,
        MeetingDetailSerializer,
        description="Record a meeting (ministry staff), in the programme.",
        examples=[MEETING_EXAMPLE],
    ),
    update=edit_schema(MeetingWriteInputSerializer, MeetingDetailSerializer),
    partial_update=edit_schema(
        MeetingWriteInputSerializer, MeetingDetailSerializer, examples=[MEETING_EXAMPLE]
    ),
)
class MeetingViewSet(
    JsonWritesMixin,
    ConditionalRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Programme meetings; the detail has attendees, minutes, decisions and action items.
    Ministry staff record them, edit them (If-Match) and add decisions."""

    permission_classes = [IsAuthenticated, MeetingPermission]
    queryset = Meeting.objects.none()
    json_write_actions = frozenset({"create", "update", "partial_update", "decisions"})

    def get_queryset(self):
        meetings = Meeting.objects.visible_to(self.request.user)
        if self.action == "list":
            return meetings.active()
        return meetings.prefetch_related(
            "attendees",
            "decisions",
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.active().select_related("owner"),
            ),
        )

    def get_serializer_class(self):
        if self.action == "list":
            return MeetingSerializer
        return MeetingDetailSerializer

    def _fresh(self, meeting: Meeting) -> Meeting:
        return self.get_queryset().get(pk=meeting.pk)

    def create(self, request, *args, **kwargs):
        data = MeetingWriteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        programme = _programme_for(
            request.user, _("Set up the programme before recording meetings.")
        )
        meeting = meeting_create(
            programme=programme,
            actor=request.user,
            data=dataclass_from(MeetingData, data.validated_data, many=["attendees"]),
        )
        response = self.versioned_response(self._fresh(meeting), status.HTTP_201_CREATED)
        response["Location"] = reverse("api:meeting-detail", args=[meeting.pk], request=request)
        return response

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        meeting = self.get_object()
        version = expected_version(request)
        data = MeetingWriteInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        require_version(meeting, version)
        updated = meeting_update(
            meeting=meeting,
            actor=request.user,
            expected_version=version,
            data=dataclass_from(
                MeetingData, data.validated_data, meeting if partial else None, many=["attendees"]
            ),
        )
        return self.versioned_response(self._fresh(updated))

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    @post_schema(
        DecisionCreateInputSerializer,
        DecisionSerializer,
        description="Record a decision at the end of the meeting's list (ministry staff).",
        examples=[example("A decision", {"text": "The pilot starts with 200 samples."})],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def decisions(self, request, pk=None):
        """Record a decision of the meeting."""
        meeting = self.get_object()
        data = DecisionCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = decision_add(
            meeting=meeting, text=data.validated_data["text"], actor=request.user
        )
        return Response(DecisionSerializer(decision).data, status.HTTP_201_CREATED)


@read_schema(ActionItemSerializer, ActionItemSerializer, versioned=True)
@extend_schema_view(
    transitions=transitions_schema(ActionItemTransitionInputSerializer, ActionItemSerializer),
    create=create_schema(
        ActionItemWriteInputSerializer,
        ActionItemSerializer,
        description="Give someone a dated task (ministry staff), perhaps from a meeting's "
        "decision.",
        examples=[ACTION_ITEM_EXAMPLE],
    ),
    update=edit_schema(ActionItemWriteInputSerializer, ActionItemSerializer),
    partial_update=edit_schema(
        ActionItemWriteInputSerializer,
        ActionItemSerializer,
        examples=[example("Move the due date", {"due_on": "2026-04-15"})],
    ),
)
class ActionItemViewSet(
    JsonWritesMixin,
    TransitionsActionMixin,
    FilterListOnlyMixin,
    ConditionalRetrieveMixin,
    AvailableTransitionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Action items; filter by status, owner, overdue and due date; create, edit (If-Match)
    and move them along."""

    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    permission_classes = [IsAuthenticated, ActionItemPermission]
    workflow = transition_workflow = ACTION_ITEM_FLOW
    transition_input_serializer = ActionItemTransitionInputSerializer
    queryset = ActionItem.objects.none()
    json_write_actions = frozenset({"create", "update", "partial_update"})

    def get_queryset(self):
        items = ActionItem.objects.visible_to(self.request.user).select_related(
            "owner", "meeting", "linked_type"
        )
        if self.action == "list":
            return items.active()
        return items

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _input(self, request, partial: bool = False) -> ActionItemWriteInputSerializer:
        data = ActionItemWriteInputSerializer(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        return data

    def create(self, request, *args, **kwargs):
        data = self._input(request)
        programme = _programme_for(
            request.user, _("Set up the programme before adding action items.")
        )
        item = action_item_create(
            programme=programme,
            actor=request.user,
            data=dataclass_from(ActionItemData, data.validated_data),
        )
        response = self.versioned_response(
            self.get_queryset().get(pk=item.pk), status.HTTP_201_CREATED
        )
        response["Location"] = reverse("api:action-item-detail", args=[item.pk], request=request)
        return response

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        item = self.get_object()
        version = expected_version(request)
        data = self._input(request, partial)
        require_version(item, version)
        updated = action_item_update(
            item=item,
            actor=request.user,
            expected_version=version,
            # The link to another record is kept: it is set where the item is made from it.
            data=dataclass_from(
                ActionItemData,
                data.validated_data,
                item if partial else None,
                current_values={"linked_record": item.linked_record},
            ),
        )
        return self.versioned_response(self.get_queryset().get(pk=updated.pk))

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def perform_transition(self, subject: ActionItem, data: dict, version: int) -> Any:
        return action_item_transition(
            item=subject,
            name=data["transition"],
            actor=cast(User, self.request.user),
            comment=data["comment"],
            expected_version=version,
        )
