"""Recommendation pages and "My work": list, detail, create and edit (with the edit-conflict
page), workflow steps, comments, archiving, versions and their differences.

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
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from portal import policies as roles
from portal.caching import CachedContentMixin
from portal.exceptions import DomainError, StaleVersion
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, selectors, services
from ..diff import diff_html, word_diff
from ..forms.recommendations import (
    RecommendationCommentForm,
    RecommendationFilter,
    RecommendationForm,
    RecommendationTransitionForm,
    VersionForm,
    VersionPairForm,
    initial_from,
)
from ..models import (
    Recommendation,
    RecommendationComment,
    RecommendationTransition,
    RecommendationVersion,
    TeamMembership,
)
from ..workflows import RECOMMENDATION_FLOW

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

# What the person is expected to do with a recommendation waiting for them.
EXPECTED_ACTION: dict[str, Any] = {
    Recommendation.Status.TEAM_REVIEW: gettext_lazy("Review the text with the team"),
    Recommendation.Status.ENDORSED: gettext_lazy("Submit it to the ministry"),
    Recommendation.Status.SUBMITTED: gettext_lazy("Decide: approve, return for revision or reject"),
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


class InternalOnlyMixin:
    """People inside government only; everyone else is answered 404, as for a missing page."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not roles.is_internal(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def _crumbs(*items: tuple[str, str | None]) -> list[dict[str, Any]]:
    return [{"label": label, "url": url} for label, url in items]


def _list_crumb() -> tuple[str, str]:
    return (_("Recommendations"), reverse("collaboration:recommendation-list"))


def _recommendation_crumbs(recommendation: Recommendation, *tail: str) -> list[dict[str, Any]]:
    items: list[tuple[str, str | None]] = [(_("Home"), reverse("home")), _list_crumb()]
    if tail:
        items.append((recommendation.title, recommendation.get_absolute_url()))
        items.extend((label, None) for label in tail[:-1])
        items.append((tail[-1], None))
    else:
        items.append((recommendation.title, None))
    return _crumbs(*items)


def _visible(request: AuthenticatedHttpRequest, pk: int) -> Recommendation:
    recommendation: Recommendation = get_object_or_404(
        selectors.recommendation_list(viewer=request.user), pk=pk
    )
    return recommendation


def _format_cost(value: Decimal | None) -> str:
    if value is None:
        return ""
    places = 0 if value == value.to_integral_value() else 2
    return "PKR " + number_format(value, decimal_pos=places, force_grouping=True)


def _status_display(value: str) -> str:
    return str(STATUS_LABELS.get(value, value))


# Detail ---------------------------------------------------------------------------------------


