"""My work: the viewer's drafts, the recommendations waiting for them, and their action items."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from portal.notifications import unread_count
from portal.pages import crumbs
from portal.reminders import due_items_for
from portal.types import AuthenticatedHttpRequest

from .. import policies, selectors
from ..models import Recommendation
from ..workflows import RECOMMENDATION_FLOW
from .base import PageMixin
from .recommendations import home_crumb

# How far ahead "My deadlines" looks; everything overdue is listed whatever its age.
DEADLINES_AHEAD_DAYS = 30

# What the person is expected to do with a recommendation waiting for them.
EXPECTED_ACTION: dict[str, Any] = {
    Recommendation.Status.TEAM_REVIEW: gettext_lazy("Review the text with the team"),
    Recommendation.Status.ENDORSED: gettext_lazy("Submit it to the ministry"),
    Recommendation.Status.SUBMITTED: gettext_lazy("Decide: approve, return for revision or reject"),
}


class MyWorkView(PageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "collaboration/my_work.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        work = selectors.my_work(viewer=user, today=today)
        context["drafts"] = work.drafts
        context["waiting"] = [
            {
                "recommendation": recommendation,
                "expected": EXPECTED_ACTION.get(recommendation.status, ""),
                "steps": [t.display for t in RECOMMENDATION_FLOW.available(recommendation, user)],
            }
            for recommendation in work.awaiting_me
        ]
        context["action_items"] = [
            {
                "item": item,
                "overdue": item.is_overdue_on(today),
                "days_overdue": (today - item.due_on).days,
                "due_today": item.due_on == today,
            }
            for item in work.action_items
        ]
        # Every dated thing the person is responsible for, as the reminders have it (action
        # items, MoU reviews, visit tasks, visas, obligations, signing and expiry dates).
        context["deadlines"] = [
            {
                "kind": str(due.kind.label),
                "item": due.item,
                "overdue": due.item.is_overdue_on(today),
                "days_left": due.item.days_left(today),
            }
            for due in due_items_for(
                user, until=today + timedelta(days=DEADLINES_AHEAD_DAYS), start=None
            )
        ]
        context["deadlines_ahead_days"] = DEADLINES_AHEAD_DAYS
        # What waits for the person, in counts, at the top of the page (each links to its list).
        context["counts"] = [
            (_("Waiting for me"), len(context["waiting"]), "#waiting-heading"),
            (_("My deadlines"), len(context["deadlines"]), "#deadlines-heading"),
            (_("Overdue action items"), work.overdue_count, "#actions-heading"),
            (_("Unread notifications"), unread_count(user), reverse("notification-list")),
        ]
        context["overdue_count"] = work.overdue_count
        context["can_create"] = policies.can_create_recommendation(user)
        context["breadcrumbs"] = crumbs(home_crumb(), (_("My work"), None))
        return context
