"""The itinerary, its calendars and editor, the briefing pack, BGI's sites and the trip report.

Views stay thin: visits are read through `visible_to` (404 when invisible), the policies decide
who may act (403), every write goes through a service, and refusals become messages with the
right status. BGI's liaison sees the itinerary and whole-visit calendar of a shared visit, never
items' internal notes, member calendars, the briefing pack or the trip report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from portal import policies as roles
from portal.exceptions import DomainError, StaleVersion
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, selectors, services
from ..forms.itinerary import (
    AttachmentForm,
    FindingForm,
    ItineraryItemForm,
    TripReportSubmitForm,
    TripReportSummaryForm,
)
from ..models import (
    DelegationMember,
    Finding,
    ItineraryItem,
    Site,
    TripReport,
    TripReportAttachment,
    Visit,
    VisitObjective,
)
from ..workflows import VISIT_FLOW

CONFLICT = 409
HOME_ZONE_NAME = "Asia/Karachi"


# Shared pieces ------------------------------------------------------------------------------


class VisitAudienceMixin:
    """People inside government and BGI's liaison; anyone else (machine accounts, people
    without a role) gets 404: machine accounts read visits through the API."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (roles.is_internal(request.user) or roles.is_bgi_liaison(request.user)):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def _crumbs(visit: Visit | None, *trail: tuple[str, str | None]) -> list[dict[str, Any]]:
    """Home › Visits to BGI › the visit › …; the last crumb has no link."""
    items: list[dict[str, Any]] = [
        {"label": _("Home"), "url": reverse("home")},
        {"label": _("Visits to BGI"), "url": reverse("delegations:visit-list")},
    ]
    if visit is not None:
        items.append({"label": visit.title, "url": visit.get_absolute_url()})
    items += [{"label": label, "url": url} for label, url in trail]
    items[-1]["url"] = None
    return items


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return TemplateResponse(request, template, context, status=status)


def _visible_visit(request: HttpRequest, pk: int) -> Visit:
    """The visit, if the viewer may see it at all; otherwise 404, as for a missing one."""
    visit: Visit = get_object_or_404(Visit.objects.visible_to(request.user), pk=pk)
    return visit


def _internal_visit(request: HttpRequest, pk: int) -> Visit:
    """The visit for pages about its internals (report, briefing pack): 404 for anyone else."""
    visit = _visible_visit(request, pk)
    if not policies.can_view_visit_internals(request.user, visit):
        raise Http404
    return visit


def _managed_item(request: HttpRequest, pk: int) -> ItineraryItem:
    """An itinerary item of a visible visit that the viewer may edit (403 if visible only)."""
    item: ItineraryItem = get_object_or_404(
        ItineraryItem.objects.active()
        .filter(visit__in=Visit.objects.visible_to(request.user))
        .select_related("visit", "site")
        .prefetch_related("attendees"),
        pk=pk,
    )
    if not policies.can_manage_visit(request.user, item.visit):
        raise PermissionDenied
    return item


