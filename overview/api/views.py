"""The programme status endpoint: everything a dashboard needs in one call, with an ETag."""

import hashlib

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.mixins import etag_matches
from portal.api.permissions import CanReadProgrammeStatus
from portal.api.serializers import ErrorSerializer
from portal.caching import remember

from ..selectors import programme_status
from .serializers import ProgrammeStatusSerializer


def body_etag(data: object) -> str:
    """A strong ETag from the serialized body: any change of what is returned changes it."""
    rendered = JSONRenderer().render(data)
    digest = hashlib.sha256(rendered).hexdigest()[:40]
    return f'"{digest}"'


class ProgrammeStatusView(APIView):
    """The programme's status: priority areas with indicator progress and recommendations by
    state, visits with readiness, the MoU's state and next step, action item counts, and
    when anything last changed.

    Send the ETag back in `If-None-Match` to get 304 Not Modified while nothing changed.
    """

    permission_classes = [IsAuthenticated, CanReadProgrammeStatus]

    @extend_schema(
        operation_id="status_retrieve",
        parameters=[
            OpenApiParameter(
                "If-None-Match",
                str,
                OpenApiParameter.HEADER,
                description="The ETag of a status you already have: 304 while it is unchanged.",
            ),
            OpenApiParameter(
                "ETag",
                str,
                OpenApiParameter.HEADER,
                response=[200, 304],
                description="Identifies this exact status body.",
            ),
        ],
        responses={
            200: ProgrammeStatusSerializer,
            304: OpenApiResponse(description="Not modified: the status is the one you have."),
            401: ErrorSerializer,
            403: ErrorSerializer,
        },
    )
    def get(self, request):
        def compute() -> tuple[dict, str]:
            data = ProgrammeStatusSerializer(programme_status(viewer=request.user)).data
            return dict(data), body_etag(data)

        data, etag = remember(request, "api-status", compute)
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if etag_matches(request.headers.get("If-None-Match"), etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        return Response(data, headers=headers)
