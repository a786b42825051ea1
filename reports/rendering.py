"""Turn a report's data into its file: PDF through WeasyPrint, spreadsheets through openpyxl.

PDFs are HTML templates (`templates/reports/*_pdf.html`) with a print stylesheet and charts
drawn as SVG by `portal.charts` (no JavaScript anywhere). Spreadsheets hold real cells: numbers
as numbers, dates as dates, a bold header row, frozen panes, sensible widths, one sheet per
section, and every text passed through `portal.exports.spreadsheet_safe`.

Runs in the worker only (WeasyPrint's cost grows with pages).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from overview.selectors import ProgrammeStatus
from portal import pdf
from portal.charts import bar_chart_svg, progress_bar_svg
from portal.exports import (
    DATE_FORMAT,
    DECIMAL_FORMAT,
    Column,
    write_sheet,
)
from portal.exports import workbook_bytes as _workbook_bytes

from . import selectors
from .models import Report


def render_report(report: Report) -> bytes:
    """The file of a report, built with the data its requester may see."""
    viewer = selectors.report_viewer(report)
    language = getattr(viewer, "preferred_language", "") or None
    with translation.override(language or translation.get_language()):
        if report.kind == Report.Kind.PROGRAMME_STATUS:
            if report.format == Report.Format.PDF:
                status = selectors.programme_status_report(
                    viewer=viewer, overdue_limit=selectors.PDF_OVERDUE_LIMIT
                )
                return programme_status_pdf(status, report=report)
            return programme_status_xlsx(selectors.programme_status_report(viewer=viewer))
        rows = selectors.action_item_export_rows(viewer=viewer)
        if report.format == Report.Format.PDF:
            return action_items_pdf(rows, report=report)
        return action_items_xlsx(rows)


# PDF ---------------------------------------------------------------------------------------------


def html_to_pdf(html: str) -> bytes:
    """Render HTML with the reports' print stylesheet to PDF bytes (no network access)."""
    from weasyprint import CSS

    return pdf.html_to_pdf(html, [CSS(string=render_to_string("reports/report_pdf.css"))])


def _header_context(report: Report) -> dict[str, Any]:
    return {
        "report": report,
        "generated_at": timezone.localtime(),
        "requested_by": report.requested_by.display_name
        if report.requested_by
        else _("the weekly schedule"),
    }


def programme_status_pdf(status: ProgrammeStatus, *, report: Report) -> bytes:
    """The programme status report as a PDF: areas, visits, MoU and overdue action items."""
    areas = []
    for area in status.priority_areas:
        objectives = []
        for objective in area.objectives:
            indicators = [
                {
                    "row": indicator,
                    "bar": progress_bar_svg(
                        percent=indicator.percent, label=indicator.name, width=120, height=10
                    ),
                }
                for indicator in objective.indicators
            ]
            objectives.append({"row": objective, "indicators": indicators})
        areas.append(
            {
                "row": area,
                "objectives": objectives,
                "bar": progress_bar_svg(percent=area.progress, label=area.name),
                "recommendations": [c for c in area.recommendations_by_state if c.count],
            }
        )
    pipeline = bar_chart_svg(
        bars=[(row.label, float(row.count)) for row in status.recommendations_by_state],
        title=_("Recommendations by state"),
        width=640,  # the full text width of an A4 page, so the state names fit
    )
    html = render_to_string(
        "reports/programme_status_pdf.html",
        {
            **_header_context(report),
            "status": status,
            "areas": areas,
            "pipeline_chart": pipeline,
            "visits": [
                {
                    "row": visit,
                    "bar": progress_bar_svg(
                        percent=visit.readiness.percent, label=visit.title, width=120, height=10
                    ),
                }
                for visit in status.visits
            ],
        },
    )
    return html_to_pdf(html)


def action_items_pdf(
    rows: list[selectors.ActionItemRow],
    *,
    report: Report,
    limit: int = selectors.PDF_ACTION_ITEMS_LIMIT,
) -> bytes:
    """The action items as a PDF table, overdue ones marked; at most `limit` rows, open ones
    first (the counts cover every row; the spreadsheet lists them all)."""
    shown = selectors.action_items_for_pdf(rows, limit)
    html = render_to_string(
        "reports/action_items_pdf.html",
        {
            **_header_context(report),
            "rows": shown,
            "total": len(rows),
            "open_count": sum(1 for row in rows if row.is_open),
            "overdue_count": sum(1 for row in rows if row.is_overdue),
        },
    )
    return html_to_pdf(html)


# Spreadsheets ----------------------------------------------------------------------------------


