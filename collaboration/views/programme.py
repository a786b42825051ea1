"""Programme pages: the programme, priority areas and their progress (with indicator values),
and BGI's capabilities.

Views stay thin: they read through `visible_to` and the selectors, ask the policies, call a
service on a valid POST, and turn refusals into messages with the right status.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from portal.pages import WorkflowTransitionView, put_errors_on_form
from portal.types import AuthenticatedHttpRequest

from .. import policies, selectors, services
from ..forms.programme import CapabilityFilterForm, IndicatorValueForm, PriorityAreaTransitionForm
from ..models import (
    ActionItem,
    Capability,
    Indicator,
    Meeting,
    Objective,
    PriorityArea,
    TechnicalTeam,
)
from ..querysets import ActionItemQuerySet
from ..workflows import PRIORITY_AREA_FLOW
from .base import PageMixin, current_programme, programme_crumbs, render_page

# The programme ------------------------------------------------------------------------------


def _area_cards(areas: list[PriorityArea]) -> list[dict[str, Any]]:
    return [{"area": area, "progress": selectors.priority_area_progress(area)} for area in areas]


class ProgrammeDetailView(PageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "collaboration/programme_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        programme = current_programme(user)
        context["programme"] = programme
        context["breadcrumbs"] = programme_crumbs()
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


class PriorityAreaListView(PageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "collaboration/priorityarea_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        areas = list(selectors.priority_area_list(viewer=self.request.user))
        context["areas"] = _area_cards(areas)
        context["breadcrumbs"] = programme_crumbs((_("Priority areas"), None))
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
        "breadcrumbs": programme_crumbs(
            (_("Priority areas"), reverse("collaboration:priority-area-list")),
            (area.name, None),
        ),
    }
    return render_page(request, "collaboration/priorityarea_detail.html", context, status)


class PriorityAreaDetailView(PageMixin, View):
    def get(self, request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
        return _priority_area_page(request, slug)


class PriorityAreaTransitionView(PageMixin, WorkflowTransitionView):
    """Activate, pause, resume or complete a priority area (PRIORITY_AREA_FLOW)."""

    workflow = PRIORITY_AREA_FLOW
    form_class = PriorityAreaTransitionForm

    def get_subject(self, request: Any, **kwargs: Any) -> PriorityArea:
        areas = PriorityArea.objects.visible_to(request.user).active()
        area: PriorityArea = get_object_or_404(areas, slug=kwargs["slug"])
        return area

    def perform(self, request: Any, subject: PriorityArea, data: dict[str, Any]) -> PriorityArea:
        return services.priority_area_transition(
            area=subject, name=data["transition"], actor=request.user, comment=data["comment"]
        )

    def render_subject(
        self, request: Any, subject: PriorityArea, *, status: int, **extra: Any
    ) -> HttpResponse:
        return _priority_area_page(request, subject.slug, status=status)


class IndicatorValueRecordView(PageMixin, View):
    """Record (or correct) an indicator's value for a reporting period."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        indicator = get_object_or_404(
            Indicator.objects.active()
            .filter(
                objective__in=Objective.objects.active(),
                objective__priority_area__in=PriorityArea.objects.visible_to(request.user).active(),
            )
            .select_related("objective__priority_area"),
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
                put_errors_on_form(form, error)
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


class CapabilityListView(PageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "collaboration/capability_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = CapabilityFilterForm(self.request.GET or None)
        capabilities = (
            Capability.objects.visible_to(self.request.user)
            .active()
            .prefetch_related(Prefetch("priority_areas", queryset=PriorityArea.objects.active()))
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
            breadcrumbs=programme_crumbs((_("BGI capabilities"), None)),
        )
        return context
