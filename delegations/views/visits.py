"""Visit pages: the list, the overview with its workflow steps, objectives and sharing, create
and edit.

Views stay thin: reads go through selectors and `visible_to`, permission through policies
(asked in `common`), every write through a service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from collaboration.selectors import current_programme
from portal.exceptions import DomainError, StaleVersion
from portal.models import User
from portal.pages import STALE_EDIT_MESSAGE, WorkflowTransitionView, put_errors_on_form
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, selectors, services
from ..forms.visits import (
    ObjectiveForm,
    VisitFilter,
    VisitForm,
    VisitShareForm,
    VisitTransitionForm,
    visit_initial,
)
from ..models import Visit, VisitTransition
from ..workflows import TRANSITIONS_WITH_DATA, VISIT_FLOW
from .common import (
    VisitPagesMixin,
    active_members,
    check_visit_access,
    get_visit,
    list_crumbs,
    visit_page,
)

STATUS_LABELS = dict(Visit.Status.choices)
FROZEN_STATUSES = (Visit.Status.CLOSED, Visit.Status.CANCELLED)
TRANSITION_BUTTONS = {
    "postpone": "btn-outline-secondary",
    "cancel": "btn-outline-danger",
}
# The government's travel approval, asked for by the `approve` step.
TRAVEL_APPROVAL_FIELD = {
    "name": "travel_approval_reference",
    "label": gettext_lazy("Government travel approval reference"),
    "help": gettext_lazy(
        "The number of the travel approval (NOC), for example “No. 2(14)/2026-IC”."
    ),
    "maxlength": 100,
    "required": True,
}


# The list -------------------------------------------------------------------------------------


class VisitListView(VisitPagesMixin, ListView):
    template_name = "delegations/visit_list.html"
    context_object_name = "visits"
    paginate_by = 25
    request: AuthenticatedHttpRequest

    def get_queryset(self) -> QuerySet[Visit]:
        user = self.request.user
        self.show_internal = policies.can_view_visit_internals(user)
        queryset = selectors.visit_list(viewer=user).order_by(
            F("starts_on").desc(nulls_last=True), "-pk"
        )
        if self.show_internal:
            # Readiness is computed from these prefetched members: no query per row.
            queryset = queryset.prefetch_related(active_members())
        self.filterset = VisitFilter(self.request.GET, queryset=queryset)
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            {
                "visit": visit,
                "readiness": selectors.visit_readiness(visit, visit.active_members)
                if self.show_internal
                else None,
            }
            for visit in context["visits"]
        ]
        context["show_internal"] = self.show_internal
        context["filter_form"] = self.filterset.form
        context["is_filtered"] = any(
            self.request.GET.get(name) for name in ("status", "date_from", "date_to")
        )
        context["can_create"] = policies.can_manage_visit(self.request.user)
        context["breadcrumbs"] = list_crumbs()
        return context


# The overview ---------------------------------------------------------------------------------


def _timeline(visit: Visit) -> list[dict[str, Any]]:
    return [
        {
            "actor": step.actor,
            "at": step.created_at,
            "step": VISIT_FLOW.transitions[step.transition].display
            if step.transition in VISIT_FLOW.transitions
            else step.transition,
            "from_label": STATUS_LABELS.get(step.from_status, step.from_status),
            "to_label": STATUS_LABELS.get(step.to_status, step.to_status),
            "comment": step.comment,
        }
        for step in visit.timeline_steps  # type: ignore[attr-defined]
    ]


def _transition_items(
    visit: Visit, user: User, errors: dict[str, list[str]] | None = None
) -> list[dict[str, Any]]:
    """The plain steps open to the user, for the shared transition buttons; steps that carry
    data have their own forms. `approve` asks for the travel approval reference."""
    errors = errors or {}
    return [
        {
            "name": step.name,
            "display": step.display,
            "comment_required": step.comment_required,
            "fields": [{**TRAVEL_APPROVAL_FIELD, "errors": errors.get(step.name, [])}]
            if step.name == "approve"
            else [],
            "button_class": TRANSITION_BUTTONS.get(step.name, "btn-primary"),
        }
        for step in VISIT_FLOW.available(visit, user)
        if step.name not in TRANSITIONS_WITH_DATA
    ]


def _objective_rows(visit: Visit, internal: bool) -> list[dict[str, Any]]:
    rows = []
    for objective in visit.current_objectives():
        row: dict[str, Any] = {"text": objective.text, "area": objective.priority_area.name}
        if internal:
            # Priority-area and recommendation pages are internal: BGI gets the names only.
            row["area_url"] = objective.priority_area.get_absolute_url()
            row["recommendation"] = objective.recommendation
        rows.append(row)
    return rows


def _render_detail(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    status: int = 200,
    objective_form: ObjectiveForm | None = None,
    transition_errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    user = request.user
    internal = policies.can_view_visit_internals(user)
    queryset = selectors.visit_detail_queryset(viewer=user)
    if internal:
        queryset = queryset.prefetch_related(
            Prefetch(
                "transitions",
                queryset=VisitTransition.objects.select_related("actor").order_by(
                    "created_at", "pk"
                ),
                to_attr="timeline_steps",
            )
        )
    visit = get_visit(request, pk, queryset=queryset)
    context = visit_page(request, visit, "overview")
    context["objectives"] = _objective_rows(visit, internal)
    if internal:
        can_manage = policies.can_manage_visit(user, visit)
        available = {step.name for step in VISIT_FLOW.available(visit, user)}
        context.update(
            {
                "readiness": selectors.visit_readiness(visit, list(visit.members.all())),
                "timeline": _timeline(visit),
                "transitions": _transition_items(visit, user, transition_errors),
                "transition_url": reverse("delegations:visit-transition", args=[visit.pk]),
                "can_record_invitation": "record_invitation" in available,
                "can_submit_report": "submit_report" in available,
                "can_manage": can_manage,
                "can_edit": can_manage and visit.status not in FROZEN_STATUSES,
                "has_invitation": bool(visit.invitation_letter),
                "objective_form": objective_form
                or (ObjectiveForm(viewer=user) if can_manage else None),
            }
        )
    return render(request, "delegations/visit_detail.html", context, status=status)


class VisitDetailView(VisitPagesMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _render_detail(request, pk)


class VisitTransitionView(VisitPagesMixin, WorkflowTransitionView):
    """One plain step of the visit's workflow, from the overview's buttons."""

    workflow = VISIT_FLOW
    form_class = VisitTransitionForm
    confirm_steps = {
        "cancel": gettext_lazy(
            "A cancelled visit cannot be resumed or reopened: its preparation stops here and "
            "a new visit must be planned instead."
        ),
    }

    def get_subject(self, request: HttpRequest, **kwargs: Any) -> Visit:
        return get_visit(request, kwargs["pk"], internal=True)  # type: ignore[arg-type]

    def perform(self, request: HttpRequest, subject: Visit, data: dict[str, Any]) -> Visit:
        return services.visit_transition(
            visit=subject,
            name=data["transition"],
            actor=request.user,  # type: ignore[arg-type]
            comment=data["comment"].strip(),
            expected_version=data["version"],
            travel_approval_reference=data["travel_approval_reference"],
        )

    def render_subject(
        self, request: HttpRequest, subject: Visit, *, status: int, **extra: Any
    ) -> HttpResponse:
        return _render_detail(request, subject.pk, status=status, **extra)  # type: ignore[arg-type]


class VisitShareView(VisitPagesMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(request, pk, internal=True, manage=True)
        form = VisitShareForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose whether to share the visit with BGI."))
            return _render_detail(request, pk, status=400)
        shared = form.cleaned_data["shared"]
        services.visit_share_with_bgi(visit=visit, actor=request.user, shared=shared)
        if shared:
            message = _(
                "The visit is now shared with BGI: their liaison sees its title, dates, "
                "purpose, objectives and itinerary."
            )
        else:
            message = _("The visit is no longer shared with BGI.")
        messages.success(request, message)
        return redirect(visit)


class ObjectiveCreateView(VisitPagesMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(request, pk, internal=True, manage=True)
        form = ObjectiveForm(request.POST, viewer=request.user)
        if form.is_valid():
            try:
                services.objective_add(
                    visit=visit,
                    actor=request.user,
                    priority_area=form.cleaned_data["priority_area"],
                    recommendation=form.cleaned_data["recommendation"],
                    text=form.cleaned_data["text"],
                )
            except ValidationError as error:
                put_errors_on_form(form, error)
            else:
                messages.success(request, _("The objective was added."))
                return redirect(visit.get_absolute_url() + "#objectives")
        return _render_detail(request, pk, status=400, objective_form=form)


# Create and edit ------------------------------------------------------------------------------


def _field_text(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name == "responsible_officer":
        return str(value.display_name)
    return str(value)


class VisitCreateView(VisitPagesMixin, View):
    template_name = "delegations/visit_form.html"

    def _render(
        self, request: AuthenticatedHttpRequest, form: VisitForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "form": form,
            "is_new": True,
            "breadcrumbs": list_crumbs((_("New visit"), None)),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        check_visit_access(request.user, None, manage=True)
        return self._render(request, VisitForm(submit_label=_("Propose visit")))

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        check_visit_access(request.user, None, manage=True)
        form = VisitForm(request.POST, submit_label=_("Propose visit"))
        if form.is_valid():
            programme = current_programme(request.user)
            if programme is None:
                form.add_error(None, _("The programme has not been set up yet."))
                return self._render(request, form, status=409)
            try:
                visit = services.visit_create(
                    programme=programme, actor=request.user, data=form.to_data()
                )
            except ValidationError as error:
                put_errors_on_form(form, error)
            else:
                messages.success(request, _("Visit “%(title)s” proposed.") % {"title": visit.title})
                return redirect(visit)
        return self._render(request, form, status=400)


class VisitUpdateView(VisitPagesMixin, View):
    template_name = "delegations/visit_form.html"

    def _render(
        self,
        request: AuthenticatedHttpRequest,
        visit: Visit,
        form: VisitForm,
        status: int = 200,
        changes: list[dict[str, str]] | None = None,
    ) -> HttpResponse:
        context = {
            **visit_page(request, visit, "overview", (_("Edit"), None)),
            "form": form,
            "is_new": False,
            "conflict": changes is not None,
            "changes": changes or [],
        }
        return render(request, self.template_name, context, status=status)

    def _render_conflict(
        self, request: AuthenticatedHttpRequest, pk: int, form: VisitForm
    ) -> HttpResponse:
        current = get_visit(request, pk, internal=True, manage=True)
        saved = visit_initial(current)
        saved["responsible_officer"] = current.responsible_officer
        changes = [
            {
                "label": str(field.label),
                "saved": _field_text(name, saved[name]),
                "yours": _field_text(name, form.cleaned_data.get(name)),
            }
            for name, field in form.fields.items()
            if name != "version" and saved[name] != form.cleaned_data.get(name)
        ]
        data = request.POST.copy()
        data["version"] = str(current.version)
        retry = VisitForm(
            data,
            initial=visit_initial(current),
            with_version=True,
            submit_label=_("Save my version"),
        )
        retry.is_valid()
        return self._render(request, current, retry, status=409, changes=changes)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(request, pk, internal=True, manage=True)
        if visit.status in FROZEN_STATUSES:
            messages.error(request, _("A closed or cancelled visit cannot change."))
            return redirect(visit)
        form = VisitForm(
            initial=visit_initial(visit), with_version=True, submit_label=_("Save changes")
        )
        return self._render(request, visit, form)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(request, pk, internal=True, manage=True)
        form = VisitForm(
            request.POST,
            initial=visit_initial(visit),
            with_version=True,
            submit_label=_("Save changes"),
        )
        if not form.is_valid():
            return self._render(request, visit, form, status=400)
        try:
            saved = services.visit_update(
                visit=visit,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                data=form.to_data(),
            )
        except StaleVersion:
            messages.error(request, STALE_EDIT_MESSAGE)
            return self._render_conflict(request, pk, form)
        except ValidationError as error:
            put_errors_on_form(form, error)
            return self._render(request, visit, form, status=400)
        except DomainError as error:
            domain_error_message(request, error)
            return self._render(request, visit, form, status=409)
        messages.success(
            request, _("Your changes to “%(title)s” were saved.") % {"title": saved.title}
        )
        return redirect(saved)
