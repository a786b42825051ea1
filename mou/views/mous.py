"""The MoU list, a new MoU, the overview with its stepper and history, and one workflow step.

Views stay thin: reads start from `visible_to`, permission comes from policies, every write
goes through a service. BGI's liaison sees only MoUs with a version shared with BGI; everything
else answers 404, the same as a page that does not exist.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from portal.pages import WorkflowTransitionView, crumbs, put_errors_on_form
from portal.recording import require
from portal.types import AuthenticatedHttpRequest

from .. import policies, selectors, services
from ..forms.drafting import MouCreateForm, MouTransitionForm
from ..models import Clearance, Mou, MouTransition, MouVersion
from ..workflows import ENDED_STATUSES, MOU_FLOW, ROAD_TO_FORCE, TRANSITIONS_WITH_DATA
from .common import MouInternalsMixin, MouPagesMixin, get_mou, mou_context, mou_crumbs

STATUS_LABELS = dict(Mou.Status.choices)
TRANSITION_BUTTONS = {
    "back_to_drafting": "btn-outline-secondary",
    "terminate": "btn-outline-danger",
}


def _status_steps(status: str) -> list[dict[str, Any]]:
    """The stepper: each step done, current or still to come (said in words, not colour)."""
    reached = len(ROAD_TO_FORCE) if status in ENDED_STATUSES else ROAD_TO_FORCE.index(status)
    steps = []
    for index, value in enumerate(ROAD_TO_FORCE):
        if index < reached:
            state = "done"
        elif index == reached:
            state = "current"
        else:
            state = "todo"
        steps.append({"value": value, "label": STATUS_LABELS[value], "state": state})
    return steps


# The list -------------------------------------------------------------------------------------


class MouListView(MouPagesMixin, ListView):
    template_name = "mou/mou_list.html"
    context_object_name = "mous"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[Any]:
        user = self.request.user
        return (
            Mou.objects.visible_to(user)
            .with_current_version(user)
            .with_out_of_step_count()
            .select_related("responsible_officer")
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = cast(AuthenticatedHttpRequest, self.request).user
        context["show_internal"] = policies.can_view_mou_internals(user)
        context["can_create"] = policies.can_manage_mou(user)
        context["breadcrumbs"] = crumbs((_("Home"), reverse("home")), (_("MoU"), None))
        return context


class MouCreateView(MouInternalsMixin, View):
    template_name = "mou/mou_form.html"

    def _render(
        self, request: AuthenticatedHttpRequest, form: MouCreateForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "form": form,
            "breadcrumbs": crumbs(
                (_("Home"), reverse("home")),
                (_("MoU"), reverse("mou:mou-list")),
                (_("New MoU"), None),
            ),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        require(policies.can_manage_mou(request.user))
        return self._render(request, MouCreateForm(viewer=request.user))

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        require(policies.can_manage_mou(request.user))
        form = MouCreateForm(request.POST, viewer=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                mou = services.mou_create(
                    programme=data["programme"],
                    title=data["title"],
                    title_zh=data["title_zh"],
                    responsible_officer=data["responsible_officer"],
                    term_months=data["term_months"],
                    clearances=form.clearance_names(),
                    actor=request.user,
                )
            except ValidationError as error:
                put_errors_on_form(form, error)
            else:
                messages.success(
                    request,
                    _("“%(title)s” is now in drafting. Add its clauses next.") % {"title": mou},
                )
                return redirect("mou:clause-list", pk=mou.pk)
        return self._render(request, form, status=400)


# The overview and its workflow ------------------------------------------------------------------


def _transition_items(mou: Mou, user: Any) -> list[dict[str, Any]]:
    """The plain workflow steps open to the user (steps that carry data have their own pages)."""
    return [
        {
            "name": t.name,
            "display": t.display,
            "comment_required": t.comment_required,
            "button_class": TRANSITION_BUTTONS.get(t.name, "btn-primary"),
        }
        for t in MOU_FLOW.available(mou, user)
        if t.name not in TRANSITIONS_WITH_DATA
    ]


def _timeline(mou: Mou) -> list[dict[str, Any]]:
    steps = (
        MouTransition.objects.filter(subject=mou)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    return [
        {
            "actor": step.actor,
            "at": step.created_at,
            "step": MOU_FLOW.transitions[step.transition].display
            if step.transition in MOU_FLOW.transitions
            else step.transition,
            "from_label": STATUS_LABELS.get(step.from_status, step.from_status),
            "to_label": STATUS_LABELS.get(step.to_status, step.to_status),
            "comment": step.comment,
        }
        for step in steps
    ]


def _render_detail(request: AuthenticatedHttpRequest, pk: int, status: int = 200) -> HttpResponse:
    user = request.user
    mou = get_mou(request, pk)
    versions = list(
        MouVersion.objects.visible_to(user)
        .filter(mou=mou)
        .select_related("published_by")
        .order_by("-number")
    )
    context: dict[str, Any] = {
        **mou_context(request, mou, "overview"),
        "current_version": versions[0] if versions else None,
        "version_count": len(versions),
        "breadcrumbs": mou_crumbs(mou),
    }
    if context["show_internal"]:
        clearances = list(mou.clearances.select_related("recorded_by").order_by("position"))
        context.update(
            {
                "steps": _status_steps(mou.status),
                "ended": mou.status in ENDED_STATUSES,
                "status_label": mou.get_status_display(),
                "out_of_step_count": len(selectors.out_of_step_clauses(mou)),
                "clause_count": mou.clauses.active().count(),
                "clearances": clearances,
                "clearances_done": sum(
                    1 for c in clearances if c.decision == Clearance.Decision.CLEARED
                ),
                "timeline": _timeline(mou),
                "transitions": _transition_items(mou, user),
                "transition_url": reverse("mou:mou-transition", args=[mou.pk]),
            }
        )
    return render(request, "mou/mou_detail.html", context, status=status)


class MouDetailView(MouPagesMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _render_detail(request, pk)


class MouTransitionView(MouInternalsMixin, WorkflowTransitionView):
    """One plain step of MOU_FLOW from the overview's buttons."""

    workflow = MOU_FLOW
    form_class = MouTransitionForm

    def get_subject(self, request: HttpRequest, **kwargs: Any) -> Mou:
        return get_mou(cast(AuthenticatedHttpRequest, request), kwargs["pk"])

    def perform(self, request: HttpRequest, subject: Mou, data: dict[str, Any]) -> Mou:
        return services.mou_transition(
            mou=subject,
            name=data["transition"],
            actor=cast(AuthenticatedHttpRequest, request).user,
            comment=data["comment"],
            expected_version=data["version"],
        )

    def render_subject(
        self, request: HttpRequest, subject: Mou, *, status: int, **extra: Any
    ) -> HttpResponse:
        return _render_detail(cast(AuthenticatedHttpRequest, request), subject.pk, status=status)

    def success_message(self, moved: Mou) -> str:
        return _("The MoU is now: %(status)s.") % {"status": moved.get_status_display()}
