"""Report pages: the list with the request form, the status fragment htmx polls, the download.

Views stay thin: reads through selectors and `visible_to`, permission through policies, the
request through `report_request`. Only people who may ask for reports reach these pages (403
for anyone else); a report the viewer may not see is answered 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import View

from portal.exceptions import DomainError
from portal.types import AuthenticatedHttpRequest

from . import policies, selectors, services
from .forms import ReportRequestForm
from .models import Report

PAGE_SIZE = 25


class ReportAccessMixin:
    """Only people who may ask for reports in the pages; anyone else gets 403."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.can_request_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def _visible_report(request: AuthenticatedHttpRequest, pk: int) -> Report:
    return get_object_or_404(selectors.report_list(viewer=request.user), pk=pk)


def render_list(
    request: AuthenticatedHttpRequest, form: ReportRequestForm | None = None, status: int = 200
) -> HttpResponse:
    paginator = Paginator(selectors.report_list(viewer=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "reports/report_list.html",
        {
            "form": form or ReportRequestForm(),
            "page_obj": page,
            "reports": list(page.object_list),
            "paginator": paginator,
            "breadcrumbs": [
                {"label": _("Home"), "url": reverse("home")},
                {"label": _("Reports"), "url": ""},
            ],
        },
        status=status,
    )


class ReportListView(ReportAccessMixin, View):
    """Earlier reports (who asked, when, for what, and where each stands) and the request form."""

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return render_list(request)


class ReportRequestView(ReportAccessMixin, View):
    """Save a request for a report and queue it; back to the list, where its status updates."""

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = ReportRequestForm(request.POST)
        if not form.is_valid():
            return render_list(request, form, status=400)
        try:
            report = services.report_request(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                format=form.cleaned_data["format"],
            )
        except DomainError as error:
            messages.error(request, error.message)
            return render_list(request, form, status=409)
        report.refresh_from_db(fields=["enqueued_at", "status"])
        if report.enqueued_at is None:
            messages.warning(
                request,
                _(
                    "Your request for the %(kind)s was saved, but the queue cannot be reached "
                    "just now. The report will be built as soon as the queue is reachable; "
                    "it stays listed below."
                )
                % {"kind": report.get_kind_display().lower()},
            )
        else:
            messages.success(
                request,
                _("Your %(kind)s is being prepared. This page shows when it is ready to download.")
                % {"kind": report.get_kind_display().lower()},
            )
        return redirect(reverse("reports:report-list") + f"#report-{report.pk}")


class ReportStatusView(ReportAccessMixin, View):
    """The status fragment of one report; htmx polls it every 2 s until the report is done."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        report = _visible_report(request, pk)
        response = render(request, "reports/includes/_report_status.html", {"report": report})
        patch_cache_control(response, private=True, no_store=True)
        return response


def report_file_response(report: Report, handle: Any) -> FileResponse:
    """The report's file as a download: a safe file name, attachment, never cached."""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=report.filename or f"report-{report.pk}.{report.format}",
        content_type=report.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


class ReportDownloadView(ReportAccessMixin, View):
    """The report's file, to those who may see the report (404 otherwise, or while not ready)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
        report = _visible_report(request, pk)
        try:
            handle = services.report_open(report=report, actor=request.user)
        except (DomainError, PermissionDenied):
            raise Http404 from None
        return report_file_response(report, handle)
