"""Search and traceability endpoints: thin adapters over the selectors and the policies."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.serializers import ErrorSerializer

from .. import policies, selectors, traceability
from .serializers import SearchQueryInputSerializer, SearchResultsSerializer, TraceGraphSerializer


class CanSearch(BasePermission):
    """People inside government and BGI's liaison; machine accounts get 403."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return policies.can_search(request.user)


class SearchApiView(APIView):
    """Records the caller may see that match the words, best first per kind, with counts.

    BGI's liaison finds only visits shared with BGI and clauses of MoU versions shared with
    BGI; archived records are left out.
    """

    permission_classes = [IsAuthenticated, CanSearch]

    @extend_schema(
        operation_id="search",
        parameters=[SearchQueryInputSerializer],
        responses={
            200: SearchResultsSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
        },
    )
    def get(self, request: Request) -> Response:
        params = SearchQueryInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        results = selectors.search(
            viewer=request.user,
            query=data["q"],
            kind=data.get("kind"),
            offset=data["offset"],
            limit=data["limit"],
        )
        return Response(SearchResultsSerializer(results).data)


class TraceApiView(APIView):
    """Where a record comes from and what comes from it (internal people only; others 404)."""

    @extend_schema(
        operation_id="trace",
        parameters=[
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(traceability.TRACEABLE_KINDS),
            ),
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
        responses={200: TraceGraphSerializer, 401: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, kind: str, id: int) -> Response:
        if not policies.can_view_traceability(request.user):
            raise NotFound
        record = traceability.record_for(viewer=request.user, kind=kind, pk=id)
        if record is None:
            raise NotFound
        graph = traceability.trace_for(viewer=request.user, obj=record)
        return Response(TraceGraphSerializer(graph).data)