def programme_status_xlsx(status: ProgrammeStatus) -> bytes:
    """The programme status report as a workbook, one sheet per section."""

    def build(workbook: Workbook) -> None:
        write_sheet(
            workbook,
            _("Priority areas"),
            [
                Column(_("Priority area"), 36),
                Column(_("Status"), 14),
                Column(_("Progress (%)"), 12, "0"),
                Column(_("Recommendations"), 16, "0"),
            ],
            [
                (a.name, a.status_label, a.progress, a.recommendation_total)
                for a in status.priority_areas
            ],
        )
        write_sheet(
            workbook,
            _("Indicators"),
            [
                Column(_("Priority area"), 28),
                Column(_("Objective"), 36),
                Column(_("Indicator"), 36),
                Column(_("Unit"), 10),
                Column(_("Baseline"), 12, DECIMAL_FORMAT),
                Column(_("Target"), 12, DECIMAL_FORMAT),
                Column(_("Latest actual"), 14, DECIMAL_FORMAT),
                Column(_("Period"), 10),
                Column(_("Period ends on"), 14, DATE_FORMAT),
                Column(_("Progress (%)"), 12, "0"),
                Column(_("Against target"), 48),
            ],
            [
                (
                    area.name,
                    objective.title,
                    indicator.name,
                    indicator.unit,
                    indicator.baseline,
                    indicator.target,
                    indicator.latest_actual,
                    indicator.latest_period or "",
                    indicator.latest_period_end_on,
                    indicator.percent,
                    indicator.reading,
                )
                for area in status.priority_areas
                for objective in area.objectives
                for indicator in objective.indicators
            ],
        )
        states = status.recommendations_by_state
        write_sheet(
            workbook,
            _("Recommendations"),
            [Column(_("Priority area"), 36), *[Column(row.label, 14, "0") for row in states]],
            [
                (_("All priority areas"), *[row.count for row in states]),
                *[
                    (area.name, *[row.count for row in area.recommendations_by_state])
                    for area in status.priority_areas
                ],
            ],
        )
        write_sheet(
            workbook,
            _("Visits"),
            [
                Column(_("Visit"), 36),
                Column(_("Destination"), 20),
                Column(_("State"), 16),
                Column(_("Starts on"), 12, DATE_FORMAT),
                Column(_("Ends on"), 12, DATE_FORMAT),
                Column(_("Members ready"), 10, "0"),
                Column(_("Members"), 10, "0"),
                Column(_("Readiness (%)"), 12, "0"),
                Column(_("Logistics done"), 10, "0"),
                Column(_("Logistics tasks"), 10, "0"),
                Column(_("Blockers"), 10, "0"),
            ],
            [
                (
                    v.title,
                    v.destination,
                    v.state_label,
                    v.starts_on,
                    v.ends_on,
                    v.readiness.members_ready,
                    v.readiness.members_total,
                    v.readiness.percent,
                    v.readiness.logistics_done,
                    v.readiness.logistics_total,
                    v.readiness.blockers,
                )
                for v in status.visits
            ],
        )
        write_sheet(
            workbook,
            _("MoU"),
            [
                Column(_("MoU"), 36),
                Column(_("Stage"), 18),
                Column(_("Current version"), 10, "0"),
                Column(_("Next step"), 28),
                Column(_("Milestone"), 36),
                Column(_("On"), 12, DATE_FORMAT),
                Column(_("Planned"), 10),
            ],
            [
                (
                    mou.title,
                    mou.state_label,
                    mou.current_version,
                    mou.next_step,
                    milestone.label,
                    milestone.on,
                    _("Planned") if milestone.is_planned else "",
                )
                for mou in status.mous
                for milestone in (mou.timeline or ())
            ]
            + [
                (mou.title, mou.state_label, mou.current_version, mou.next_step, "", None, "")
                for mou in status.mous
                if not mou.timeline
            ],
        )
        write_sheet(
            workbook,
            _("Overdue action items"),
            [
                Column(_("Action item"), 40),
                Column(_("Owner"), 24),
                Column(_("Due on"), 12, DATE_FORMAT),
                Column(_("Days overdue"), 12, "0"),
            ],
            [
                (item.title, item.owner_name, item.due_on, item.days_overdue)
                for item in status.action_items.overdue
            ],
        )
        genebank = status.genebank
        write_sheet(
            workbook,
            _("Gene bank"),
            [
                Column(_("Cohort"), 36),
                Column(_("Priority area"), 24),
                Column(_("Participants"), 14, "0"),
                Column(_("Samples"), 14, "0"),
                Column(_("Progress (%)"), 12, "0"),
            ],
            [
                (c.name, c.priority_area, c.enrolled_participants, c.collected_samples, c.percent)
                for c in genebank.cohorts
            ],
        )
        write_sheet(
            workbook,
            _("Transfers"),
            [Column(_("State"), 28), Column(_("Count"), 10, "0")],
            [(row.label, row.count) for row in genebank.transfers_by_state],
        )
        write_sheet(
            workbook,
            _("Approvals expiring"),
            [
                Column(_("Approval"), 36),
                Column(_("Committee or authority"), 30),
                Column(_("Valid to"), 12, DATE_FORMAT),
                Column(_("Days left"), 10, "0"),
            ],
            [
                (f"{a.kind_label} {a.reference}", a.authority, a.valid_to, a.days_left)
                for a in genebank.approvals_expiring
            ],
        )

    return _workbook_bytes(build)


def action_items_xlsx(rows: list[selectors.ActionItemRow]) -> bytes:
    """The action items export as a workbook (one sheet)."""

    def build(workbook: Workbook) -> None:
        write_sheet(
            workbook,
            _("Action items"),
            [
                Column(_("ID"), 8, "0"),
                Column(_("Action item"), 40),
                Column(_("Status"), 14),
                Column(_("Owner"), 24),
                Column(_("Due on"), 12, DATE_FORMAT),
                Column(_("Overdue"), 10),
                Column(_("Days overdue"), 12, "0"),
                Column(_("From meeting"), 30),
                Column(_("Created on"), 12, DATE_FORMAT),
                Column(_("Completed on"), 12, DATE_FORMAT),
            ],
            [
                (
                    row.id,
                    row.title,
                    row.status_label,
                    row.owner_name,
                    row.due_on,
                    _("Yes") if row.is_overdue else _("No"),
                    row.days_overdue,
                    row.meeting_title,
                    row.created_on,
                    row.completed_on,
                )
                for row in rows
            ],
        )

    return _workbook_bytes(build)