def _field_errors(form: Any, error: ValidationError, renames: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on its fields when it names them."""
    renames = renames or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            field = renames.get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _stale_message(request: HttpRequest) -> None:
    messages.error(
        request,
        _(
            "Someone else changed this while you were editing; nothing was saved. The page now "
            "shows their saved version: check it, then save your changes again if they still apply."
        ),
    )


def _itinerary_items(visit: Visit) -> list[ItineraryItem]:
    return list(
        ItineraryItem.objects.active()
        .filter(visit=visit)
        .select_related("site")
        .prefetch_related("attendees")
        .order_by("starts_at", "pk")
    )


def _tab_context(request: HttpRequest, visit: Visit, active_tab: str) -> dict[str, Any]:
    """What the visit's shared tab bar needs."""
    return {
        "visit": visit,
        "active_tab": active_tab,
        "show_internal": policies.can_view_visit_internals(request.user, visit),
    }


# Itinerary presentation ---------------------------------------------------------------------


def _day_shift(moment: dt.datetime, day: dt.date) -> str:
    shift = (moment.date() - day).days
    if shift == 0:
        return ""
    if shift == 1:
        return _("next day")
    if shift == -1:
        return _("previous day")
    return _("%(days)+d days") % {"days": shift}


def _span(start: dt.datetime, end: dt.datetime, day: dt.date) -> str:
    """A span such as "09:00–11:00", naming the day of a time that falls on another day."""
    parts = []
    for moment in (start, end):
        text = moment.strftime("%H:%M")
        shift = _day_shift(moment, day)
        parts.append(f"{text} ({shift})" if shift else text)
    return "–".join(parts)


def _place_name(item: ItineraryItem) -> str:
    """The place whose clock the item's times follow: the site's city, else the zone's city."""
    if item.site is not None and item.site.timezone == item.timezone:
        return item.site.city
    return item.timezone.rsplit("/", 1)[-1].replace("_", " ")


def _itinerary_row(
    row: selectors.ItineraryRow, *, internal: bool, can_manage: bool
) -> dict[str, Any]:
    item = row.item
    day = row.local_start.date()
    at_home = item.timezone == HOME_ZONE_NAME
    abbreviation = row.local_start.tzname() or item.timezone
    return {
        "item": item,
        "local": _span(row.local_start, row.local_end, day),
        "zone_label": (
            _("Pakistan time (%(abbr)s)") % {"abbr": abbreviation}
            if at_home
            else _("%(place)s time (%(abbr)s)") % {"place": _place_name(item), "abbr": abbreviation}
        ),
        "zone_name": item.timezone,
        "home": None if at_home else _span(row.home_start, row.home_end, day),
        "start_iso": row.local_start.isoformat(),
        "end_iso": row.local_end.isoformat(),
        "attendees": ", ".join(member.name for member in item.attendees.all()),
        "notes": item.notes if internal else "",
        "clashes": row.clashes if internal else [],
        "edit_url": (
            reverse("delegations:itinerary-item-update", args=[item.pk]) if can_manage else ""
        ),
    }


def itinerary_context(
    visit: Visit, items: list[ItineraryItem], *, internal: bool, can_manage: bool = False
) -> list[dict[str, Any]]:
    """The itinerary by local day, ready to show (times already in each place's own zone)."""
    days = []
    for day, rows in selectors.itinerary_days(items):
        number = (day - visit.starts_on).days + 1 if visit.starts_on else None
        days.append(
            {
                "date": day,
                "number": number if number is not None and number >= 1 else None,
                "rows": [_itinerary_row(r, internal=internal, can_manage=can_manage) for r in rows],
            }
        )
    return days


# The itinerary ------------------------------------------------------------------------------


class VisitItineraryView(VisitAudienceMixin, View):
    """The day-by-day programme at BGI's sites, each time also in Pakistan time."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        user = request.user
        visit = _visible_visit(request, pk)
        internal = policies.can_view_visit_internals(user, visit)
        can_manage = policies.can_manage_visit(user, visit)
        items = _itinerary_items(visit)
        days = itinerary_context(visit, items, internal=internal, can_manage=can_manage)
        members: list[DelegationMember] = []
        if internal:
            members = list(visit.members.filter(is_active=True).order_by("role", "name"))
        context = {
            **_tab_context(request, visit, "itinerary"),
            "days": days,
            "item_count": len(items),
            "clash_count": sum(1 for day in days for row in day["rows"] if row["clashes"]),
            "can_manage": can_manage,
            "members": members,
            "briefing_pack_url": (
                reverse("delegations:visit-briefing-pack", args=[visit.pk]) if internal else ""
            ),
            "breadcrumbs": _crumbs(visit, (_("Itinerary"), None)),
        }
        return _render(request, "delegations/itinerary_detail.html", context)


class _ItineraryItemFormView(VisitAudienceMixin, View):
    template_name = "delegations/itineraryitem_form.html"

    def _page(
        self,
        request: HttpRequest,
        visit: Visit,
        form: ItineraryItemForm,
        item: ItineraryItem | None = None,
        status: int = 200,
        show_saved: bool = False,
    ) -> HttpResponse:
        label = _("Edit “%(title)s”") % {"title": item.title} if item else _("New itinerary item")
        saved = None
        if show_saved and item is not None:
            [(_day, [row])] = selectors.itinerary_days([item])
            saved = _itinerary_row(row, internal=True, can_manage=False)
        context = {
            **_tab_context(request, visit, "itinerary"),
            "form": form,
            "item": item,
            "saved": saved,
            "itinerary_url": reverse("delegations:visit-itinerary", args=[visit.pk]),
            "breadcrumbs": _crumbs(
                visit,
                (_("Itinerary"), reverse("delegations:visit-itinerary", args=[visit.pk])),
                (label, None),
            ),
        }
        return _render(request, self.template_name, context, status)

    @staticmethod
    def data_from(cleaned: dict[str, Any]) -> services.ItineraryData:
        return services.ItineraryData(
            title=cleaned["title"],
            starts=cleaned["starts"],
            ends=cleaned["ends"],
            timezone_name=cleaned["timezone"],
            site=cleaned["site"],
            kind=cleaned["kind"],
            counterparts=cleaned["counterparts"],
            notes=cleaned["notes"],
            attendees=list(cleaned["attendees"]),
        )


# The service names the stored fields; the form has the typed ones.
_ITEM_FIELD_NAMES = {"ends_at": "ends", "starts_at": "starts"}


def _after_item_saved(item: ItineraryItem) -> HttpResponse:
    url = reverse("delegations:visit-itinerary", args=[item.visit_id])
    return redirect(f"{url}#item-{item.pk}")


class ItineraryItemCreateView(_ItineraryItemFormView):
    def _visit(self, request: HttpRequest, pk: int) -> Visit:
        visit = _visible_visit(request, pk)
        if not policies.can_manage_visit(request.user, visit):
            raise PermissionDenied
        return visit

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = self._visit(request, pk)
        return self._page(request, visit, ItineraryItemForm(visit=visit))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = self._visit(request, pk)
        form = ItineraryItemForm(request.POST, visit=visit)
        if not form.is_valid():
            return self._page(request, visit, form, status=400)
        try:
            item = services.itinerary_item_add(
                visit=visit, actor=request.user, data=self.data_from(form.cleaned_data)
            )
        except ValidationError as error:
            _field_errors(form, error, _ITEM_FIELD_NAMES)
            return self._page(request, visit, form, status=400)
        except DomainError as error:
            domain_error_message(request, error)
            return self._page(request, visit, form, status=error.status_code)
        messages.success(request, _("“%(title)s” added to the itinerary.") % {"title": item.title})
        return _after_item_saved(item)


class ItineraryItemUpdateView(_ItineraryItemFormView):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        item = _managed_item(request, pk)
        form = ItineraryItemForm(
            visit=item.visit, item=item, initial=ItineraryItemForm.initial_for(item)
        )
        return self._page(request, item.visit, form, item)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        item = _managed_item(request, pk)
        form = ItineraryItemForm(request.POST, visit=item.visit, item=item)
        if not form.is_valid():
            return self._page(request, item.visit, form, item, status=400)
        try:
            saved = services.itinerary_item_update(
                item=item,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                data=self.data_from(form.cleaned_data),
            )
        except StaleVersion:
            _stale_message(request)
            item = _managed_item(request, pk)
            # Their changes stay in the form, now based on the saved version shown beside it.
            data = request.POST.copy()
            data["version"] = str(item.version)
            rebound = ItineraryItemForm(data, visit=item.visit, item=item)
            return self._page(request, item.visit, rebound, item, status=CONFLICT, show_saved=True)
        except ValidationError as error:
            _field_errors(form, error, _ITEM_FIELD_NAMES)
            return self._page(request, item.visit, form, item, status=400)
        except DomainError as error:
            domain_error_message(request, error)
            return self._page(request, item.visit, form, item, status=error.status_code)
        messages.success(request, _("“%(title)s” saved.") % {"title": saved.title})
        return _after_item_saved(saved)


class ItineraryItemRemoveView(VisitAudienceMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        item = _managed_item(request, pk)
        visit_id, title = item.visit_id, item.title
        try:
            services.itinerary_item_remove(item=item, actor=request.user)
        except DomainError as error:
            domain_error_message(request, error)
        else:
            messages.success(
                request, _("“%(title)s” removed from the itinerary.") % {"title": title}
            )
        return redirect("delegations:visit-itinerary", pk=visit_id)


# Calendars and the briefing pack ------------------------------------------------------------


def _download_name(visit: Visit, suffix: str) -> str:
    return f"{slugify(visit.title) or 'visit'}{suffix}"


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


class VisitCalendarView(VisitAudienceMixin, View):
    """The whole itinerary as an .ics file, for everyone who may see the visit."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = _visible_visit(request, pk)
        body = selectors.visit_calendar(
            visit,
            _itinerary_items(visit),
            include_notes=policies.can_view_visit_internals(request.user, visit),
        )
        return _calendar_response(body, _download_name(visit, "-itinerary.ics"))


class MemberCalendarView(VisitAudienceMixin, View):
    """One member's own entries as an .ics file (internal: it is about a person)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        member: DelegationMember = get_object_or_404(
            DelegationMember.objects.filter(
                visit__in=Visit.objects.visible_to(request.user), is_active=True
            ).select_related("visit"),
            pk=pk,
        )
        visit = member.visit
        if not policies.can_view_visit_internals(request.user, visit):
            raise Http404
        body = selectors.visit_calendar(
            visit, _itinerary_items(visit), member=member, include_notes=True
        )
        return _calendar_response(body, _download_name(visit, f"-{slugify(member.name)}.ics"))


def briefing_pack_pdf(visit: Visit) -> bytes:
    """The visit's briefing pack as a PDF (one visit: small enough to build in the request)."""
    from weasyprint import HTML

    items = list(visit.itinerary.active())
    site_ids = {item.site_id for item in items if item.site_id}
    sites = list(
        Site.objects.filter(pk__in=site_ids)
        .prefetch_related("capabilities__priority_areas")
        .order_by("city", "name")
    )
    context = {
        "visit": visit,
        "objectives": [o for o in visit.objectives.all() if o.archived_at is None],
        "members": list(visit.members.all()),
        "days": itinerary_context(visit, items, internal=True),
        "sites": sites,
        "generated_at": timezone.localtime(),
    }
    html = render_to_string("delegations/briefing_pack.html", context)
    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf


class VisitBriefingPackView(VisitAudienceMixin, View):
    """The briefing pack PDF for the delegation (internal)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit: Visit = get_object_or_404(
            selectors.visit_detail_queryset(viewer=request.user), pk=pk
        )
        if not policies.can_view_visit_internals(request.user, visit):
            raise Http404
        response = HttpResponse(briefing_pack_pdf(visit), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            True, _download_name(visit, "-briefing-pack.pdf")
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# BGI's sites --------------------------------------------------------------------------------


class SiteListView(VisitAudienceMixin, ListView):
    """BGI's sites with their city, time zone and capabilities."""

    template_name = "delegations/site_list.html"
    context_object_name = "sites"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Site]:
        return (
            Site.objects.visible_to(self.request.user)
            .filter(archived_at__isnull=True)
            .prefetch_related("capabilities")
            .order_by("country", "city", "name")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [
            {"label": _("Home"), "url": reverse("home")},
            {"label": _("Visits to BGI"), "url": reverse("delegations:visit-list")},
            {"label": _("BGI's sites"), "url": None},
        ]
        return context


# The trip report ----------------------------------------------------------------------------


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
    request: HttpRequest,
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
        VisitObjective.objects.filter(visit=visit, archived_at__isnull=True)
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
        **_tab_context(request, visit, "report"),
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
        "breadcrumbs": _crumbs(visit, (_("Trip report"), None)),
    }
    return _render(request, "delegations/tripreport_detail.html", context, status)


