"""MoU drafting pages: the list, a new MoU, the overview with its workflow, the clause editor
(English and Chinese side by side), published versions with comments, and the clause-by-clause
difference between two versions.

Views stay thin: reads start from `visible_to`, permission comes from policies, every write
goes through a service. BGI's liaison sees only MoUs with a version shared with BGI, only the
shared versions and only the comments meant for BGI; everything else answers 404, the same as
a page that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from collaboration.diff import diff_html, word_diff
from collaboration.models import Recommendation
from portal import policies as roles
from portal.exceptions import DomainError, StaleVersion
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, selectors, services
from ..forms.drafting import (
    TEXT_FIELDS,
    ClauseCommentForm,
    ClauseForm,
    ClauseFromRecommendationForm,
    ClauseMoveForm,
    MouCreateForm,
    MouTransitionForm,
    VersionPairForm,
    VersionPublishForm,
    clause_initial,
)
from ..models import (
    Clause,
    ClauseComment,
    ClauseSnapshot,
    Clearance,
    Mou,
    MouTransition,
    MouVersion,
)
from ..workflows import MOU_FLOW, TRANSITIONS_WITH_DATA

S = Mou.Status
STATUS_LABELS = dict(S.choices)

# The road to an MoU in force, as the stepper shows it; expiry and termination end it.
STEPS: list[str] = [
    S.DRAFTING,
    S.INTERNAL_REVIEW,
    S.LEGAL_VETTING,
    S.NEGOTIATION,
    S.TEXT_AGREED,
    S.APPROVED,
    S.SIGNED,
    S.IN_FORCE,
]
ENDINGS: list[str] = [S.EXPIRED, S.TERMINATED]

# The statuses in which services.mou_version_publish accepts a new version (it is the rule; the
# page only hides the form where the service would refuse, and a test keeps the two in step).
PUBLISHABLE_STATUSES = Mou.PUBLISHABLE_STATUSES  # the service's rule, for showing the form

FIELD_LABELS = {
    "heading_en": gettext_lazy("heading (English)"),
    "text_en": gettext_lazy("text (English)"),
    "heading_zh": gettext_lazy("heading (Chinese)"),
    "text_zh": gettext_lazy("text (Chinese)"),
}
LANGUAGE_NAMES = {"en": gettext_lazy("English"), "zh": gettext_lazy("Chinese")}
KIND_LABELS = {
    "added": gettext_lazy("Added"),
    "removed": gettext_lazy("Removed"),
    "moved": gettext_lazy("Moved"),
    "changed": gettext_lazy("Changed"),
    "unchanged": gettext_lazy("Unchanged"),
}
TRANSITION_BUTTONS = {
    "back_to_drafting": "btn-outline-secondary",
    "terminate": "btn-outline-danger",
}


# Access ---------------------------------------------------------------------------------------


class PeopleOnlyMixin:
    """People inside government and BGI's liaison; anyone else is answered 404."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (roles.is_internal(request.user) or roles.is_bgi_liaison(request.user)):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class InternalOnlyMixin:
    """The working draft and its tools are internal; everyone else is answered 404."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.can_view_mou_internals(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def _mou(request: HttpRequest, pk: int) -> Mou:
    mou: Mou = get_object_or_404(
        Mou.objects.visible_to(request.user).select_related("responsible_officer", "programme"),
        pk=pk,
    )
    return mou


def _clause(request: HttpRequest, pk: int) -> Clause:
    """A clause of a working draft the viewer may see (removed clauses are gone from it)."""
    clause: Clause = get_object_or_404(
        Clause.objects.filter(
            mou__in=Mou.objects.visible_to(request.user), archived_at__isnull=True
        ).select_related("mou", "mou__programme"),
        pk=pk,
    )
    return clause


def _version(request: HttpRequest, mou: Mou, number: int) -> MouVersion:
    version: MouVersion = get_object_or_404(
        MouVersion.objects.visible_to(request.user).filter(mou=mou).select_related("published_by"),
        number=number,
    )
    return version


# Breadcrumbs and shared context ---------------------------------------------------------------


def _crumbs(*items: tuple[str, str | None]) -> list[dict[str, Any]]:
    return [{"label": label, "url": url} for label, url in items]


def _mou_crumbs(mou: Mou, *tail: tuple[str, str | None]) -> list[dict[str, Any]]:
    items: list[tuple[str, str | None]] = [
        (_("Home"), reverse("home")),
        (_("MoU"), reverse("mou:mou-list")),
        (Truncator(mou.title).chars(70), mou.get_absolute_url() if tail else None),
        *tail,
    ]
    return _crumbs(*items)


def _clauses_crumb(mou: Mou) -> tuple[str, str]:
    return (_("Clauses"), reverse("mou:clause-list", args=[mou.pk]))


def _versions_crumb(mou: Mou) -> tuple[str, str]:
    return (_("Versions"), reverse("mou:version-list", args=[mou.pk]))


def _tabs(request: HttpRequest, mou: Mou, active_tab: str) -> dict[str, Any]:
    return {
        "mou": mou,
        "active_tab": active_tab,
        "show_internal": policies.can_view_mou_internals(request.user, mou),
    }


def _add_service_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _status_steps(status: str) -> list[dict[str, Any]]:
    """The stepper: each step done, current or still to come (said in words, not colour)."""
    ended = status in ENDINGS
    reached = len(STEPS) if ended else STEPS.index(status)
    steps = []
    for index, value in enumerate(STEPS):
        if index < reached:
            state = "done"
        elif index == reached:
            state = "current"
        else:
            state = "todo"
        steps.append({"value": value, "label": STATUS_LABELS[value], "state": state})
    return steps


# The list -------------------------------------------------------------------------------------


class MouListView(PeopleOnlyMixin, ListView):
    template_name = "mou/mou_list.html"
    context_object_name = "mous"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[Any]:
        user = self.request.user
        latest = (
            MouVersion.objects.visible_to(user)
            .filter(mou=OuterRef("pk"))
            .order_by("-number")
            .values("number")[:1]
        )
        out_of_step = (
            Clause.objects.filter(mou=OuterRef("pk"), archived_at__isnull=True)
            .exclude(lagging_language="")
            .order_by()
            .values("mou")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            Mou.objects.visible_to(user)
            .select_related("responsible_officer")
            .annotate(
                latest_version=Subquery(latest, output_field=IntegerField()),
                out_of_step_count=Coalesce(
                    Subquery(out_of_step, output_field=IntegerField()), Value(0)
                ),
            )
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["show_internal"] = policies.can_view_mou_internals(user)
        context["can_create"] = policies.can_manage_mou(user)
        context["breadcrumbs"] = _crumbs((_("Home"), reverse("home")), (_("MoU"), None))
        return context


class MouCreateView(InternalOnlyMixin, View):
    template_name = "mou/mou_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if roles.is_internal(request.user) and not policies.can_manage_mou(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request: HttpRequest, form: MouCreateForm, status: int = 200) -> HttpResponse:
        context = {
            "form": form,
            "breadcrumbs": _crumbs(
                (_("Home"), reverse("home")),
                (_("MoU"), reverse("mou:mou-list")),
                (_("New MoU"), None),
            ),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return self._render(request, MouCreateForm(viewer=request.user))

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
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
                _add_service_errors(form, error)
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


def _render_detail(request: HttpRequest, pk: int, status: int = 200) -> HttpResponse:
    user = request.user
    mou = _mou(request, pk)
    versions = list(
        MouVersion.objects.visible_to(user)
        .filter(mou=mou)
        .select_related("published_by")
        .order_by("-number")
    )
    context: dict[str, Any] = {
        **_tabs(request, mou, "overview"),
        "current_version": versions[0] if versions else None,
        "version_count": len(versions),
        "breadcrumbs": _mou_crumbs(mou),
    }
    if context["show_internal"]:
        clearances = list(mou.clearances.select_related("recorded_by").order_by("position"))
        context.update(
            {
                "steps": _status_steps(mou.status),
                "ended": mou.status in ENDINGS,
                "status_label": mou.get_status_display(),
                "out_of_step_count": len(selectors.out_of_step_clauses(mou)),
                "clause_count": mou.clauses.filter(archived_at__isnull=True).count(),
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


class MouDetailView(PeopleOnlyMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _render_detail(request, pk)


class MouTransitionView(InternalOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = _mou(request, pk)
        form = MouTransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The step could not be read. Reload the page and try again."))
            return _render_detail(request, pk, status=400)
        data = form.cleaned_data
        try:
            moved = services.mou_transition(
                mou=mou,
                name=data["transition"],
                actor=request.user,
                comment=data["comment"],
                expected_version=data["version"],
            )
        except StaleVersion:
            messages.error(
                request,
                _(
                    "Someone else changed this MoU since you opened it. This is how it stands "
                    "now: check it and try again."
                ),
            )
            return _render_detail(request, pk, status=409)
        except DomainError as error:
            domain_error_message(request, error)
            return _render_detail(request, pk, status=409)
        messages.success(
            request,
            _("The MoU is now: %(status)s.") % {"status": moved.get_status_display()},
        )
        return redirect(moved)


# The clause editor ------------------------------------------------------------------------------


def _recommendation_candidates(mou: Mou, user: Any) -> QuerySet[Recommendation]:
    """Approved recommendations of the MoU's programme that are not a clause of the draft yet."""
    taken = Clause.objects.filter(
        mou=mou, archived_at__isnull=True, source_recommendation__isnull=False
    ).values("source_recommendation")
    return (
        Recommendation.objects.visible_to(user)
        .filter(
            programme=mou.programme,
            status=Recommendation.Status.APPROVED,
            archived_at__isnull=True,
        )
        .exclude(pk__in=taken)
        .order_by("title")
    )


