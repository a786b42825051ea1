"""Writing a recommendation: the new-draft page, and the edit page with its conflict page (a
newer version saved meanwhile: the two texts field by field) and its not-editable page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View

from portal.exceptions import DomainError, StaleVersion
from portal.pages import crumbs, put_errors_on_form
from portal.types import AuthenticatedHttpRequest

from .. import policies, selectors, services
from ..diff import diff_html, word_diff
from ..forms.recommendations import RecommendationForm, initial_from
from ..models import Recommendation, RecommendationVersion
from .base import ManagerPageMixin, PageMixin
from .recommendations import (
    FIELD_LABELS,
    format_cost,
    home_crumb,
    list_crumb,
    recommendation_crumbs,
    visible_recommendation,
)


class RecommendationCreateView(ManagerPageMixin, View):
    """A team member starts a draft; other internal people get 403."""

    manage_policy = staticmethod(policies.can_create_recommendation)
    template_name = "collaboration/recommendation_form.html"

    def _render(
        self, request: AuthenticatedHttpRequest, form: RecommendationForm, status: int = 200
    ):
        context = {
            "form": form,
            "is_new": True,
            "breadcrumbs": crumbs(home_crumb(), list_crumb(), (_("New recommendation"), None)),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = RecommendationForm(viewer=request.user, submit_label=_("Save draft"))
        return self._render(request, form)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = RecommendationForm(request.POST, viewer=request.user, submit_label=_("Save draft"))
        if form.is_valid():
            try:
                recommendation = services.recommendation_create(
                    actor=request.user, data=form.to_data()
                )
            except ValidationError as error:
                put_errors_on_form(form, error)
            else:
                messages.success(
                    request,
                    _("Draft “%(title)s” saved as version 1.") % {"title": recommendation.title},
                )
                return redirect(recommendation)
        return self._render(request, form, status=400)


def _display_value(name: str, value: Any) -> str:
    """A form or model value as text the conflict page can show and compare."""
    if name in ("priority_areas", "capabilities"):
        return "; ".join(sorted(str(item) for item in value))
    if name == "estimated_cost_pkr":
        return format_cost(value)
    return str(value or "")


class RecommendationUpdateView(PageMixin, View):
    template_name = "collaboration/recommendation_form.html"

    def _get(self, request: AuthenticatedHttpRequest, pk: int) -> Recommendation:
        recommendation = visible_recommendation(request, pk)
        if not policies.can_edit_recommendation(request.user, recommendation):
            raise PermissionDenied
        return recommendation

    def _form(
        self, request: AuthenticatedHttpRequest, recommendation: Recommendation, **kwargs: Any
    ):
        return RecommendationForm(
            viewer=request.user,
            recommendation=recommendation,
            submit_label=_("Save changes"),
            **kwargs,
        )

    def _render_form(
        self,
        request: AuthenticatedHttpRequest,
        recommendation: Recommendation,
        form: Any,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "form": form,
            "recommendation": recommendation,
            "is_new": False,
            "breadcrumbs": recommendation_crumbs(recommendation, _("Edit")),
        }
        return render(request, self.template_name, context, status=status)

    def _render_not_editable(
        self, request: AuthenticatedHttpRequest, recommendation: Recommendation, form: Any = None
    ) -> HttpResponse:
        unsaved = []
        if form is not None and form.is_valid():
            unsaved = [
                {"label": label, "value": _display_value(name, form.cleaned_data[name])}
                for name, label in FIELD_LABELS.items()
            ]
        elif form is not None:
            unsaved = [
                {"label": label, "value": form.data.get(name, "")}
                for name, label in FIELD_LABELS.items()
                if name not in ("priority_areas", "capabilities")
            ]
        context = {
            "recommendation": recommendation,
            "status_label": recommendation.get_status_display(),
            "unsaved": unsaved,
            "breadcrumbs": recommendation_crumbs(recommendation, _("Edit")),
        }
        return render(
            request, "collaboration/recommendation_not_editable.html", context, status=409
        )

    def _render_conflict(
        self, request: AuthenticatedHttpRequest, pk: int, form: RecommendationForm
    ) -> HttpResponse:
        current = get_object_or_404(
            selectors.recommendation_list(viewer=request.user).prefetch_related(
                Prefetch(
                    "versions",
                    queryset=RecommendationVersion.objects.select_related("created_by").order_by(
                        "-number"
                    ),
                    to_attr="saved_versions",
                )
            ),
            pk=pk,
        )
        if not current.is_editable:
            return self._render_not_editable(request, current, form)
        theirs = form.cleaned_data
        saved = {name: getattr(current, name) for name in Recommendation.TEXT_FIELDS}
        saved["estimated_cost_pkr"] = current.estimated_cost_pkr
        saved["priority_areas"] = list(current.priority_areas.all())
        saved["capabilities"] = list(current.capabilities.all())
        rows: list[dict[str, Any]] = []
        for name, label in FIELD_LABELS.items():
            mine, stored = _display_value(name, theirs[name]), _display_value(name, saved[name])
            rows.append(
                {
                    "name": name,
                    "label": label,
                    "theirs": mine,
                    "saved": stored,
                    "same": mine == stored,
                    "diff": diff_html(word_diff(stored, mine)),
                }
            )
        initial = {**theirs, "version": current.version}
        merge_form = self._form(request, current, initial=initial)
        saved_versions = current.saved_versions  # type: ignore[attr-defined]
        context = {
            "recommendation": current,
            "latest_version": saved_versions[0] if saved_versions else None,
            "rows": rows,
            "same_labels": [capfirst(row["label"]) for row in rows if row["same"]],
            "form": merge_form,
            "breadcrumbs": recommendation_crumbs(current, _("Edit conflict")),
        }
        return render(request, "collaboration/recommendation_conflict.html", context, status=409)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        recommendation = self._get(request, pk)
        if not recommendation.is_editable:
            return self._render_not_editable(request, recommendation)
        form = self._form(request, recommendation, initial=initial_from(recommendation))
        return self._render_form(request, recommendation, form)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        recommendation = self._get(request, pk)
        form = self._form(request, recommendation, data=request.POST)
        if not recommendation.is_editable:
            return self._render_not_editable(request, recommendation, form)
        if not form.is_valid():
            return self._render_form(request, recommendation, form, status=400)
        try:
            saved = services.recommendation_update(
                recommendation=recommendation,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                data=form.to_data(),
                note=form.cleaned_data["note"],
            )
        except StaleVersion:
            return self._render_conflict(request, pk, form)
        except DomainError:
            recommendation.refresh_from_db()
            return self._render_not_editable(request, recommendation, form)
        except ValidationError as error:
            put_errors_on_form(form, error)
            return self._render_form(request, recommendation, form, status=400)
        messages.success(
            request,
            _("Your changes to “%(title)s” were saved as version %(n)s.")
            % {"title": saved.title, "n": saved.revision},
        )
        return redirect(saved)
