"""ViewSets of the collaboration API: thin adapters over selectors, policies and services.

Every queryset starts from `visible_to(request.user)` (or a selector that does), so what a
person may not see is simply missing (404, or absent from lists). Writes validate an input
serializer and call a service; domain errors map to HTTP in portal/api/exceptions.py.
"""

from typing import Any, cast

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from collaboration import policies
from collaboration.models import (
    Capability,
    PriorityArea,
    Programme,
    Recommendation,
    RecommendationVersion,
    TeamMembership,
)
from collaboration.selectors import (
    priority_area_list,
    recommendation_list,
    recommendation_versions_diff,
)
from collaboration.services import (
    RecommendationData,
    recommendation_comment_add,
    recommendation_create,
    recommendation_transition,
    recommendation_update,
)
from collaboration.workflows import RECOMMENDATION_FLOW
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
from portal.exceptions import StaleVersion
from portal.models import User

from .filters import CapabilityFilter, RecommendationFilter, TeamMembershipFilter
from .permissions import RecommendationPermission
from .serializers import (
    CapabilitySerializer,
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