def _detail_queryset(viewer: Any) -> QuerySet[Recommendation]:
    return selectors.recommendation_list(viewer=viewer).prefetch_related(
        Prefetch(
            "comments",
            queryset=RecommendationComment.objects.filter(archived_at__isnull=True)
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
        "cost": _format_cost(recommendation.estimated_cost_pkr),
        "transitions": transition_items(available),
        "transition_url": reverse("collaboration:recommendation-transition", args=[pk]),
        "timeline": timeline,
        "comments": recommendation.visible_comments,  # type: ignore[attr-defined]
        "can_comment": can_comment,
        "comment_form": comment_form or (RecommendationCommentForm() if can_comment else None),
        "can_edit": recommendation.is_editable
        and policies.can_edit_recommendation(user, recommendation),
        "can_archive": not archived and policies.can_archive_recommendation(user, recommendation),
        "breadcrumbs": _recommendation_crumbs(recommendation),
        "citing_clauses": selectors.citing_clauses(recommendation),
    }
    return render(request, "collaboration/recommendation_detail.html", context, status=status)


class RecommendationDetailView(InternalOnlyMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _render_detail(request, pk)


# List -----------------------------------------------------------------------------------------


class RecommendationListView(InternalOnlyMixin, CachedContentMixin, ListView):
    """The list, filters and pages; the content is kept in the read cache between writes."""

    page_template_name = "collaboration/recommendation_list.html"
    template_name = "collaboration/includes/_recommendation_list.html"
    cache_name = "recommendation-list"
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
        return context

    def get_page_context(self) -> dict[str, Any]:
        return {"breadcrumbs": _crumbs((_("Home"), reverse("home")), (_("Recommendations"), None))}


# Create and edit ------------------------------------------------------------------------------


def _programme_of(user: Any) -> Any:
    membership = (
        TeamMembership.objects.current()
        .filter(user=user)
        .select_related("team__programme")
        .order_by("-started_on")
        .first()
    )
    if membership is None:
        raise PermissionDenied
    return membership.team.programme


def _add_service_errors(form: RecommendationForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class RecommendationCreateView(InternalOnlyMixin, View):
    template_name = "collaboration/recommendation_form.html"

    def _render(
        self, request: AuthenticatedHttpRequest, form: RecommendationForm, status: int = 200
    ):
        context = {
            "form": form,
            "is_new": True,
            "breadcrumbs": _crumbs(
                (_("Home"), reverse("home")), _list_crumb(), (_("New recommendation"), None)
            ),
        }
        return render(request, self.template_name, context, status=status)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if roles.is_internal(request.user) and not policies.can_create_recommendation(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = RecommendationForm(viewer=request.user, submit_label=_("Save draft"))
        return self._render(request, form)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = RecommendationForm(request.POST, viewer=request.user, submit_label=_("Save draft"))
        if form.is_valid():
            try:
                recommendation = services.recommendation_create(
                    programme=_programme_of(request.user), actor=request.user, data=form.to_data()
                )
            except ValidationError as error:
                _add_service_errors(form, error)
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
        return _format_cost(value)
    return str(value or "")


class RecommendationUpdateView(InternalOnlyMixin, View):
    template_name = "collaboration/recommendation_form.html"

    def _get(self, request: AuthenticatedHttpRequest, pk: int) -> Recommendation:
        recommendation = _visible(request, pk)
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
            "breadcrumbs": _recommendation_crumbs(recommendation, _("Edit")),
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
            "breadcrumbs": _recommendation_crumbs(recommendation, _("Edit")),
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
            "breadcrumbs": _recommendation_crumbs(current, _("Edit conflict")),
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
            _add_service_errors(form, error)
            return self._render_form(request, recommendation, form, status=400)
        messages.success(
            request,
            _("Your changes to “%(title)s” were saved as version %(n)s.")
            % {"title": saved.title, "n": saved.revision},
        )
        return redirect(saved)


# Workflow steps, comments, archive ------------------------------------------------------------


class RecommendationTransitionView(InternalOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        recommendation = _visible(request, pk)
        form = RecommendationTransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The step could not be read. Reload the page and try again."))
            return _render_detail(request, pk, status=400)
        data = form.cleaned_data
        try:
            moved = services.recommendation_transition(
                recommendation=recommendation,
                name=data["transition"],
                actor=request.user,
                comment=data["comment"],
                expected_version=data["version"],
                official_reference=data["official_reference"].strip(),
            )
        except StaleVersion:
            messages.error(
                request,
                _(
                    "Someone else changed this recommendation since you opened it. "
                    "This is how it stands now: check it and try again."
                ),
            )
            return _render_detail(request, pk, status=409)
        except DomainError as error:
            domain_error_message(request, error)
            return _render_detail(request, pk, status=409)
        messages.success(
            request,
            _("“%(title)s” is now: %(status)s.")
            % {"title": moved.title, "status": moved.get_status_display()},
        )
        return redirect(moved)


class RecommendationCommentView(InternalOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        recommendation = _visible(request, pk)
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


class RecommendationArchiveView(InternalOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        recommendation = _visible(request, pk)
        form = VersionForm(request.POST)
        expected = form.cleaned_data["version"] if form.is_valid() else None
        try:
            archived = services.recommendation_archive(
                recommendation=recommendation, actor=request.user, expected_version=expected
            )
        except StaleVersion:
            messages.error(
                request,
                _(
                    "Someone else changed this recommendation since you opened it. "
                    "It was not archived: check it and try again."
                ),
            )
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


# Versions and differences ---------------------------------------------------------------------


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
        "breadcrumbs": _recommendation_crumbs(recommendation, _("Versions")),
    }
    return render(request, "collaboration/recommendation_versions.html", context, status=status)


class RecommendationVersionListView(InternalOnlyMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        recommendation = _visible(request, pk)
        versions = _versions_of(recommendation)
        numbers = [v.number for v in versions]
        initial = {}
        if versions:
            initial["from"], initial["to"] = _default_pair(versions)
        form = VersionPairForm(initial=initial, numbers=numbers)
        return _render_versions(request, recommendation, versions, form)


class RecommendationDiffView(InternalOnlyMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        recommendation = _visible(request, pk)
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
                recommendation=recommendation, from_number=from_number, to_number=to_number
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
            "breadcrumbs": _crumbs(
                (_("Home"), reverse("home")),
                _list_crumb(),
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


# My work --------------------------------------------------------------------------------------


class MyWorkView(InternalOnlyMixin, TemplateView):
    template_name = "collaboration/my_work.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        work = selectors.my_work(viewer=user, today=today)  # type: ignore[arg-type]
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
                "overdue": item.due_on < today,
                "days_overdue": (today - item.due_on).days,
                "due_today": item.due_on == today,
            }
            for item in work.action_items
        ]
        context["overdue_count"] = work.overdue_count
        context["can_create"] = policies.can_create_recommendation(user)
        context["breadcrumbs"] = _crumbs((_("Home"), reverse("home")), (_("My work"), None))
        return context
