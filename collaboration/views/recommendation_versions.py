"""A recommendation's saved versions, and the differences of every versioned field between two
of them."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from portal.pages import crumbs
from portal.types import AuthenticatedHttpRequest

from .. import selectors
from ..diff import diff_html
from ..forms.recommendations import VersionPairForm
from ..models import Recommendation, RecommendationVersion
from .base import PageMixin
from .recommendations import (
    FIELD_LABELS,
    format_cost,
    home_crumb,
    list_crumb,
    recommendation_crumbs,
    visible_recommendation,
)


def _versions_of(recommendation: Recommendation) -> list[RecommendationVersion]:
    return list(
        RecommendationVersion.objects.filter(recommendation=recommendation)
        .select_related("created_by")
        .order_by("-number")
    )


def _default_pair(versions: list[RecommendationVersion]) -> tuple[int, int]:
    """The latest two versions (versions are newest first); one version compares to itself."""
    newest = versions[0].number
    return (versions[1].number if len(versions) > 1 else newest), newest


def _render_versions(
    request: AuthenticatedHttpRequest,
    recommendation: Recommendation,
    versions: list[RecommendationVersion],
    form: VersionPairForm,
    status: int = 200,
) -> HttpResponse:
    form.helper.form_action = reverse("collaboration:recommendation-diff", args=[recommendation.pk])
    context = {
        "recommendation": recommendation,
        "versions": versions,
        "form": form,
        "breadcrumbs": recommendation_crumbs(recommendation, _("Versions")),
    }
    return render(request, "collaboration/recommendation_versions.html", context, status=status)


class RecommendationVersionListView(PageMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        recommendation = visible_recommendation(request, pk)
        versions = _versions_of(recommendation)
        numbers = [v.number for v in versions]
        initial = {}
        if versions:
            initial["from"], initial["to"] = _default_pair(versions)
        form = VersionPairForm(initial=initial, numbers=numbers)
        return _render_versions(request, recommendation, versions, form)


class RecommendationDiffView(PageMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        recommendation = visible_recommendation(request, pk)
        versions = _versions_of(recommendation)
        if not versions:
            raise Http404
        numbers = [v.number for v in versions]
        if "from" not in request.GET and "to" not in request.GET:
            from_number, to_number = _default_pair(versions)
        else:
            form = VersionPairForm(request.GET, numbers=numbers)
            if not form.is_valid():
                return _render_versions(request, recommendation, versions, form, status=400)
            from_number, to_number = form.cleaned_data["from"], form.cleaned_data["to"]
        try:
            fields = selectors.recommendation_versions_diff(
                recommendation=recommendation,
                from_number=from_number,
                to_number=to_number,
                format_number=format_cost,
            )
        except RecommendationVersion.DoesNotExist:
            raise Http404 from None
        by_number = {v.number: v for v in versions}
        rows = [
            {
                "name": name,
                "label": FIELD_LABELS.get(name, name),
                "html": diff_html(parts),
                "changed": any(part.op != "equal" for part in parts),
            }
            for name, parts in fields
        ]
        pair = VersionPairForm(initial={"from": from_number, "to": to_number}, numbers=numbers)
        pair.helper.form_action = reverse(
            "collaboration:recommendation-diff", args=[recommendation.pk]
        )
        context = {
            "recommendation": recommendation,
            "old": by_number[from_number],
            "new": by_number[to_number],
            "rows": rows,
            "any_change": any(row["changed"] for row in rows),
            "form": pair,
            "breadcrumbs": crumbs(
                home_crumb(),
                list_crumb(),
                (recommendation.title, recommendation.get_absolute_url()),
                (
                    _("Versions"),
                    reverse("collaboration:recommendation-versions", args=[recommendation.pk]),
                ),
                (
                    _("Version %(old)s → %(new)s") % {"old": from_number, "new": to_number},
                    None,
                ),
            ),
        }
        return render(request, "collaboration/recommendation_diff.html", context)