def _writer_visit(request: HttpRequest, pk: int) -> Visit:
    visit = _internal_visit(request, pk)
    if not policies.can_write_findings(request.user, visit):
        raise PermissionDenied
    return visit


def _report_url(visit: Visit, anchor: str = "") -> str:
    url = reverse("delegations:trip-report", args=[visit.pk])
    return f"{url}#{anchor}" if anchor else url


class TripReportView(VisitAudienceMixin, View):
    """The trip report: summary, findings per objective, attachments; POST saves the summary."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _trip_report_page(request, _internal_visit(request, pk))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = _writer_visit(request, pk)
        form = TripReportSummaryForm(request.POST)
        if not form.is_valid():
            return _trip_report_page(request, visit, status=400, summary_form=form)
        try:
            services.trip_report_save(
                visit=visit,
                actor=request.user,
                summary=form.cleaned_data["summary"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as error:
            _stale_message(request)
            # Their text stays in the form; the saved text is shown above it.
            rebound = TripReportSummaryForm(
                {"summary": form.cleaned_data["summary"], "version": error.current}
            )
            return _trip_report_page(request, visit, status=CONFLICT, summary_form=rebound)
        except ValidationError as error:
            _field_errors(form, error)
            return _trip_report_page(request, visit, status=400, summary_form=form)
        except DomainError as error:
            domain_error_message(request, error)
            return _trip_report_page(request, visit, status=error.status_code, summary_form=form)
        messages.success(request, _("The report's summary was saved."))
        return redirect(_report_url(visit, "summary"))


class FindingCreateView(VisitAudienceMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = _writer_visit(request, pk)
        form = FindingForm(request.POST, visit=visit)
        if not form.is_valid():
            return _trip_report_page(request, visit, status=400, finding_form=form)
        try:
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
        except ValidationError as error:
            owner_field = (
                "recommendation_owner"
                if form.cleaned_data["follow_up"] == Finding.FollowUp.RECOMMENDATION
                else "action_owner"
            )
            _field_errors(
                form, error, {"follow_up_owner": owner_field, "follow_up_due_on": "due_on"}
            )
            return _trip_report_page(request, visit, status=400, finding_form=form)
        except DomainError as error:
            domain_error_message(request, error)
            return _trip_report_page(request, visit, status=error.status_code, finding_form=form)
        messages.success(request, _("Finding added to the report."))
        return redirect(_report_url(visit, "findings"))


class AttachmentCreateView(VisitAudienceMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = _writer_visit(request, pk)
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            return _trip_report_page(request, visit, status=400, attachment_form=form)
        try:
            attachment = services.trip_report_attach(
                visit=visit,
                actor=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            _field_errors(form, error)
            return _trip_report_page(request, visit, status=400, attachment_form=form)
        except DomainError as error:
            domain_error_message(request, error)
            return _trip_report_page(request, visit, status=error.status_code, attachment_form=form)
        messages.success(request, _("“%(title)s” attached.") % {"title": attachment.title})
        return redirect(_report_url(visit, "attachments"))


class AttachmentDownloadView(VisitAudienceMixin, View):
    """A report attachment, served only to people who may see the report."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
        attachment: TripReportAttachment = get_object_or_404(
            TripReportAttachment.objects.filter(
                report__visit__in=Visit.objects.visible_to(request.user)
            ).select_related("report__visit"),
            pk=pk,
        )
        if not policies.can_view_visit_internals(request.user, attachment.report.visit):
            raise Http404
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=f"{slugify(attachment.title) or 'attachment'}.pdf",
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class TripReportSubmitView(VisitAudienceMixin, View):
    """Submit the report: findings marked for follow-up become action items or drafts."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = _internal_visit(request, pk)
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
            _stale_message(request)
            visit = _internal_visit(request, pk)
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
