"""Serializers of the reports API: the report (out) and the request for one (in)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.serializers import UserRefSerializer
from reports.models import Report


def status_message(report: Report) -> str:
    """Where the report stands, in words (the same sentences as the page)."""
    if report.status == Report.Status.READY:
        return _("The report is ready to download.")
    if report.status == Report.Status.FAILED:
        return _("The report could not be built. Ask for it again.")
    if report.status == Report.Status.RUNNING:
        return _("The report is being built.")
    if report.enqueued_at is None:
        return _(
            "The queue cannot be reached just now; the report will be built as soon as it is "
            "reachable."
        )
    return _("The report is waiting for the report builder.")


class ReportSerializer(serializers.ModelSerializer):
    """A report: what was asked for, by whom, where it stands, and its file once ready."""

    requested_by = UserRefSerializer(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField(help_text=gettext_lazy("This report in the API."))
    download_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("The file, once the report is ready (null before).")
    )
    status_message = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "format",
            "status",
            "status_message",
            "requested_by",
            "is_scheduled",
            "created_at",
            "enqueued_at",
            "started_at",
            "finished_at",
            "attempts",
            "filename",
            "size",
            "sha256",
            "url",
            "download_url",
        ]
        read_only_fields = fields

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, obj: Report) -> str:
        return self._absolute(reverse("api:report-detail", args=[obj.pk]))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, obj: Report) -> Any:
        if not obj.is_ready:
            return None
        return self._absolute(reverse("api:report-download", args=[obj.pk]))

    def get_status_message(self, obj: Report) -> str:
        return status_message(obj)


class ReportCreateInputSerializer(serializers.Serializer):
    """Ask for a report: which one, in which format."""

    kind = serializers.ChoiceField(choices=Report.Kind.choices)
    format = serializers.ChoiceField(choices=Report.Format.choices)