def _draft_clauses(mou: Mou) -> list[Clause]:
    return list(
        Clause.objects.filter(mou=mou, archived_at__isnull=True)
        .select_related("source_recommendation")
        .prefetch_related("priority_areas", "recommendations")
        .order_by("position", "pk")
    )


def _render_clause_list(request: HttpRequest, mou: Mou, status: int = 200) -> HttpResponse:
    user = request.user
    clauses = _draft_clauses(mou)
    may_edit = policies.can_edit_draft(user, mou)
    can_edit = may_edit and mou.is_editable
    candidates = _recommendation_candidates(mou, user) if can_edit else None
    from_recommendation_form = None
    if candidates is not None and candidates.exists():
        from_recommendation_form = ClauseFromRecommendationForm(candidates=candidates)
        from_recommendation_form.helper.form_action = reverse(
            "mou:clause-from-recommendation", args=[mou.pk]
        )
    rows: list[dict[str, Any]] = [
        {
            "clause": clause,
            "lagging_name": LANGUAGE_NAMES.get(clause.lagging_language, ""),
            "leading_name": LANGUAGE_NAMES["zh" if clause.lagging_language == "en" else "en"],
            "is_first": index == 0,
            "is_last": index == len(clauses) - 1,
        }
        for index, clause in enumerate(clauses)
    ]
    context = {
        **_tabs(request, mou, "clauses"),
        "rows": rows,
        "out_of_step": [row for row in rows if row["clause"].is_out_of_step],
        "can_edit": can_edit,
        "may_edit_when_open": may_edit and not mou.is_editable,
        "status_label": mou.get_status_display(),
        "from_recommendation_form": from_recommendation_form,
        "breadcrumbs": _mou_crumbs(mou, (_("Clauses"), None)),
    }
    return render(request, "mou/clause_list.html", context, status=status)


