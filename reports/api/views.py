"""The reports API: ask for a report (202), follow its status, download its file.

Reports are built in the worker: `POST /reports/` saves the request and answers 202 at once,
with the report's URL; `GET /reports/{id}/` tells its `status`; `GET /reports/{id}/download/`
gives the file once it is ready (409 before). If the queue cannot be reached the request is
still accepted (202) and built as soon as the queue is back.
"""

import json

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from portal.api.mixins import ERRORS_DETAIL, ERRORS_READ
from portal.api.serializers import ErrorSerializer
from reports import selectors, services
from reports.models import Report
from reports.views import report_file_response

from .permissions import ReportPermission
from .serializers import ReportCreateInputSerializer, ReportSerializer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _FileRenderer(renderers.BaseRenderer):
    """Lets a client ask for the file's type in Accept; error bodies stay JSON."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()


class PdfRenderer(_FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class XlsxRenderer(_FileRenderer):
    media_type = XLSX
    format = "xlsx"


@extend_schema_view(
    list=extend_schema(
        description="The reports the caller may see, newest first: ministry staff and "
        "administrators see every report; the NIH lead and API clients their own and the "
        "scheduled weekly ones.",
        responses={200: ReportSerializer(many=True), **ERRORS_READ, 403: ErrorSerializer},
    ),
    retrieve=extend_schema(
        description="One report and its `status`: queued, running, ready or failed.",
        responses={200: ReportSerializer, **ERRORS_DETAIL, 403: ErrorSerializer},
    ),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Programme reports (PDF or spreadsheet), built in the background."""

    serializer_class = ReportSerializer
    permission_classes = [IsAuthenticated, ReportPermission]
    queryset = Report.objects.none()

    def get_queryset(self):
        return selectors.report_list(viewer=self.request.user)

    @extend_schema(
        request=ReportCreateInputSerializer,
        responses={
            202: ReportSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
        },
        description="Ask for a report. Answers 202 at once with the report's `url`; poll it "
        "until `status` is `ready`, then fetch `download_url`.",
    )
    def create(self, request, *args, **kwargs):
        data = ReportCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_request(
            actor=request.user,
            kind=data.validated_data["kind"],
            format=data.validated_data["format"],
            through_api=True,
        )
        report.refresh_from_db()
        body = ReportSerializer(report, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="Spreadsheet"),
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: OpenApiResponse(ErrorSerializer, description="The report is not ready yet."),
        },
        description="The report's file, as an attachment. 409 `report_not_ready` while it "
        "is queued or being built, or if it failed.",
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[renderers.JSONRenderer, PdfRenderer, XlsxRenderer],
    )
    def download(self, request, pk=None) -> FileResponse:
        report = self.get_object()
        handle = services.report_open(report=report, actor=request.user, through_api=True)
        return report_file_response(report, handle)
