"""Programme pages: the programme, priority areas and their progress, BGI's capabilities, the
NIH technical team, meetings with decisions, and action items.

Views stay thin: they read through `visible_to` and the selectors, ask the policies, call a
service on a valid POST, and turn refusals into messages with the right status.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from portal import policies as roles
from portal.exceptions import DomainError, StaleVersion
from portal.models import Role, User
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, selectors, services
from ..forms.programme import (
    ActionItemFilterForm,
    ActionItemForm,
    CapabilityFilterForm,
    DecisionForm,
    IndicatorValueForm,
    MeetingForm,
    TeamMemberAddForm,
    TeamMemberEndForm,
    TeamUpdateForm,
    TransitionForm,
)
from ..models import (
    ActionItem,
    Capability,
    Decision,
    Indicator,
    Meeting,
    PriorityArea,
    Programme,
    TeamMembership,
    TechnicalTeam,
)
from ..querysets import ActionItemQuerySet
from ..workflows import ACTION_ITEM_FLOW, PRIORITY_AREA_FLOW

PAGE_SIZE = 25
CONFLICT = 409


# Shared pieces ------------------------------------------------------------------------------


def _crumbs(*trail: tuple[Any, str | None]) -> list[dict[str, Any]]:
    """Breadcrumbs from the programme down: (label, url) pairs, the last without a link."""
    items: list[dict[str, Any]] = [
        {"label": _("Home"), "url": reverse("home")},
        {"label": _("Programme"), "url": reverse("collaboration:programme-detail")},
    ]
    items += [{"label": label, "url": url} for label, url in trail]
    items[-1]["url"] = None
    return items


def _current_programme(user: Any) -> Programme | None:
    """The cooperation programme (the portal runs one); None before it is set up."""
    return Programme.objects.visible_to(user).order_by("pk").first()


def _field_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields when it names them."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class InternalPageMixin(View):
    """Programme pages are for the government side: others get 404, as if nothing were here.

    `visible_to` already hides programme records from BGI's liaison; machine accounts read
    the programme through the API only, so the pages answer 404 to them too.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not (policies.can_view_programme(request.user) and roles.is_internal(request.user)):
            raise Http404
        self.check_permission(request)
        return super().dispatch(request, *args, **kwargs)

    def check_permission(self, request: HttpRequest) -> None:
        """Raise PermissionDenied when the viewer may see the page but not act on it."""