class ClauseListView(InternalOnlyMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _render_clause_list(request, _mou(request, pk))


def _render_not_editable(
    request: HttpRequest, mou: Mou, clause: Clause | None = None, form: ClauseForm | None = None
) -> HttpResponse:
    """The draft is not open for changes now: say why (409) and keep the unsaved text visible."""
    unsaved = []
    if form is not None and form.is_bound:
        unsaved = [
            {"label": FIELD_LABELS[name], "value": form.data.get(name, ""), "name": name}
            for name in TEXT_FIELDS
        ]
    crumbs: list[tuple[str, str | None]] = [_clauses_crumb(mou)]
    crumbs.append((clause.heading_en, None) if clause is not None else (_("New clause"), None))
    context = {
        **_tabs(request, mou, "clauses"),
        "clause": clause,
        "status_label": mou.get_status_display(),
        "unsaved": unsaved,
        "breadcrumbs": _mou_crumbs(mou, *crumbs),
    }
    return render(request, "mou/clause_not_editable.html", context, status=409)


class ClauseCreateView(InternalOnlyMixin, View):
    template_name = "mou/clause_form.html"

    def _get(self, request: AuthenticatedHttpRequest, pk: int) -> Mou:
        mou = _mou(request, pk)
        if not policies.can_edit_draft(request.user, mou):
            raise PermissionDenied
        return mou

    def _render(
        self, request: HttpRequest, mou: Mou, form: ClauseForm, status: int = 200
    ) -> HttpResponse:
        context = {
            **_tabs(request, mou, "clauses"),
            "form": form,
            "is_new": True,
            "form_action": reverse("mou:clause-create", args=[mou.pk]),
            "breadcrumbs": _mou_crumbs(mou, _clauses_crumb(mou), (_("New clause"), None)),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._get(request, pk)
        if not mou.is_editable:
            return _render_not_editable(request, mou)
        return self._render(request, mou, ClauseForm(viewer=request.user, mou=mou))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._get(request, pk)
        form = ClauseForm(request.POST, viewer=request.user, mou=mou)
        if not form.is_valid():
            return self._render(request, mou, form, status=400)
        try:
            clause = services.clause_add(mou=mou, actor=request.user, data=form.to_data())
        except DomainError:
            mou.refresh_from_db()
            return _render_not_editable(request, mou, form=form)
        except ValidationError as error:
            _add_service_errors(form, error)
            return self._render(request, mou, form, status=400)
        messages.success(
            request,
            _("Clause %(n)s “%(heading)s” was added to the draft.")
            % {"n": clause.position, "heading": clause.heading_en},
        )
        return redirect(reverse("mou:clause-list", args=[mou.pk]) + f"#clause-{clause.pk}")


class ClauseFromRecommendationView(InternalOnlyMixin, View):
    template_name = "mou/clause_from_recommendation.html"

    def _get(self, request: AuthenticatedHttpRequest, pk: int) -> Mou:
        mou = _mou(request, pk)
        if not policies.can_edit_draft(request.user, mou):
            raise PermissionDenied
        return mou

    def _render(
        self,
        request: HttpRequest,
        mou: Mou,
        form: ClauseFromRecommendationForm,
        status: int = 200,
    ) -> HttpResponse:
        form.helper.form_action = reverse("mou:clause-from-recommendation", args=[mou.pk])
        context = {
            **_tabs(request, mou, "clauses"),
            "form": form,
            "has_candidates": form.fields["recommendation"].queryset.exists(),  # type: ignore[attr-defined]
            "breadcrumbs": _mou_crumbs(
                mou, _clauses_crumb(mou), (_("Clause from a recommendation"), None)
            ),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._get(request, pk)
        if not mou.is_editable:
            return _render_not_editable(request, mou)
        candidates = _recommendation_candidates(mou, request.user)
        return self._render(request, mou, ClauseFromRecommendationForm(candidates=candidates))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._get(request, pk)
        candidates = _recommendation_candidates(mou, request.user)
        form = ClauseFromRecommendationForm(request.POST, candidates=candidates)
        if not form.is_valid():
            return self._render(request, mou, form, status=400)
        try:
            clause = services.clause_from_recommendation(
                mou=mou, recommendation=form.cleaned_data["recommendation"], actor=request.user
            )
        except DomainError as error:
            domain_error_message(request, error)
            return self._render(request, mou, form, status=409)
        messages.success(
            request,
            _(
                "Clause %(n)s “%(heading)s” was proposed from the recommendation. Write its "
                "Chinese text now: until then it is out of step."
            )
            % {"n": clause.position, "heading": clause.heading_en},
        )
        return redirect("mou:clause-update", pk=clause.pk)


class ClauseUpdateView(InternalOnlyMixin, View):
    template_name = "mou/clause_form.html"

    def _get(self, request: AuthenticatedHttpRequest, pk: int) -> Clause:
        clause = _clause(request, pk)
        if not policies.can_edit_draft(request.user, clause.mou):
            raise PermissionDenied
        return clause

    def _render(
        self, request: HttpRequest, clause: Clause, form: ClauseForm, status: int = 200
    ) -> HttpResponse:
        mou = clause.mou
        context = {
            **_tabs(request, mou, "clauses"),
            "form": form,
            "clause": clause,
            "is_new": False,
            "lagging_name": LANGUAGE_NAMES.get(clause.lagging_language, ""),
            "leading_name": LANGUAGE_NAMES["zh" if clause.lagging_language == "en" else "en"],
            "form_action": reverse("mou:clause-update", args=[clause.pk]),
            "breadcrumbs": _mou_crumbs(
                mou, _clauses_crumb(mou), (_("Edit clause %(n)s") % {"n": clause.position}, None)
            ),
        }
        return render(request, self.template_name, context, status=status)

    def _render_conflict(self, request: HttpRequest, pk: int, form: ClauseForm) -> HttpResponse:
        """Someone saved the clause meanwhile: show both texts, and a form to merge them."""
        current = get_object_or_404(
            Clause.objects.filter(archived_at__isnull=True)
            .select_related("mou", "mou__programme")
            .prefetch_related("priority_areas", "recommendations"),
            pk=pk,
        )
        mou = current.mou
        if not mou.is_editable:
            return _render_not_editable(request, mou, current, form)
        mine = form.cleaned_data
        rows = []
        for name in TEXT_FIELDS:
            yours, saved = mine[name] or "", getattr(current, name) or ""
            rows.append(
                {
                    "name": name,
                    "label": FIELD_LABELS[name],
                    "yours": yours,
                    "saved": saved,
                    "same": yours == saved,
                    "is_chinese": name.endswith("_zh"),
                    "diff": diff_html(word_diff(saved, yours)),
                }
            )
        merge = ClauseForm(
            viewer=request.user,
            mou=mou,
            clause=current,
            initial={
                **{name: mine[name] for name in TEXT_FIELDS},
                "priority_areas": [area.pk for area in mine["priority_areas"]],
                "recommendations": [rec.pk for rec in mine["recommendations"]],
                "version": current.version,
            },
        )
        context = {
            **_tabs(request, mou, "clauses"),
            "clause": current,
            "rows": rows,
            "form": merge,
            "form_action": reverse("mou:clause-update", args=[current.pk]),
            "breadcrumbs": _mou_crumbs(
                mou,
                _clauses_crumb(mou),
                (_("Edit conflict in clause %(n)s") % {"n": current.position}, None),
            ),
        }
        return render(request, "mou/clause_conflict.html", context, status=409)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        clause = self._get(request, pk)
        if not clause.mou.is_editable:
            return _render_not_editable(request, clause.mou, clause)
        form = ClauseForm(
            viewer=request.user, mou=clause.mou, clause=clause, initial=clause_initial(clause)
        )
        return self._render(request, clause, form)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        clause = self._get(request, pk)
        form = ClauseForm(request.POST, viewer=request.user, mou=clause.mou, clause=clause)
        if not form.is_valid():
            return self._render(request, clause, form, status=400)
        try:
            saved = services.clause_update(
                clause=clause,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                data=form.to_data(),
            )
        except StaleVersion:
            return self._render_conflict(request, pk, form)
        except DomainError:
            clause.mou.refresh_from_db()
            return _render_not_editable(request, clause.mou, clause, form)
        except ValidationError as error:
            _add_service_errors(form, error)
            return self._render(request, clause, form, status=400)
        if saved.is_out_of_step:
            messages.warning(
                request,
                _(
                    "Clause %(n)s was saved. Its %(language)s text has not followed the change "
                    "yet: it is marked out of step."
                )
                % {"n": saved.position, "language": LANGUAGE_NAMES[saved.lagging_language]},
            )
        else:
            messages.success(request, _("Clause %(n)s was saved.") % {"n": saved.position})
        return redirect(reverse("mou:clause-list", args=[saved.mou_id]) + f"#clause-{saved.pk}")


class _ClauseActionView(InternalOnlyMixin, View):
    """A one-button change to a clause of the draft, answered on the clause editor."""

    http_method_names = ["post"]

    def act(self, request: AuthenticatedHttpRequest, clause: Clause) -> str:
        raise NotImplementedError

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        clause = _clause(request, pk)
        try:
            message = self.act(request, clause)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _render_clause_list(request, clause.mou, status=400)
        except DomainError as error:
            domain_error_message(request, error)
            clause.mou.refresh_from_db()
            return _render_clause_list(request, clause.mou, status=409)
        messages.success(request, message)
        return redirect(reverse("mou:clause-list", args=[clause.mou_id]) + f"#clause-{clause.pk}")


class ClauseMoveView(_ClauseActionView):
    def act(self, request: AuthenticatedHttpRequest, clause: Clause) -> str:
        form = ClauseMoveForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Say which place the clause moves to."))
        moved = services.clause_move(
            clause=clause, actor=request.user, position=form.cleaned_data["position"]
        )
        return _("“%(heading)s” is now clause %(n)s.") % {
            "heading": moved.heading_en,
            "n": moved.position,
        }


class ClauseRemoveView(_ClauseActionView):
    def act(self, request: AuthenticatedHttpRequest, clause: Clause) -> str:
        removed = services.clause_remove(clause=clause, actor=request.user)
        return _(
            "“%(heading)s” was taken out of the draft. Published versions keep it as it was."
        ) % {"heading": removed.heading_en}


class ClauseClearOutOfStepView(_ClauseActionView):
    def act(self, request: AuthenticatedHttpRequest, clause: Clause) -> str:
        cleared = services.clause_clear_out_of_step(clause=clause, actor=request.user)
        return _("Clause %(n)s is marked in step: both languages say the same.") % {
            "n": cleared.position
        }


# Versions ---------------------------------------------------------------------------------------


def _render_version_list(
    request: HttpRequest,
    mou: Mou,
    publish_form: VersionPublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    internal = policies.can_view_mou_internals(user, mou)
    versions = (
        MouVersion.objects.visible_to(user)
        .filter(mou=mou)
        .select_related("published_by")
        .order_by("-number")
    )
    if internal:
        versions = versions.annotate(review_count=Count("review_rounds"))
    versions_list = list(versions)
    can_manage = policies.can_manage_mou(user, mou)
    can_publish = can_manage and mou.status in PUBLISHABLE_STATUSES
    pair_form = None
    if len(versions_list) > 1:
        pair_form = VersionPairForm(
            initial={"from": versions_list[1].number, "to": versions_list[0].number},
            numbers=[v.number for v in versions_list],
        )
        pair_form.helper.form_action = reverse("mou:version-diff", args=[mou.pk])
    if can_publish and publish_form is None:
        publish_form = VersionPublishForm()
    if publish_form is not None:
        publish_form.helper.form_action = reverse("mou:version-publish", args=[mou.pk])
    context = {
        **_tabs(request, mou, "versions"),
        "versions": versions_list,
        "can_publish": can_publish,
        "can_share": can_manage,
        "publish_form": publish_form if can_manage else None,
        "pair_form": pair_form,
        "status_label": mou.get_status_display(),
        "breadcrumbs": _mou_crumbs(mou, (_("Versions"), None)),
    }
    return render(request, "mou/mouversion_list.html", context, status=status)


class MouVersionListView(PeopleOnlyMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _render_version_list(request, _mou(request, pk))


class MouVersionPublishView(InternalOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = _mou(request, pk)
        if not policies.can_manage_mou(request.user, mou):
            raise PermissionDenied
        form = VersionPublishForm(request.POST)
        if not form.is_valid():
            return _render_version_list(request, mou, form, status=400)
        try:
            version = services.mou_version_publish(
                mou=mou, actor=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            _add_service_errors(form, error)
            return _render_version_list(request, mou, form, status=400)
        except DomainError as error:
            domain_error_message(request, error)
            mou.refresh_from_db()
            return _render_version_list(request, mou, form, status=409)
        messages.success(
            request,
            _(
                "Version %(n)s was published. Its text can no longer change; the draft stays "
                "open for the next version."
            )
            % {"n": version.number},
        )
        return redirect(version)


class MouVersionShareView(InternalOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
        mou = _mou(request, pk)
        version = _version(request, mou, number)
        try:
            shared = services.mou_version_share(version=version, actor=request.user)
        except DomainError as error:
            domain_error_message(request, error)
            return _render_version_detail(request, mou, number, status=409)
        messages.success(
            request,
            _(
                "Version %(n)s is now shared with BGI Group: their liaison can read and comment on it."
            )
            % {"n": shared.number},
        )
        return redirect(shared)


def _render_version_detail(
    request: HttpRequest,
    mou: Mou,
    number: int,
    *,
    status: int = 200,
    failed: dict[str, Any] | None = None,
) -> HttpResponse:
    user = request.user
    version = _version(request, mou, number)
    internal = policies.can_view_mou_internals(user, mou)
    comments = (
        ClauseComment.objects.visible_to(user)
        .filter(version=version)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    by_clause: dict[int, list[ClauseComment]] = {}
    for comment in comments:
        by_clause.setdefault(comment.clause_id, []).append(comment)
    clauses = list(ClauseSnapshot.objects.filter(version=version).order_by("position", "pk"))
    previous = (
        MouVersion.objects.visible_to(user)
        .filter(mou=mou, number__lt=version.number)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    can_comment = policies.can_comment_version(user, version)
    context = {
        **_tabs(request, mou, "versions"),
        "version": version,
        "rows": [
            {"clause": clause, "comments": by_clause.get(clause.pk, [])} for clause in clauses
        ],
        "show_author_names": internal,
        "can_comment": can_comment,
        "offer_bgi_visibility": can_comment and internal and version.is_shared_with_bgi,
        "can_share": not version.is_shared_with_bgi and policies.can_manage_mou(user, mou),
        "previous_number": previous,
        "failed": failed or {},
        "breadcrumbs": _mou_crumbs(
            mou, _versions_crumb(mou), (_("Version %(n)s") % {"n": version.number}, None)
        ),
    }
    return render(request, "mou/mouversion_detail.html", context, status=status)


class MouVersionDetailView(PeopleOnlyMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
        return _render_version_detail(request, _mou(request, pk), number)


class ClauseCommentCreateView(PeopleOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
        mou = _mou(request, pk)
        version = _version(request, mou, number)
        if not policies.can_comment_version(request.user, version):
            raise PermissionDenied
        form = ClauseCommentForm(request.POST)
        form.is_valid()
        if "clause" in form.errors:
            raise Http404
        clause = get_object_or_404(ClauseSnapshot, version=version, pk=form.cleaned_data["clause"])
        if form.errors:
            failed = {
                "clause": clause.pk,
                "body": form.data.get("body", ""),
                "errors": form.errors.get("body", []),
            }
            return _render_version_detail(request, mou, number, status=400, failed=failed)
        try:
            services.clause_comment_add(
                version=version,
                clause=clause,
                actor=request.user,
                body=form.cleaned_data["body"],
                visible_to_bgi=form.cleaned_data["visible_to_bgi"],
            )
        except ValidationError as error:
            failed = {
                "clause": clause.pk,
                "body": form.data.get("body", ""),
                "errors": error.messages,
            }
            return _render_version_detail(request, mou, number, status=400, failed=failed)
        messages.success(
            request, _("Your comment on clause %(n)s was added.") % {"n": clause.position}
        )
        return redirect(version.get_absolute_url() + f"#clause-{clause.pk}-comments")


# Differences between versions -------------------------------------------------------------------


def _parse_number(value: str | None) -> int | None:
    """A version number from the query string; None when absent, ValueError when not a number."""
    if value is None or value == "":
        return None
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def _change_rows(changes: list[selectors.ClauseChange]) -> list[dict[str, Any]]:
    rows = []
    for change in changes:
        shown = change.new or change.old
        rows.append(
            {
                "kind": change.kind,
                "kind_label": KIND_LABELS[change.kind],
                "moved": change.moved and change.kind != "moved",
                "clause": shown,
                "old_position": change.old.position if change.old else None,
                "new_position": change.new.position if change.new else None,
                "fields": [
                    {
                        "name": name,
                        "label": FIELD_LABELS[name],
                        "is_chinese": name.endswith("_zh"),
                        "html": diff_html(getattr(change, name)),
                        "changed": any(part.op != "equal" for part in getattr(change, name)),
                    }
                    for name in ("heading_en", "heading_zh", "text_en", "text_zh")
                ],
            }
        )
    return rows


class MouVersionDiffView(PeopleOnlyMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = _mou(request, pk)
        versions = list(
            MouVersion.objects.visible_to(request.user)
            .filter(mou=mou)
            .select_related("published_by")
            .order_by("-number")
        )
        try:
            asked_from = _parse_number(request.GET.get("from"))
            asked_to = _parse_number(request.GET.get("to"))
        except ValueError:
            messages.error(request, _("Versions are chosen by their number, for example 2."))
            return self._render(request, mou, None, None, versions, status=400)
        by_number = {v.number: v for v in versions}
        for asked in (asked_from, asked_to):
            if asked is not None and asked not in by_number:
                raise Http404
        if len(versions) < 2 and asked_from is None and asked_to is None:
            return self._render(request, mou, None, None, versions)
        default_from = versions[1].number if len(versions) > 1 else versions[0].number
        old = by_number[asked_from if asked_from is not None else default_from]
        new = by_number[asked_to if asked_to is not None else versions[0].number]
        return self._render(request, mou, old, new, versions)

    def _render(
        self,
        request: HttpRequest,
        mou: Mou,
        old: MouVersion | None,
        new: MouVersion | None,
        versions: list[MouVersion],
        status: int = 200,
    ) -> HttpResponse:
        rows: list[dict[str, Any]] = []
        counts: dict[str, int] = {}
        if old is not None and new is not None:
            rows = _change_rows(selectors.version_diff(old=old, new=new))
            for row in rows:
                counts[row["kind"]] = counts.get(row["kind"], 0) + 1
        pair_form = None
        if versions:
            pair_form = VersionPairForm(
                initial={"from": old.number if old else None, "to": new.number if new else None},
                numbers=[v.number for v in versions],
            )
            pair_form.helper.form_action = reverse("mou:version-diff", args=[mou.pk])
        title = (
            _("Changes from version %(old)s to version %(new)s")
            % {"old": old.number, "new": new.number}
            if old is not None and new is not None
            else _("Compare versions")
        )
        context = {
            **_tabs(request, mou, "versions"),
            "old": old,
            "new": new,
            "rows": rows,
            "summary": [
                {"kind": kind, "label": KIND_LABELS[kind], "count": counts.get(kind, 0)}
                for kind in KIND_LABELS
            ],
            "any_change": any(row["kind"] != "unchanged" for row in rows),
            "page_title": title,
            "version_count": len(versions),
            "pair_form": pair_form,
            "breadcrumbs": _mou_crumbs(mou, _versions_crumb(mou), (title, None)),
        }
        return render(request, "mou/mouversion_diff.html", context, status=status)
