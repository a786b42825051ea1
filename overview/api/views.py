"""The programme status endpoint: everything a dashboard needs in one call, with validators."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.mixins import LIST_IF_NONE_MATCH, LIST_VALIDATORS
from portal.api.permissions import CanReadProgrammeStatus
from portal.api.serializers import ErrorSerializer
from portal.freshness import validator, watched_models

from ..selectors import programme_status
from .serializers import ProgrammeStatusSerializer, StatusQuerySerializer


class ProgrammeStatusView(APIView):
    """The programme's status: priority areas with indicator progress and recommendations by
    state, the visits under way or departing within 90 days (`?visits=all`: every visit)
    with readiness, the
    MoU's state and next step, action item counts, and when anything last changed.

    Send the ETag back in `If-None-Match` to get 304 Not Modified while nothing changed; that
    answer costs one query.
    """

    permission_classes = [IsAuthenticated, CanReadProgrammeStatus]

    @extend_schema(
        operation_id="status_retrieve",
        parameters=[StatusQuerySerializer, LIST_IF_NONE_MATCH, *LIST_VALIDATORS],
        responses={
            200: ProgrammeStatusSerializer,
            304: OpenApiResponse(description="Not modified: the status is the one you have."),
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
        },
    )
    def get(self, request):
        params = StatusQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        # The status is made of every programme table (names of people included).
        current = validator(request, watched_models())
        if current.matches(request.headers.get("If-None-Match")):
            return current.apply(Response(status=status.HTTP_304_NOT_MODIFIED))
        status_now = programme_status(
            viewer=request.user,
            current_visits_only=params.validated_data["visits"] == "current",
            overdue_limit=0,  # the API counts overdue action items; it lists none
            mous_limit=1,  # and shows the current MoU
        )
        return current.apply(Response(ProgrammeStatusSerializer(status_now).data))
