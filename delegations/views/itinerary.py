"""The itinerary, its calendars and editor, the briefing pack and BGI's sites.

Views stay thin: visits are read through `visible_to` (404 when invisible), the policies decide
who may act (403; asked in `common`), every write goes through a service, and refusals become
messages with the right status. BGI's liaison sees the itinerary and whole-visit calendar of a
shared visit, never items' internal notes, member calendars or the briefing pack.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from portal.exceptions import DomainError, StaleVersion
from portal.pages import STALE_EDIT_MESSAGE, put_errors_on_form
from portal.pdf import html_to_pdf
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, selectors, services
from ..forms.itinerary import ItineraryItemForm
from ..models import DelegationMember, ItineraryItem, Site, Visit
from .common import (
    VisitPagesMixin,
    get_visit,
    get_visit_record,
    list_crumbs,
    tab_crumb,
    visit_page,
)

CONFLICT = 409
HOME_ZONE_NAME = "Asia/Karachi"


# Shared pieces ------------------------------------------------------------------------------


def _render(
    request: AuthenticatedHttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return TemplateResponse(request, template, context, status=status)


def _managed_item(request: AuthenticatedHttpRequest, pk: int) -> ItineraryItem:
    """An itinerary item of a visible visit that the viewer may edit (403 if visible only)."""
    return get_visit_record(
        request,
        ItineraryItem.objects.active().select_related("site").prefetch_related("attendees"),
        pk,
        internal=False,
        manage=True,
    )


def _itinerary_items(visit: Visit) -> list[ItineraryItem]:
    return list(
        visit.itinerary.active()  # each item knows its visit (whose dates it is checked against)
        .select_related("site")
        .prefetch_related("attendees")
        .order_by("starts_at", "pk")
    )


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
        "outside_visit": row.outside_visit,
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
        days.append(
            {
                "date": day,
                "label": selectors.itinerary_day_label(visit, day),
                "rows": [_itinerary_row(r, internal=internal, can_manage=can_manage) for r in rows],
            }
        )
    return days


# The itinerary ------------------------------------------------------------------------------


class VisitItineraryView(VisitPagesMixin, View):
    """The day-by-day programme at BGI's sites, each time also in Pakistan time."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        user = request.user
        visit = get_visit(request, pk)
        internal = policies.can_view_visit_internals(user, visit)
        can_manage = policies.can_manage_visit(user, visit)
        items = _itinerary_items(visit)
        days = itinerary_context(visit, items, internal=internal, can_manage=can_manage)
        members: list[DelegationMember] = []
        if internal:
            members = list(visit.members.filter(is_active=True).order_by("role", "name"))
        context = {
            **visit_page(request, visit, "itinerary", (_("Itinerary"), None)),
            "days": days,
            "item_count": len(items),
            "clash_count": sum(1 for day in days for row in day["rows"] if row["clashes"]),
            "can_manage": can_manage,
            "members": members,
            "briefing_pack_url": (
                reverse("delegations:visit-briefing-pack", args=[visit.pk]) if internal else ""
            ),
        }
        return _render(request, "delegations/itinerary_detail.html", context)


class _ItineraryItemFormView(VisitPagesMixin, View):
    template_name = "delegations/itineraryitem_form.html"

    def _page(
        self,
        request: AuthenticatedHttpRequest,
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
            **visit_page(
                request,
                visit,
                "itinerary",
                tab_crumb(_("Itinerary"), "delegations:visit-itinerary", visit),
                (label, None),
            ),
            "form": form,
            "item": item,
            "saved": saved,
            "itinerary_url": reverse("delegations:visit-itinerary", args=[visit.pk]),
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
            is_outside_visit=cleaned["is_outside_visit"],
        )


# The service names the stored fields; the form has the typed ones.
_ITEM_FIELD_NAMES = {"ends_at": "ends", "starts_at": "starts"}


