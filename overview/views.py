"""The overview pages: each role's dashboard, the programme timeline and the API guide.

Views only gather what the selectors return and the charts that draw it; who sees what is
decided by `portal.policies` and the domain querysets the selectors start from.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from collaboration import policies as collaboration_policies
from collaboration.models import Recommendation
from collaboration.selectors import my_work
from portal import policies as roles
from portal.charts import bar_chart_svg, progress_bar_svg
from portal.pages import PolicyRequiredMixin, crumbs

from . import policies, selectors

# How many overdue and how many upcoming deadlines a dashboard lists; the figures count them all.
DEADLINES_SHOWN = 10

# What a person is expected to do with a recommendation in each state, on their dashboard.
_EXPECTED = {
    Recommendation.Status.TEAM_REVIEW: "review",
    Recommendation.Status.ENDORSED: "submit",
    Recommendation.Status.SUBMITTED: "decide",
}


def _link(label: str, url_name: str) -> dict[str, str] | None:
    try:
        return {"label": label, "url": reverse(url_name)}
    except NoReverseMatch:
        return None


class DashboardView(TemplateView):
    """The landing page: a dashboard made for the viewer's role, computed on every request in
    a bounded number of queries (overview/selectors)."""

    template_name = "overview/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        internal = roles.is_internal(user)
        nih = roles.is_nih(user)
        context.update(
            today=today,
            show_programme=internal,
            show_nih=nih,
            show_admin=roles.is_administrator(user),
            show_bgi=roles.is_bgi_liaison(user) and not internal,
            show_api_client=roles.is_api_client(user) and not internal,
            can_read_status=roles.can_read_programme_status(user),
        )
        # One read of the reminder registry serves the programme's and the person's deadlines.
        board = selectors.deadline_board(viewer=user, today=today, limit=DEADLINES_SHOWN)
        if context["show_nih"]:
            context.update(self._nih(user, today, board))
        if internal:
            context.update(self._programme(user, today, board))
        if context["show_bgi"]:
            context["shared"] = selectors.shared_with_bgi(viewer=user)
        if context["show_admin"]:
            context["admin_links"] = [
                link
                for link in (
                    _link(_("Users and roles"), "admin:portal_user_changelist"),
                    _link(_("Schedules"), "admin:django_celery_beat_periodictask_changelist"),
                    _link(_("Reminder delivery log"), "admin:portal_reminderdelivery_changelist"),
                    _link(_("Administration"), "admin:index"),
                )
                if link is not None
            ]
        return context

    def _programme(self, user: Any, today: Any, board: selectors.DeadlineBoard) -> dict[str, Any]:
        # Only what the dashboard shows: the current MoU, the visits under way or ahead (for
        # the next one), no list of overdue action items (the deadline board has them).
        status = selectors.programme_status(
            viewer=user, today=today, current_visits_only=True, mous_limit=1, overdue_limit=0
        )
        areas = []
        for area in status.priority_areas:
            indicators = [
                {
                    "objective": objective,
                    "indicator": indicator,
                    "bar": progress_bar_svg(percent=indicator.percent, label=indicator.name),
                }
                for objective in area.objectives
                for indicator in objective.indicators
            ]
            areas.append(
                {
                    "area": area,
                    "bar": progress_bar_svg(
                        percent=area.progress, label=area.name, width=200, height=12
                    ),
                    "indicators": indicators,
                }
            )
        pipeline = status.recommendations_by_state
        next_visit = status.next_visit
        countdown = (
            (next_visit.starts_on - today).days
            if next_visit is not None and next_visit.starts_on is not None
            else None
        )
        return {
            "status": status,
            "areas": areas,
            "pipeline": pipeline,
            "pipeline_total": sum(row.count for row in pipeline),
            "pipeline_chart": bar_chart_svg(
                bars=[(row.label, row.count) for row in pipeline],
                title=_("Recommendations by state"),
            ),
            "next_visit": next_visit,
            "countdown": countdown,
            "readiness_bar": (
                progress_bar_svg(
                    percent=next_visit.readiness.percent, label=_("Delegation readiness")
                )
                if next_visit is not None
                else None
            ),
            "mou": status.mou,
            "upcoming": list(board.upcoming),
            "overdue": list(board.overdue),
            "totals": board.totals,
            "upcoming_days": selectors.UPCOMING_DAYS,
            "activity": selectors.recent_activity(viewer=user),
        }

    def _nih(self, user: Any, today: Any, board: selectors.DeadlineBoard) -> dict[str, Any]:
        work = my_work(viewer=user, today=today)
        is_lead = collaboration_policies.can_endorse_recommendation(user, None)  # type: ignore[arg-type]
        to_review = [r for r in work.awaiting_me if r.status == Recommendation.Status.TEAM_REVIEW]
        return {
            "is_lead": is_lead,
            "drafts": work.drafts,
            "to_review": [] if is_lead else to_review,
            "awaiting_endorsement": to_review if is_lead else [],
            "to_submit": [
                r for r in work.awaiting_me if r.status == Recommendation.Status.ENDORSED
            ],
            "my_action_items": [
                {"item": item, "days_overdue": (today - item.due_on).days}
                for item in work.action_items
            ],
            "my_reviews": selectors.my_mou_reviews(viewer=user),
            "my_deadlines": list(board.mine),
        }


class TimelineView(PolicyRequiredMixin, TemplateView):
    """Visits, MoU milestones and every open dated thing on one time axis."""

    template_name = "overview/timeline.html"
    policy = staticmethod(policies.can_view_timeline)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        all_kinds = selectors.timeline_kinds()
        if not roles.is_internal(user):
            all_kinds = {k: v for k, v in all_kinds.items() if k in {"visit", "mou"}}
        chosen = {k for k in self.request.GET.getlist("kind") if k in all_kinds}
        months = selectors.programme_timeline(viewer=user, kinds=chosen or set(all_kinds))
        context.update(
            months=months,
            entry_count=sum(len(m.entries) for m in months),
            kinds=[
                {"value": value, "label": label, "checked": not chosen or value in chosen}
                for value, label in all_kinds.items()
            ],
            is_filtered=bool(chosen) and chosen != set(all_kinds),
            today=timezone.localdate(),
            user_is_bgi=not roles.is_internal(user),
            breadcrumbs=crumbs((_("Home"), reverse("home")), (_("Programme timeline"), None)),
        )
        return context


class ApiGuideView(PolicyRequiredMixin, TemplateView):
    """How a script uses the REST API: tokens, status, lists, writes, errors, reports."""

    template_name = "overview/api_guide.html"
    policy = staticmethod(policies.can_view_api_guide)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        base = self.request.build_absolute_uri("/").rstrip("/")
        context.update(
            base_url=base,
            breadcrumbs=crumbs((_("Home"), reverse("home")), (_("API guide"), None)),
        )
        return context
