"""The trip report of a visit: its summary, findings per objective (follow-ups become action
items or draft recommendations when it is submitted) and attachments (internal pages).

Ministry staff and NIH people who travel with the delegation write it; ministry staff or an
NIH lead who travelled submit it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View

from portal.exceptions import DomainError, StaleVersion
from portal.pages import STALE_EDIT_MESSAGE, STALE_STEP_MESSAGE, put_errors_on_form
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, services
from ..forms.itinerary import (
    AttachmentForm,
    FindingForm,
    TripReportSubmitForm,
    TripReportSummaryForm,
)
from ..models import Finding, TripReport, TripReportAttachment, Visit, VisitObjective
from ..workflows import VISIT_FLOW
from .common import VisitPagesMixin, get_visit, get_visit_record, visit_page

CONFLICT = 409


def _report_of(visit: Visit) -> TripReport | None:
    return (
        TripReport.objects.filter(visit=visit)
        .select_related("submitted_by")
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=Finding.objects.select_related(
                    "objective", "follow_up_owner", "author", "action_item", "recommendation"
                ).order_by("pk"),
            ),
            Prefetch(
                "attachments",
                queryset=TripReportAttachment.objects.select_related("uploaded_by").order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .first()
    )


def _trip_report_page(
    request: AuthenticatedHttpRequest,
    visit: Visit,
    *,
    status: int = 200,
    summary_form: TripReportSummaryForm | None = None,
    finding_form: FindingForm | None = None,
    attachment_form: AttachmentForm | None = None,
    submit_form: TripReportSubmitForm | None = None,
) -> HttpResponse:
    user = request.user
    report = _report_of(visit)
    findings = list(report.findings.all()) if report else []
    objectives = list(
        VisitObjective.objects.active()
        .filter(visit=visit)
        .select_related("priority_area")
        .order_by("position", "pk")
    )
    by_objective: dict[int | None, list[Finding]] = {}
    for finding in findings:
        by_objective.setdefault(finding.objective_id, []).append(finding)
    groups = [
        {"objective": objective, "findings": by_objective.pop(objective.pk, [])}
        for objective in objectives
    ]
    # Findings without an objective, or about an objective since archived.
    other = [finding for rest in by_objective.values() for finding in rest]
    is_open = services.trip_report_is_open(visit)
    can_write = is_open and policies.can_write_findings(user, visit)
    can_submit = any(t.name == "submit_report" for t in VISIT_FLOW.available(visit, user))
    context = {
        **visit_page(request, visit, "report", (_("Trip report"), None)),
        "report": report,
        "groups": groups,
        "other_findings": other,
        "finding_count": len(findings),
        "attachments": list(report.attachments.all()) if report else [],
        "is_open": is_open,
        "can_write": can_write,
        "can_submit": can_submit,
        # The person who will submit sees when they can, while the report is being written.
        "submit_later": is_open and not can_submit and policies.can_submit_report(user, visit),
        "summary_form": summary_form
        or TripReportSummaryForm(
            initial={
                "summary": report.summary if report else "",
                "version": report.version if report else None,
            }
        ),
        "finding_form": finding_form or FindingForm(visit=visit),
        "attachment_form": attachment_form or AttachmentForm(),
        "submit_form": submit_form or TripReportSubmitForm(initial={"version": visit.version}),
    }
    return TemplateResponse(request, "delegations/tripreport_detail.html", context, status=status)


def _writer_visit(request: AuthenticatedHttpRequest, pk: int) -> Visit:
    """The visit whose report the viewer may write (404 if hidden, 403 if read only)."""
    visit = get_visit(request, pk, internal=True)
    if not policies.can_write_findings(request.user, visit):
        raise PermissionDenied
    return visit


def _report_url(visit: Visit, anchor: str = "") -> str:
    url = reverse("delegations:trip-report", args=[visit.pk])
    return f"{url}#{anchor}" if anchor else url


class _ReportFormView(VisitPagesMixin, View):
    """POST one of the report's forms: the writer's visit, the form, the service; a refusal
    shows the report again with the form as it was sent, at `form_name`."""

    http_method_names = ["post"]
    form_name: ClassVar[str]
    anchor: ClassVar[str]

    def make_form(self, request: AuthenticatedHttpRequest, visit: Visit) -> forms.Form:
        raise NotImplementedError

    def save(self, request: AuthenticatedHttpRequest, visit: Visit, form: Any) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def error_aliases(self, form: Any) -> dict[str, str] | None:
        return None

    def rebound(self, form: Any, error: StaleVersion) -> forms.Form:
        return form

    def page(
        self, request: AuthenticatedHttpRequest, visit: Visit, status: int, form: Any
    ) -> HttpResponse:
        forms_by_name: dict[str, Any] = {self.form_name: form}
        return _trip_report_page(request, visit, status=status, **forms_by_name)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = _writer_visit(request, pk)
        form = self.make_form(request, visit)
        if not form.is_valid():
            return self.page(request, visit, 400, form)
        try:
            message = self.save(request, visit, form)
        except StaleVersion as error:
            messages.error(request, STALE_EDIT_MESSAGE)
            return self.page(request, visit, CONFLICT, self.rebound(form, error))
        except ValidationError as error:
            put_errors_on_form(form, error, self.error_aliases(form))
            return self.page(request, visit, 400, form)
        except DomainError as error:
            domain_error_message(request, error)
            return self.page(request, visit, error.status_code, form)
        messages.success(request, message)
        return redirect(_report_url(visit, self.anchor))


class TripReportView(_ReportFormView):
    """The trip report: summary, findings per objective, attachments; POST saves the summary."""

    http_method_names = ["get", "post"]
    form_name = "summary_form"
    anchor = "summary"

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _trip_report_page(request, get_visit(request, pk, internal=True))

    def make_form(self, request: AuthenticatedHttpRequest, visit: Visit) -> forms.Form:
        return TripReportSummaryForm(request.POST)

    def save(self, request: AuthenticatedHttpRequest, visit: Visit, form: Any) -> str:
        services.trip_report_save(
            visit=visit,
            actor=request.user,
            summary=form.cleaned_data["summary"],
            expected_version=form.cleaned_data["version"],
        )
        return _("The report's summary was saved.")

    def rebound(self, form: Any, error: StaleVersion) -> forms.Form:
        # Their text stays in the form; the saved text is shown above it.
        return TripReportSummaryForm(
            {"summary": form.cleaned_data["summary"], "version": error.current}
        )


class FindingCreateView(_ReportFormView):
    form_name = "finding_form"
    anchor = "findings"

    def make_form(self, request: AuthenticatedHttpRequest, visit: Visit) -> forms.Form:
        return FindingForm(request.POST, visit=visit)

    def save(self, request: AuthenticatedHttpRequest, visit: Visit, form: Any) -> str:
        services.finding_add(
            visit=visit,
            actor=request.user,
            data=services.FindingData(
                text=form.cleaned_data["text"],
                objective=form.cleaned_data["objective"],
                follow_up=form.cleaned_data["follow_up"],
                follow_up_owner=form.owner(),
                follow_up_due_on=form.cleaned_data["due_on"],
            ),
        )
        return _("Finding added to the report.")

    def error_aliases(self, form: Any) -> dict[str, str]:
        owner_field = (
            "recommendation_owner"
            if form.cleaned_data["follow_up"] == Finding.FollowUp.RECOMMENDATION
            else "action_owner"
        )
        return {"follow_up_owner": owner_field, "follow_up_due_on": "due_on"}


class AttachmentCreateView(_ReportFormView):
    form_name = "attachment_form"
    anchor = "attachments"

    def make_form(self, request: AuthenticatedHttpRequest, visit: Visit) -> forms.Form:
        return AttachmentForm(request.POST, request.FILES)

    def save(self, request: AuthenticatedHttpRequest, visit: Visit, form: Any) -> str:
        attachment = services.trip_report_attach(
            visit=visit,
            actor=request.user,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
        )
        return _("“%(title)s” attached.") % {"title": attachment.title}


class AttachmentDownloadView(VisitPagesMixin, View):
    """A report attachment, served only to people who may see the report."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
        attachment = get_visit_record(
            request, TripReportAttachment.objects.all(), pk, via="report__visit"
        )
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=f"{slugify(attachment.title) or 'attachment'}.pdf",
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class TripReportSubmitView(VisitPagesMixin, View):
    """Submit the report: findings marked for follow-up become action items or drafts."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(request, pk, internal=True)
        if not policies.can_submit_report(request.user, visit):
            raise PermissionDenied
        form = TripReportSubmitForm(request.POST)
        if not form.is_valid():
            return _trip_report_page(request, visit, status=400, submit_form=form)
        try:
            services.trip_report_submit(
                visit=visit,
                actor=request.user,
                comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion:
            messages.error(request, STALE_STEP_MESSAGE)
            visit = get_visit(request, pk, internal=True)
            return _trip_report_page(request, visit, status=CONFLICT)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _trip_report_page(request, visit, status=400, submit_form=form)
        except DomainError as error:
            domain_error_message(request, error)
            return _trip_report_page(request, visit, status=error.status_code, submit_form=form)
        messages.success(
            request,
            _(
                "The trip report was submitted; its follow-ups are now action items and draft "
                "recommendations."
            ),
        )
        return redirect(_report_url(visit, "findings"))