def _after_item_saved(item: ItineraryItem) -> HttpResponse:
    url = reverse("delegations:visit-itinerary", args=[item.visit_id])
    return redirect(f"{url}#item-{item.pk}")


class ItineraryItemCreateView(_ItineraryItemFormView):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(request, pk, manage=True)
        return self._page(request, visit, ItineraryItemForm(visit=visit))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(request, pk, manage=True)
        form = ItineraryItemForm(request.POST, visit=visit)
        if not form.is_valid():
            return self._page(request, visit, form, status=400)
        try:
            item = services.itinerary_item_add(
                visit=visit, actor=request.user, data=self.data_from(form.cleaned_data)
            )
        except ValidationError as error:
            put_errors_on_form(form, error, _ITEM_FIELD_NAMES)
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
            messages.error(request, STALE_EDIT_MESSAGE)
            item = _managed_item(request, pk)
            # Their changes stay in the form, now based on the saved version shown beside it.
            data = request.POST.copy()
            data["version"] = str(item.version)
            rebound = ItineraryItemForm(data, visit=item.visit, item=item)
            return self._page(request, item.visit, rebound, item, status=CONFLICT, show_saved=True)
        except ValidationError as error:
            put_errors_on_form(form, error, _ITEM_FIELD_NAMES)
            return self._page(request, item.visit, form, item, status=400)
        except DomainError as error:
            domain_error_message(request, error)
            return self._page(request, item.visit, form, item, status=error.status_code)
        messages.success(request, _("“%(title)s” saved.") % {"title": saved.title})
        return _after_item_saved(saved)


class ItineraryItemRemoveView(VisitPagesMixin, View):
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


class VisitCalendarView(VisitPagesMixin, View):
    """The whole itinerary as an .ics file, for everyone who may see the visit."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(request, pk)
        body = selectors.visit_calendar(
            visit,
            _itinerary_items(visit),
            include_notes=policies.can_view_visit_internals(request.user, visit),
        )
        return _calendar_response(body, _download_name(visit, "-itinerary.ics"))


class MemberCalendarView(VisitPagesMixin, View):
    """One member's own entries as an .ics file (internal: it is about a person)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        member = get_visit_record(request, DelegationMember.objects.filter(is_active=True), pk)
        visit = member.visit
        body = selectors.visit_calendar(
            visit, _itinerary_items(visit), member=member, include_notes=True
        )
        return _calendar_response(body, _download_name(visit, f"-{slugify(member.name)}.ics"))


def briefing_pack_pdf(visit: Visit) -> bytes:
    """The visit's briefing pack as a PDF (one visit: small enough to build in the request)."""
    items = list(visit.itinerary.active())
    site_ids = {item.site_id for item in items if item.site_id}
    sites = list(
        Site.objects.filter(pk__in=site_ids)
        .prefetch_related("capabilities__priority_areas")
        .order_by("city", "name")
    )
    context = {
        "visit": visit,
        "objectives": visit.current_objectives(),
        "members": list(visit.members.all()),
        "days": itinerary_context(visit, items, internal=True),
        "sites": sites,
        "generated_at": timezone.localtime(),
    }
    html = render_to_string("delegations/briefing_pack.html", context)
    return html_to_pdf(html)


class VisitBriefingPackView(VisitPagesMixin, View):
    """The briefing pack PDF for the delegation (internal)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(
            request,
            pk,
            internal=True,
            queryset=selectors.visit_detail_queryset(viewer=request.user),
        )
        response = HttpResponse(briefing_pack_pdf(visit), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            True, _download_name(visit, "-briefing-pack.pdf")
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# BGI's sites --------------------------------------------------------------------------------


class SiteListView(VisitPagesMixin, ListView):
    """BGI's sites with their city, time zone and capabilities."""

    template_name = "delegations/site_list.html"
    context_object_name = "sites"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Site]:
        return (
            Site.objects.visible_to(self.request.user)
            .active()
            .prefetch_related("capabilities")
            .order_by("country", "city", "name")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = list_crumbs((_("BGI's sites"), None))
        return context
