"""Recommendation pages: the list, one recommendation (its steps, comments and history), taking
a workflow step, commenting and archiving; and what the other recommendation pages share.

Views stay thin: reads go through selectors and `visible_to`, permission through policies,
every write through a service. These pages are for people inside government; BGI's liaison
and machine accounts get 404 on every one of them, as for any record they may not see.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from portal.exceptions import DomainError, StaleVersion
from portal.formatting import format_pkr
from portal.pages import STALE_STEP_MESSAGE, WorkflowTransitionView, crumbs
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, selectors, services
from ..forms.recommendations import (
    RecommendationCommentForm,
    RecommendationFilter,
    RecommendationTransitionForm,
    VersionForm,
)
from ..models import Recommendation, RecommendationComment, RecommendationTransition
from ..workflows import RECOMMENDATION_FLOW
from .base import PageMixin

STATUS_LABELS = dict(Recommendation.Status.choices)

# Field order and labels of the text form, used by the conflict and diff pages.
FIELD_LABELS = {
    "title": Recommendation._meta.get_field("title").verbose_name,
    "priority_areas": Recommendation._meta.get_field("priority_areas").verbose_name,
    "summary": Recommendation._meta.get_field("summary").verbose_name,
    "body": Recommendation._meta.get_field("body").verbose_name,
    "rationale": Recommendation._meta.get_field("rationale").verbose_name,
    "capabilities": Recommendation._meta.get_field("capabilities").verbose_name,
    "expected_outcomes": Recommendation._meta.get_field("expected_outcomes").verbose_name,
    "estimated_cost_pkr": Recommendation._meta.get_field("estimated_cost_pkr").verbose_name,
    "timeline": Recommendation._meta.get_field("timeline").verbose_name,
    "risks": Recommendation._meta.get_field("risks").verbose_name,
}
# Extra, optional inputs some workflow steps accept, and how their buttons look.
TRANSITION_FIELDS = {
    "submit_to_ministry": [
        {
            "name": "official_reference",
            "label": gettext_lazy("Ministry file or diary number (optional)"),
            "help": gettext_lazy(
                "Recorded with the submission, for example “F.No. 7-12/2026-NIH”."
            ),
            "maxlength": 100,
        }
    ]
}
TRANSITION_BUTTONS = {
    "reject": "btn-outline-danger",
    "return_for_revision": "btn-outline-secondary",
    "back_to_draft": "btn-outline-secondary",
}


# Shared helpers --------------------------------------------------------------------------


def home_crumb() -> tuple[str, str]:
    return (_("Home"), reverse("home"))


def list_crumb() -> tuple[str, str]:
    return (_("Recommendations"), reverse("collaboration:recommendation-list"))


def recommendation_crumbs(recommendation: Recommendation, *tail: str) -> list[dict[str, Any]]:
    """Home › Recommendations › the recommendation › the tail (the last without a link)."""
    return crumbs(
        home_crumb(),
        list_crumb(),
        (recommendation.title, recommendation.get_absolute_url()),
        *((label, None) for label in tail),
    )


def visible_recommendation(request: AuthenticatedHttpRequest, pk: int) -> Recommendation:
    recommendation: Recommendation = get_object_or_404(
        selectors.recommendation_list(viewer=request.user), pk=pk
    )
    return recommendation


def format_cost(value: Decimal | None) -> str:
    """The estimated cost as the portal writes PKR amounts ("PKR 1,200.00")."""
    return format_pkr(value)


def _status_display(value: str) -> str:
    return str(STATUS_LABELS.get(value, value))


# Detail ---------------------------------------------------------------------------------------


def _detail_queryset(viewer: Any) -> QuerySet[Recommendation]:
    return selectors.recommendation_list(viewer=viewer).prefetch_related(
        Prefetch(
            "comments",
            queryset=RecommendationComment.objects.active()
            .select_related("author")
            .order_by("created_at", "pk"),
            to_attr="visible_comments",
        ),
        Prefetch(
            "transitions",
            queryset=RecommendationTransition.objects.select_related("actor").order_by(
                "created_at", "pk"
            ),
            to_attr="workflow_steps",
        ),
    )


def transition_items(transitions: list[Any]) -> list[dict[str, Any]]:
    """What the generic transition-buttons include needs for each available step."""
    return [
        {
            "name": t.name,
            "display": t.display,
            "comment_required": t.comment_required,
            "fields": TRANSITION_FIELDS.get(t.name, []),
            "button_class": TRANSITION_BUTTONS.get(t.name, "btn-primary"),
        }
        for t in transitions
    ]


def _render_detail(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    status: int = 200,
    comment_form: RecommendationCommentForm | None = None,
) -> HttpResponse:
    user = request.user
    recommendation = get_object_or_404(_detail_queryset(user), pk=pk)
    archived = recommendation.is_archived
    available = [] if archived else RECOMMENDATION_FLOW.available(recommendation, user)
    timeline = [
        {
            "actor": step.actor,
            "at": step.created_at,
            "step": RECOMMENDATION_FLOW.transitions[step.transition].display
            if step.transition in RECOMMENDATION_FLOW.transitions
            else step.transition,
            "from_status": step.from_status,
            "from_label": _status_display(step.from_status),
            "to_status": step.to_status,
            "to_label": _status_display(step.to_status),
            "comment": step.comment,
        }
        for step in recommendation.workflow_steps  # type: ignore[attr-defined]
    ]
    can_comment = policies.can_comment_recommendation(user, recommendation)
    context = {
        "recommendation": recommendation,
        "priority_areas": list(recommendation.priority_areas.all()),
        "capabilities": list(recommendation.capabilities.all()),
        "authors": list(recommendation.authors.all()),
        "cost": format_cost(recommendation.estimated_cost_pkr),
        "transitions": transition_items(available),
        "transition_url": reverse("collaboration:recommendation-transition", args=[pk]),
        "timeline": timeline,
        "comments": recommendation.visible_comments,  # type: ignore[attr-defined]
        "can_comment": can_comment,
        "comment_form": comment_form or (RecommendationCommentForm() if can_comment else None),
        "can_edit": recommendation.is_editable
        and policies.can_edit_recommendation(user, recommendation),
        "can_archive": not archived and policies.can_archive_recommendation(user, recommendation),
        "breadcrumbs": recommendation_crumbs(recommendation),
        "citing_clauses": selectors.citing_clauses(recommendation),
    }
    return render(request, "collaboration/recommendation_detail.html", context, status=status)


class RecommendationDetailView(PageMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _render_detail(request, pk)


# List -----------------------------------------------------------------------------------------


class RecommendationListView(PageMixin, ListView):
    """The list, filters and pages."""

    request: AuthenticatedHttpRequest
    template_name = "collaboration/recommendation_list.html"
    context_object_name = "recommendations"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[Recommendation]:
        self.filterset = RecommendationFilter(
            self.request.GET,
            queryset=selectors.recommendation_list(viewer=self.request.user),
            viewer=self.request.user,
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filterset.form
        context["is_filtered"] = any(
            self.request.GET.get(name) for name in ("q", "priority_area", "status", "author")
        )
        context["can_create"] = policies.can_create_recommendation(self.request.user)
        context["breadcrumbs"] = crumbs(home_crumb(), (_("Recommendations"), None))
        return context


# Workflow steps, comments, archive ------------------------------------------------------------


class RecommendationTransitionView(PageMixin, WorkflowTransitionView):
    """Take one step of RECOMMENDATION_FLOW (submitting may carry the ministry's file number)."""

    workflow = RECOMMENDATION_FLOW
    form_class = RecommendationTransitionForm
    confirm_steps = {
        "approve": gettext_lazy(
            "Approving is the ministry's decision: it cannot be undone, the recommendation "
            "can no longer be edited or returned, and it may become a clause of the MoU."
        ),
        "reject": gettext_lazy(
            "Rejecting is final: the recommendation cannot be reopened or approved later."
        ),
    }

    def get_subject(self, request: Any, **kwargs: Any) -> Recommendation:
        return visible_recommendation(request, kwargs["pk"])

    def perform(
        self, request: Any, subject: Recommendation, data: dict[str, Any]
    ) -> Recommendation:
        return services.recommendation_transition(
            recommendation=subject,
            name=data["transition"],
            actor=request.user,
            comment=data["comment"],
            expected_version=data["version"],
            official_reference=data["official_reference"].strip(),
        )

    def render_subject(
        self, request: Any, subject: Recommendation, *, status: int, **extra: Any
    ) -> HttpResponse:
        return _render_detail(request, subject.pk, status=status)


class RecommendationCommentView(PageMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        recommendation = visible_recommendation(request, pk)
        if not policies.can_comment_recommendation(request.user, recommendation):
            raise PermissionDenied
        form = RecommendationCommentForm(request.POST)
        if form.is_valid():
            try:
                services.recommendation_comment_add(
                    recommendation=recommendation,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:
                form.add_error("body", error.messages)
            else:
                messages.success(request, _("Your comment was added."))
                return redirect(recommendation.get_absolute_url() + "#comments")
        return _render_detail(request, pk, status=400, comment_form=form)


class RecommendationArchiveView(PageMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        recommendation = visible_recommendation(request, pk)
        form = VersionForm(request.POST)
        expected = form.cleaned_data["version"] if form.is_valid() else None
        try:
            archived = services.recommendation_archive(
                recommendation=recommendation, actor=request.user, expected_version=expected
            )
        except StaleVersion:
            messages.error(request, STALE_STEP_MESSAGE)
            return _render_detail(request, pk, status=409)
        except DomainError as error:
            domain_error_message(request, error)
            return _render_detail(request, pk, status=409)
        messages.success(
            request,
            _(
                "“%(title)s” was archived. It stays on record: tick “Show archived "
                "recommendations” on the list to find it."
            )
            % {"title": archived.title},
        )
        return redirect("collaboration:recommendation-list")