def _render(
    request: AuthenticatedHttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return TemplateResponse(request, template, context, status=status)


# The programme ------------------------------------------------------------------------------


def _area_cards(areas: list[PriorityArea]) -> list[dict[str, Any]]:
    return [{"area": area, "progress": selectors.priority_area_progress(area)} for area in areas]


class ProgrammeDetailView(InternalPageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "collaboration/programme_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        programme = _current_programme(user)
        context["programme"] = programme
        context["breadcrumbs"] = _crumbs()
        if programme is None:
            context["areas"] = []
            return context
        areas = list(selectors.priority_area_list(viewer=user).filter(programme=programme))
        context["areas"] = _area_cards(areas)
        context["team"] = TechnicalTeam.objects.filter(programme=programme).first()
        context["meeting_count"] = (
            Meeting.objects.visible_to(user).active().filter(programme=programme).count()
        )
        items = cast(
            ActionItemQuerySet, ActionItem.objects.visible_to(user).filter(programme=programme)
        )
        context["open_item_count"] = items.open().count()
        context["overdue_item_count"] = items.overdue().count()
        context["capability_count"] = Capability.objects.visible_to(user).active().count()
        return context


# Priority areas -----------------------------------------------------------------------------


class PriorityAreaListView(InternalPageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "collaboration/priorityarea_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        areas = list(selectors.priority_area_list(viewer=self.request.user))
        context["areas"] = _area_cards(areas)
        context["breadcrumbs"] = _crumbs((_("Priority areas"), None))
        return context


def _priority_area_page(
    request: AuthenticatedHttpRequest,
    slug: str,
    *,
    bound_form: IndicatorValueForm | None = None,
    bound_indicator_id: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """The priority-area page; a form that failed is shown again under its own indicator."""
    try:
        overview = selectors.priority_area_overview(viewer=request.user, slug=slug)
    except PriorityArea.DoesNotExist:
        raise Http404 from None
    area = overview.area
    can_record = policies.can_record_indicator_value(request.user, area)
    objectives = []
    for objective, rows in overview.objectives:
        indicators = []
        for row in rows:
            form = None
            if can_record:
                if bound_form is not None and row.indicator.pk == bound_indicator_id:
                    form = bound_form
                else:
                    form = IndicatorValueForm(auto_id=f"id_ind{row.indicator.pk}_%s")
            indicators.append({"row": row, "form": form})
        objectives.append({"objective": objective, "indicators": indicators})
    context = {
        "area": area,
        "overview": overview,
        "objectives": objectives,
        "can_record": can_record,
        "open_form_indicator_id": bound_indicator_id,
        "citing_clauses": selectors.citing_clauses(area),
        "area_transitions": [
            {"name": t.name, "display": t.display, "comment_required": t.comment_required}
            for t in PRIORITY_AREA_FLOW.available(area, request.user)
        ],
        "breadcrumbs": _crumbs(
            (_("Priority areas"), reverse("collaboration:priority-area-list")),
            (area.name, None),
        ),
    }
    return _render(request, "collaboration/priorityarea_detail.html", context, status)


class PriorityAreaDetailView(InternalPageMixin, View):
    def get(self, request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
        return _priority_area_page(request, slug)


class PriorityAreaTransitionView(InternalPageMixin, View):
    """Activate, pause, resume or complete a priority area."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
        area = get_object_or_404(PriorityArea.objects.visible_to(request.user).active(), slug=slug)
        try:
            moved = services.priority_area_transition(
                area=area,
                name=request.POST.get("transition", ""),
                actor=request.user,
                comment=request.POST.get("comment", ""),
            )
        except DomainError as error:
            domain_error_message(request, error)
            return _priority_area_page(request, slug, status=409)
        messages.success(
            request,
            _("“%(area)s” is now %(status)s.")
            % {"area": moved.name, "status": moved.get_status_display().lower()},
        )
        return redirect(moved.get_absolute_url())


class IndicatorValueRecordView(InternalPageMixin, View):
    """Record (or correct) an indicator's value for a reporting period."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        indicator = get_object_or_404(
            Indicator.objects.filter(
                archived_at__isnull=True,
                objective__archived_at__isnull=True,
                objective__priority_area__in=PriorityArea.objects.visible_to(request.user).active(),
            ).select_related("objective__priority_area"),
            pk=pk,
        )
        area = indicator.objective.priority_area
        if not policies.can_record_indicator_value(request.user, area):
            raise PermissionDenied
        form = IndicatorValueForm(request.POST, auto_id=f"id_ind{indicator.pk}_%s")
        if form.is_valid():
            try:
                value = services.indicator_value_record(
                    indicator=indicator, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                _field_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Recorded %(actual)s %(unit)s for %(period)s of “%(indicator)s”.")
                    % {
                        "actual": value.actual,
                        "unit": indicator.unit,
                        "period": value.period,
                        "indicator": indicator.name,
                    },
                )
                return redirect(f"{area.get_absolute_url()}#indicator-{indicator.pk}")
        return _priority_area_page(
            request, area.slug, bound_form=form, bound_indicator_id=indicator.pk, status=400
        )


# Capabilities -------------------------------------------------------------------------------


class CapabilityListView(InternalPageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "collaboration/capability_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = CapabilityFilterForm(self.request.GET or None)
        capabilities = (
            Capability.objects.visible_to(self.request.user)
            .active()
            .prefetch_related(
                Prefetch(
                    "priority_areas",
                    queryset=PriorityArea.objects.filter(archived_at__isnull=True),
                )
            )
            .order_by("category", "name")
        )
        category_label = ""
        if form.is_valid() and form.cleaned_data["category"]:
            category = form.cleaned_data["category"]
            capabilities = capabilities.filter(category=category)
            category_label = str(Capability.Category(category).label)
        context.update(
            filter_form=form,
            capabilities=list(capabilities),
            category_label=category_label,
            breadcrumbs=_crumbs((_("BGI capabilities"), None)),
        )
        return context


# The technical team -------------------------------------------------------------------------


def _team_or_none(user: Any) -> TechnicalTeam | None:
    return (
        TechnicalTeam.objects.filter(programme__in=Programme.objects.visible_to(user))
        .select_related("programme")
        .order_by("pk")
        .first()
    )


def _team_or_404(user: Any) -> TechnicalTeam:
    team = _team_or_none(user)
    if team is None:
        raise Http404
    return team


def _team_candidates(team: TechnicalTeam) -> QuerySet[User]:
    """NIH people who are not on the team now (nor booked to stay on it)."""
    today = timezone.localdate()
    on_team = team.memberships.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    return (
        User.objects.filter(
            is_active=True, groups__name__in=[Role.NIH_LEAD.value, Role.NIH_EXPERT.value]
        )
        .exclude(pk__in=on_team.values("user_id"))
        .distinct()
        .order_by("full_name", "username")
    )


def _team_page(request: AuthenticatedHttpRequest, *, status: int = 200) -> HttpResponse:
    team = _team_or_none(request.user)
    context: dict[str, Any] = {
        "team": team,
        "breadcrumbs": _crumbs((_("Technical team"), None)),
        "can_manage": policies.can_manage_team(request.user),
    }
    if team is not None:
        context.update(selectors.team_overview(team=team))
        if context["can_manage"]:
            candidates = _team_candidates(team)
            context["add_form"] = TeamMemberAddForm(candidates=candidates)
            context["has_candidates"] = candidates.exists()
    return _render(request, "collaboration/team_detail.html", context, status)


class TeamDetailView(InternalPageMixin, View):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return _team_page(request)


class _TeamManagerMixin(InternalPageMixin):
    """Only the NIH lead manages the team; everyone else who may see it gets 403."""

    def check_permission(self, request: HttpRequest) -> None:
        if not policies.can_manage_team(request.user):
            raise PermissionDenied


class TeamUpdateView(_TeamManagerMixin, View):
    template_name = "collaboration/team_form.html"

    def _page(self, request: AuthenticatedHttpRequest, team: TechnicalTeam, form: TeamUpdateForm,
              status: int = 200, *, stale: bool = False) -> HttpResponse:  # fmt: skip
        context = {
            "stale": stale,
            "saved_url": reverse("collaboration:team-detail"),
            "team": team,
            "form": form,
            "breadcrumbs": _crumbs(
                (_("Technical team"), reverse("collaboration:team-detail")),
                (_("Edit name and terms of reference"), None),
            ),
        }
        return _render(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        team = _team_or_404(request.user)
        form = TeamUpdateForm(
            initial={
                "name": team.name,
                "terms_of_reference": team.terms_of_reference,
                "version": team.version,
            }
        )
        return self._page(request, team, form)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        team = _team_or_404(request.user)
        form = TeamUpdateForm(request.POST)
        if not form.is_valid():
            return self._page(request, team, form, status=400)
        data = form.cleaned_data
        try:
            services.team_update(
                team=team,
                actor=request.user,
                expected_version=data["version"],
                name=data["name"],
                terms_of_reference=data["terms_of_reference"],
            )
        except StaleVersion:
            team.refresh_from_db()
            rebound = _rebound(form, TeamUpdateForm, version=team.version)
            return self._page(request, team, rebound, CONFLICT, stale=True)
        except ValidationError as error:
            _field_errors(form, error)
            return self._page(request, team, form, status=400)
        except DomainError as error:
            domain_error_message(request, error)
            return self._page(request, team, form, status=CONFLICT)
        messages.success(request, _("The team's name and terms of reference were saved."))
        return redirect("collaboration:team-detail")


def _rebound(form: Any, make: Any, **changes: Any) -> Any:
    """A new form from `make(data)` with the user's input kept and some values replaced.

    After a conflict the form carries the latest version, so saving again is a deliberate
    choice made after the conflict message, never a silent overwrite.
    """
    data = form.data.copy()
    for name, value in changes.items():
        data[name] = value
    return make(data)


class TeamMemberAddView(_TeamManagerMixin, View):
    template_name = "collaboration/team_member_form.html"

    def _page(self, request: AuthenticatedHttpRequest, team: TechnicalTeam, form: TeamMemberAddForm,
              status: int = 200) -> HttpResponse:  # fmt: skip
        context = {
            "team": team,
            "form": form,
            "breadcrumbs": _crumbs(
                (_("Technical team"), reverse("collaboration:team-detail")),
                (_("Add a member"), None),
            ),
        }
        return _render(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        team = _team_or_404(request.user)
        return self._page(request, team, TeamMemberAddForm(candidates=_team_candidates(team)))

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        team = _team_or_404(request.user)
        form = TeamMemberAddForm(request.POST, candidates=_team_candidates(team))
        if form.is_valid():
            try:
                membership = services.team_member_add(
                    team=team, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                _field_errors(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return self._page(request, team, form, status=CONFLICT)
            else:
                messages.success(
                    request,
                    _("%(name)s joined the team as %(role)s.")
                    % {"name": membership.user, "role": membership.get_role_display().lower()},
                )
                return redirect("collaboration:team-detail")
        return self._page(request, team, form, status=400)


class TeamMemberEndView(_TeamManagerMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        membership = get_object_or_404(
            TeamMembership.objects.filter(
                team__programme__in=Programme.objects.visible_to(request.user)
            ).select_related("user"),
            pk=pk,
        )
        form = TeamMemberEndForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the last day as a date, or leave it empty."))
            return _team_page(request, status=400)
        try:
            services.team_member_end(
                membership=membership,
                actor=request.user,
                ended_on=form.cleaned_data["ended_on"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _team_page(request, status=400)
        except DomainError as error:
            domain_error_message(request, error)
            return _team_page(request, status=CONFLICT)
        messages.success(
            request, _("%(name)s's membership of the team ended.") % {"name": membership.user}
        )
        return redirect("collaboration:team-detail")


# Meetings -----------------------------------------------------------------------------------


def _visible_meetings(user: Any) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user).active()


class MeetingListView(InternalPageMixin, ListView):
    request: AuthenticatedHttpRequest
    template_name = "collaboration/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Meeting]:
        return (
            _visible_meetings(self.request.user)
            .annotate(
                decision_count=Count("decisions", distinct=True),
                action_item_count=Count("action_items", distinct=True),
            )
            .order_by("-held_at", "-pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_record"] = policies.can_record_meeting(self.request.user)
        context["breadcrumbs"] = _crumbs((_("Meetings"), None))
        return context


def _meeting_page(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    item_qs = _with_overdue_flag(ActionItem.objects.filter(archived_at__isnull=True))
    item_qs = item_qs.select_related("owner").order_by("due_on", "pk")
    meeting = get_object_or_404(
        _visible_meetings(request.user).prefetch_related(
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
        "breadcrumbs": _crumbs(
            (_("Meetings"), reverse("collaboration:meeting-list")), (meeting.title, None)
        ),
    }
    return _render(request, "collaboration/meeting_detail.html", context, status)


class MeetingDetailView(InternalPageMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _meeting_page(request, pk)


class _MeetingRecorderMixin(InternalPageMixin):
    """Ministry staff record meetings; other internal people get 403."""

    def check_permission(self, request: HttpRequest) -> None:
        if not policies.can_record_meeting(request.user):
            raise PermissionDenied


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
            "breadcrumbs": _crumbs(
                (_("Meetings"), reverse("collaboration:meeting-list")),
                (_("Record a meeting"), None),
            ),
        }
        return _render(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return self._page(request, MeetingForm())

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        programme = _current_programme(request.user)
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
                _field_errors(form, error)
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
        context = {
            "stale": stale,
            "saved_url": meeting.get_absolute_url(),
            "form": form,
            "meeting": meeting,
            "breadcrumbs": _crumbs(
                (_("Meetings"), reverse("collaboration:meeting-list")),
                (meeting.title, meeting.get_absolute_url()),
                (_("Edit"), None),
            ),
        }
        return _render(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        meeting = get_object_or_404(_visible_meetings(request.user), pk=pk)
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
        meeting = get_object_or_404(_visible_meetings(request.user), pk=pk)
        form = MeetingForm(request.POST, editing=True)
        if not form.is_valid():
            return self._page(request, meeting, form, status=400)
        try:
            services.meeting_update(
                meeting=meeting,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                data=_meeting_data(form.cleaned_data),
            )
        except StaleVersion:
            meeting.refresh_from_db()
            rebound = _rebound(
                form, lambda data: MeetingForm(data, editing=True), version=meeting.version
            )
            return self._page(request, meeting, rebound, CONFLICT, stale=True)
        except ValidationError as error:
            _field_errors(form, error)
            return self._page(request, meeting, form, status=400)
        except DomainError as error:
            domain_error_message(request, error)
            return self._page(request, meeting, form, status=CONFLICT)
        messages.success(request, _("Meeting “%(title)s” saved.") % {"title": meeting.title})
        return redirect(meeting)


class DecisionAddView(_MeetingRecorderMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        meeting = get_object_or_404(_visible_meetings(request.user), pk=pk)
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.decision_add(
                    meeting=meeting, text=form.cleaned_data["text"], actor=request.user
                )
            except ValidationError as error:
                _field_errors(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return _meeting_page(request, pk, decision_form=form, status=CONFLICT)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect(f"{meeting.get_absolute_url()}#decisions")
        return _meeting_page(request, pk, decision_form=form, status=400)


# Action items -------------------------------------------------------------------------------


def _visible_items(user: Any) -> ActionItemQuerySet:
    return cast(
        ActionItemQuerySet, ActionItem.objects.visible_to(user).filter(archived_at__isnull=True)
    )


def _with_overdue_flag(items: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    """`is_overdue` on each row: still open and due before today (as `.overdue()` filters)."""
    today = timezone.localdate()
    return items.annotate(
        is_overdue=ExpressionWrapper(
            Q(status__in=list(ActionItem.OPEN_STATUSES), due_on__lt=today),
            output_field=BooleanField(),
        )
    )


class ActionItemListView(InternalPageMixin, ListView):
    request: AuthenticatedHttpRequest
    template_name = "collaboration/actionitem_list.html"
    context_object_name = "items"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[ActionItem]:
        items = _visible_items(self.request.user)
        self.filter_form = ActionItemFilterForm(self.request.GET or None)
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["status"]:
                items = items.filter(status=data["status"])
            if data["owner"] is not None:
                items = items.filter(owner=data["owner"])
            if data["overdue"]:
                items = items.overdue()
        return _with_overdue_flag(items).select_related("owner", "meeting").order_by("due_on", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["is_filtered"] = self.filter_form.is_bound
        context["can_create"] = policies.can_manage_action_items(self.request.user)
        context["breadcrumbs"] = _crumbs((_("Action items"), None))
        return context


def _action_item_page(
    request: AuthenticatedHttpRequest, pk: int, *, status: int = 200
) -> HttpResponse:
    item = get_object_or_404(
        _with_overdue_flag(_visible_items(request.user)).select_related(
            "owner", "meeting", "decision", "created_by", "linked_type"
        ),
        pk=pk,
    )
    labels = dict(ActionItem.Status.choices)
    linked = item.linked_record if item.linked_type_id else None
    linked_url = ""
    if linked is not None and hasattr(linked, "get_absolute_url"):
        linked_url = linked.get_absolute_url()
    context = {
        "item": item,
        "linked": linked,
        "linked_url": linked_url,
        "linked_kind": item.linked_type.name if item.linked_type is not None else "",
        "history": [
            {
                "step": step,
                "from": labels.get(step.from_status, step.from_status),
                "to": labels.get(step.to_status, step.to_status),
            }
            for step in item.transitions.select_related("actor")
        ],
        "transitions": ACTION_ITEM_FLOW.available(item, request.user),
        "can_edit": policies.can_manage_action_items(request.user) and item.is_open,
        "transition_url": reverse("collaboration:action-item-transition", args=[item.pk]),
        "breadcrumbs": _crumbs(
            (_("Action items"), reverse("collaboration:action-item-list")), (item.title, None)
        ),
    }
    return _render(request, "collaboration/actionitem_detail.html", context, status)


class ActionItemDetailView(InternalPageMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _action_item_page(request, pk)


class _ActionItemManagerMixin(InternalPageMixin):
    """Ministry staff create and edit action items; other internal people get 403."""

    def check_permission(self, request: HttpRequest) -> None:
        if not policies.can_manage_action_items(request.user):
            raise PermissionDenied


class _ActionItemFormView(_ActionItemManagerMixin, View):
    template_name = "collaboration/actionitem_form.html"
    editing = False

    def form(self, *args: Any, **kwargs: Any) -> ActionItemForm:
        meetings = _visible_meetings(self.request.user).order_by("-held_at", "-pk")
        decisions = Decision.objects.filter(meeting__in=meetings).select_related("meeting")
        return ActionItemForm(
            *args, meetings=meetings, decisions=decisions, editing=self.editing, **kwargs
        )

    @staticmethod
    def data_from(cleaned: dict[str, Any], linked: Any = None) -> services.ActionItemData:
        return services.ActionItemData(
            title=cleaned["title"],
            description=cleaned["description"],
            owner=cleaned["owner"],
            due_on=cleaned["due_on"],
            meeting=cleaned["meeting"],
            decision=cleaned["decision"],
            linked_record=linked,
        )


class ActionItemCreateView(_ActionItemFormView):
    def _page(
        self, request: AuthenticatedHttpRequest, form: ActionItemForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "form": form,
            "item": None,
            "breadcrumbs": _crumbs(
                (_("Action items"), reverse("collaboration:action-item-list")),
                (_("New action item"), None),
            ),
        }
        return _render(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        initial: dict[str, Any] = {}
        for name in ("meeting", "decision"):
            value = request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        return self._page(request, self.form(initial=initial))

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        programme = _current_programme(request.user)
        if programme is None:
            messages.error(request, _("Set up the programme before adding action items."))
            return redirect("collaboration:programme-detail")
        form = self.form(request.POST)
        if form.is_valid():
            try:
                item = services.action_item_create(
                    programme=programme, actor=request.user, data=self.data_from(form.cleaned_data)
                )
            except ValidationError as error:
                _field_errors(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return self._page(request, form, status=CONFLICT)
            else:
                messages.success(
                    request,
                    _("Action item “%(title)s” given to %(owner)s.")
                    % {"title": item.title, "owner": item.owner},
                )
                return redirect(item)
        return self._page(request, form, status=400)


class ActionItemUpdateView(_ActionItemFormView):
    editing = True

    def _page(self, request: AuthenticatedHttpRequest, item: ActionItem, form: ActionItemForm,
              status: int = 200, *, stale: bool = False) -> HttpResponse:  # fmt: skip
        context = {
            "stale": stale,
            "saved_url": item.get_absolute_url(),
            "form": form,
            "item": item,
            "breadcrumbs": _crumbs(
                (_("Action items"), reverse("collaboration:action-item-list")),
                (item.title, item.get_absolute_url()),
                (_("Edit"), None),
            ),
        }
        return _render(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(_visible_items(request.user), pk=pk)
        initial = {
            "title": item.title,
            "description": item.description,
            "owner": item.owner_id,
            "due_on": item.due_on,
            "meeting": item.meeting_id,
            "decision": item.decision_id,
            "version": item.version,
        }
        return self._page(request, item, self.form(initial=initial))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(_visible_items(request.user), pk=pk)
        form = self.form(request.POST)
        if not form.is_valid():
            return self._page(request, item, form, status=400)
        # The link to another record is set where the item is made; editing keeps it.
        linked = item.linked_record if item.linked_type_id else None
        try:
            services.action_item_update(
                item=item,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                data=self.data_from(form.cleaned_data, linked),
            )
        except StaleVersion:
            item.refresh_from_db()
            rebound = _rebound(form, self.form, version=item.version)
            return self._page(request, item, rebound, CONFLICT, stale=True)
        except ValidationError as error:
            _field_errors(form, error)
            return self._page(request, item, form, status=400)
        except DomainError as error:
            domain_error_message(request, error)
            return self._page(request, item, form, status=CONFLICT)
        messages.success(request, _("Action item “%(title)s” saved.") % {"title": item.title})
        return redirect(item)


class ActionItemTransitionView(InternalPageMixin, View):
    """Start, complete, cancel or reopen an action item (ACTION_ITEM_FLOW)."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(_visible_items(request.user), pk=pk)
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a step and send the page's version with it."))
            return _action_item_page(request, pk, status=400)
        data = form.cleaned_data
        try:
            transition = ACTION_ITEM_FLOW.get(data["transition"])
            # A person who may never take this step is refused before any state is revealed.
            if not transition.allowed(request.user, item):
                raise PermissionDenied
            moved = services.action_item_transition(
                item=item,
                name=transition.name,
                actor=request.user,
                comment=data["comment"],
                expected_version=data["version"],
            )
        except StaleVersion:
            _stale_message_for_step(request)
            return _action_item_page(request, pk, status=CONFLICT)
        except DomainError as error:
            domain_error_message(request, error)
            return _action_item_page(request, pk, status=CONFLICT)
        messages.success(
            request,
            _("“%(title)s” is now %(status)s.")
            % {"title": moved.title, "status": moved.get_status_display().lower()},
        )
        return redirect(moved)


def _stale_message_for_step(request: AuthenticatedHttpRequest) -> None:
    messages.error(
        request,
        _(
            "Someone else changed this action item since you opened it; nothing was changed. "
            "The page now shows its current state: check it, then choose again."
        ),
    )
