"""The plan's pages: cohorts with progress and consent versions, governance, capacity,
milestones; and one cohort with its consent texts in English and Urdu."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from portal.types import AuthenticatedHttpRequest

from .. import policies, selectors
from ..models import GeneBankPlan, Milestone
from .common import PlanPagesMixin, genebank_crumbs


class PlanView(PlanPagesMixin, TemplateView):
    template_name = "genebank/plan.html"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            {
                "plan": GeneBankPlan.objects.first(),
                "cohorts": selectors.cohort_list(viewer=user),
                "milestones": Milestone.objects.visible_to(user)
                .active()
                .select_related("cohort", "owner"),
                "today": timezone.localdate(),
                "breadcrumbs": genebank_crumbs(),
            }
        )
        return context


class CohortDetailView(PlanPagesMixin, TemplateView):
    template_name = "genebank/cohort_detail.html"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohort = get_object_or_404(selectors.cohort_list(viewer=self.request.user), pk=kwargs["pk"])
        context.update(
            {
                "cohort": cohort,
                "approvals": cohort.approvals.active(),
                "can_manage": policies.can_manage_genebank(self.request.user),
                "breadcrumbs": genebank_crumbs((cohort.name, None)),
            }
        )
        return context
