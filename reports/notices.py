"""What the events app needs to know about reports (registered in `ReportsConfig.ready`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from events import notices, registry

from .models import Report


def _report_data(report: Report, viewer: Any) -> dict[str, Any]:
    from .api.serializers import ReportSerializer

    return dict(ReportSerializer(report, context={"request": None}).data)


def register() -> None:
    registry.register_type(
        registry.EventType(f"report.{Report.Status.READY}", _("Report ready"), notices.REPORTS)
    )
    registry.register_type(
        registry.EventType(f"report.{Report.Status.FAILED}", _("Report failed"), notices.REPORTS)
    )
    registry.register_subject(
        registry.SubjectKind(
            model=Report,
            visible=lambda user: Report.objects.visible_to(user),
            serialize=_report_data,
            title=lambda report: report.get_kind_display(),
            url=lambda report: report.get_absolute_url(),
            audience=lambda event, report: [report.requested_by] if report.requested_by else [],
        )
    )
