"""Meeting pages: the list, a meeting with its decisions and action items, recording and
editing meetings and decisions (ministry staff record them; other internal people read)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from portal.exceptions import DomainError
from portal.pages import put_errors_on_form
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, services
from ..forms.programme import DecisionForm, MeetingForm
from ..models import ActionItem, Decision, Meeting
from .base import (
    CONFLICT,
    PAGE_SIZE,
    ManagerPageMixin,
    PageMixin,
    current_programme,
    edit_page_context,
    programme_crumbs,
    render_page,
    save_edit,
)


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user).active()


class MeetingListView(PageMixin, ListView):
    request: AuthenticatedHttpRequest
    template_name = "collaboration/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Meeting]:
        return (
            visible_meetings(self.request.user)
            .annotate(
                decision_count=Count("decisions", distinct=True),
                action_item_count=Count("action_items", distinct=True),
            )
            .order_by("-held_at", "-pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_record"] = policies.can_record_meeting(self.request.user)
        context["breadcrumbs"] = programme_crumbs((_("Meetings"), None))
        return context


def _meeting_page(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    item_qs = ActionItem.objects.active().select_related("owner").order_by("due_on", "pk")
    meeting = get_object_or_404(
        visible_meetings(request.user).prefetch_related(
            "attendees",
            Prefetch("decisions", queryset=Decision.objects.order_by("position", "pk")),
            Prefetch("decisions__action_items", queryset=item_qs),
            Prefetch("action_items", queryset=item_qs.filter(decision__isnull=True)),
        ),
        pk=pk,
    )
    can_record = policies.can_record_meeting(request.user)
    context = {
        "meeting": meeting,
        "decisions": list(meeting.decisions.all()),
        "other_items": list(meeting.action_items.all()),
        "external_attendees": [
            line.strip() for line in meeting.external_attendees.splitlines() if line.strip()
        ],
        "can_record": can_record,
        "can_add_items": policies.can_manage_action_items(request.user),
        "decision_form": (decision_form or DecisionForm()) if can_record else None,
        "breadcrumbs": programme_crumbs(
            (_("Meetings"), reverse("collaboration:meeting-list")), (meeting.title, None)
        ),
    }
    return render_page(request, "collaboration/meeting_detail.html", context, status)


class MeetingDetailView(PageMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _meeting_page(request, pk)


class _MeetingRecorderMixin(ManagerPageMixin):
    """Ministry staff record meetings; other internal people get 403."""

    manage_policy = staticmethod(policies.can_record_meeting)


def _meeting_data(data: dict[str, Any]) -> services.MeetingData:
    return services.MeetingData(
        title=data["title"],
        held_at=data["held_at"],
        location=data["location"],
        chair=data["chair"],
        minutes=data["minutes"],
        external_attendees=data["external_attendees"],
        official_reference=data["official_reference"],
        attendees=list(data["attendees"]),
    )


class MeetingCreateView(_MeetingRecorderMixin, View):
    template_name = "collaboration/meeting_form.html"

    def _page(
        self, request: AuthenticatedHttpRequest, form: MeetingForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "form": form,
            "meeting": None,
            "breadcrumbs": programme_crumbs(
                (_("Meetings"), reverse("collaboration:meeting-list")),
                (_("Record a meeting"), None),
            ),
        }
        return render_page(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return self._page(request, MeetingForm())

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        programme = current_programme(request.user)
        if programme is None:
            messages.error(request, _("Set up the programme before recording meetings."))
            return redirect("collaboration:programme-detail")
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                meeting = services.meeting_create(
                    programme=programme, actor=request.user, data=_meeting_data(form.cleaned_data)
                )
            except ValidationError as error:
                put_errors_on_form(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return self._page(request, form, status=CONFLICT)
            else:
                messages.success(
                    request, _("Meeting “%(title)s” recorded.") % {"title": meeting.title}
                )
                return redirect(meeting)
        return self._page(request, form, status=400)


class MeetingUpdateView(_MeetingRecorderMixin, View):
    template_name = "collaboration/meeting_form.html"

    def _page(self, request: AuthenticatedHttpRequest, meeting: Meeting, form: MeetingForm,
              status: int = 200, *, stale: bool = False) -> HttpResponse:  # fmt: skip
        context = edit_page_context(
            meeting,
            form,
            name="meeting",
            list_label=_("Meetings"),
            list_url=reverse("collaboration:meeting-list"),
            stale=stale,
        )
        return render_page(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        meeting = get_object_or_404(visible_meetings(request.user), pk=pk)
        initial = {
            name: getattr(meeting, name)
            for name in (
                "title", "held_at", "location", "chair", "official_reference",
                "external_attendees", "minutes", "version",
            )
        }  # fmt: skip
        initial["attendees"] = list(meeting.attendees.values_list("pk", flat=True))
        return self._page(request, meeting, MeetingForm(initial=initial, editing=True))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        meeting = get_object_or_404(visible_meetings(request.user), pk=pk)
        form = MeetingForm(request.POST, editing=True)
        if not form.is_valid():
            return self._page(request, meeting, form, status=400)
        refused = save_edit(
            request,
            meeting,
            form,
            save=lambda: services.meeting_update(
                meeting=meeting,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                data=_meeting_data(form.cleaned_data),
            ),
            page=self._page,
            remake=lambda data: MeetingForm(data, editing=True),
        )
        if refused is not None:
            return refused
        messages.success(request, _("Meeting “%(title)s” saved.") % {"title": meeting.title})
        return redirect(meeting)


class DecisionAddView(_MeetingRecorderMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        meeting = get_object_or_404(visible_meetings(request.user), pk=pk)
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.decision_add(
                    meeting=meeting, text=form.cleaned_data["text"], actor=request.user
                )
            except ValidationError as error:
                put_errors_on_form(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return _meeting_page(request, pk, decision_form=form, status=CONFLICT)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect(f"{meeting.get_absolute_url()}#decisions")
        return _meeting_page(request, pk, decision_form=form, status=400)
