"""The clause editor of the working draft: English and Chinese side by side, a clause from an
approved recommendation, an edit conflict shown field by field, and one-button changes (move,
remove, mark in step). Internal pages: everyone else is answered 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from collaboration.diff import diff_html, word_diff
from collaboration.models import Recommendation
from portal.exceptions import DomainError, StaleVersion
from portal.pages import STALE_EDIT_MESSAGE, put_errors_on_form
from portal.recording import require
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, selectors, services
from ..forms.drafting import (
    TEXT_FIELDS,
    ClauseForm,
    ClauseFromRecommendationForm,
    ClauseMoveForm,
    OutOfStepOverrideForm,
    clause_initial,
)
from ..models import LANGUAGE_NAMES, Clause, Mou
from .common import MouInternalsMixin, get_mou, mou_context, mou_crumbs, visible_mous

FIELD_LABELS = {
    "heading_en": gettext_lazy("heading (English)"),
    "text_en": gettext_lazy("text (English)"),
    "heading_zh": gettext_lazy("heading (Chinese)"),
    "text_zh": gettext_lazy("text (Chinese)"),
}


def _clause(request: AuthenticatedHttpRequest, pk: int) -> Clause:
    """A clause of a working draft the viewer may see (removed clauses are gone from it)."""
    clause: Clause = get_object_or_404(
        Clause.objects.active()
        .filter(mou__in=visible_mous(request.user))
        .select_related("mou", "mou__programme"),
        pk=pk,
    )
    return clause


def _clauses_crumb(mou: Mou) -> tuple[str, str]:
    return (_("Clauses"), reverse("mou:clause-list", args=[mou.pk]))


def _editable_mou(request: AuthenticatedHttpRequest, pk: int) -> Mou:
    """The MoU whose draft the viewer may edit (403 for a reader)."""
    mou = get_mou(request, pk)
    require(policies.can_edit_draft(request.user, mou))
    return mou


def _recommendation_candidates(mou: Mou, user: Any) -> QuerySet[Recommendation]:
    """Approved recommendations of the MoU's programme that are not a clause of the draft yet."""
    taken = (
        Clause.objects.active()
        .filter(mou=mou, source_recommendation__isnull=False)
        .values("source_recommendation")
    )
    return (
        Recommendation.objects.visible_to(user)
        .active()
        .filter(programme=mou.programme, status=Recommendation.Status.APPROVED)
        .exclude(pk__in=taken)
        .order_by("title")
    )


def _draft_clauses(mou: Mou) -> list[Clause]:
    return list(
        Clause.objects.active()
        .filter(mou=mou)
        .select_related("source_recommendation")
        .prefetch_related("priority_areas", "recommendations")
        .order_by("position", "pk")
    )


def _render_clause_list(
    request: AuthenticatedHttpRequest,
    mou: Mou,
    status: int = 200,
    override_form: OutOfStepOverrideForm | None = None,
) -> HttpResponse:
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
    out_of_step = [row for row in rows if row["clause"].is_out_of_step]
    # The overrides matter (and are listed) while clauses are out of step.
    overrides = list(selectors.mou_overrides(mou)) if out_of_step else []
    can_override = bool(out_of_step) and policies.can_manage_mou(user, mou)
    if can_override and override_form is None:
        override_form = OutOfStepOverrideForm()
    if override_form is not None:
        override_form.helper.form_action = reverse("mou:out-of-step-override", args=[mou.pk])
    context = {
        **mou_context(request, mou, "clauses"),
        "rows": rows,
        "out_of_step": out_of_step,
        "in_step": selectors.in_step_check(mou, clauses=clauses, overrides=overrides)
        if out_of_step
        else None,
        "override_form": override_form if can_override else None,
        "overrides": overrides,
        "can_edit": can_edit,
        "may_edit_when_open": may_edit and not mou.is_editable,
        "status_label": mou.get_status_display(),
        "from_recommendation_form": from_recommendation_form,
        "breadcrumbs": mou_crumbs(mou, (_("Clauses"), None)),
    }
    return render(request, "mou/clause_list.html", context, status=status)


class ClauseListView(MouInternalsMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _render_clause_list(request, get_mou(request, pk))


def _render_not_editable(
    request: AuthenticatedHttpRequest,
    mou: Mou,
    clause: Clause | None = None,
    form: ClauseForm | None = None,
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
        **mou_context(request, mou, "clauses"),
        "clause": clause,
        "status_label": mou.get_status_display(),
        "unsaved": unsaved,
        "breadcrumbs": mou_crumbs(mou, *crumbs),
    }
    return render(request, "mou/clause_not_editable.html", context, status=409)


class ClauseCreateView(MouInternalsMixin, View):
    template_name = "mou/clause_form.html"

    def _render(
        self, request: AuthenticatedHttpRequest, mou: Mou, form: ClauseForm, status: int = 200
    ) -> HttpResponse:
        context = {
            **mou_context(request, mou, "clauses"),
            "form": form,
            "is_new": True,
            "form_action": reverse("mou:clause-create", args=[mou.pk]),
            "breadcrumbs": mou_crumbs(mou, _clauses_crumb(mou), (_("New clause"), None)),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = _editable_mou(request, pk)
        if not mou.is_editable:
            return _render_not_editable(request, mou)
        return self._render(request, mou, ClauseForm(viewer=request.user, mou=mou))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = _editable_mou(request, pk)
        form = ClauseForm(request.POST, viewer=request.user, mou=mou)
        if not form.is_valid():
            return self._render(request, mou, form, status=400)
        try:
            clause = services.clause_add(mou=mou, actor=request.user, data=form.to_data())
        except DomainError:
            mou.refresh_from_db()
            return _render_not_editable(request, mou, form=form)
        except ValidationError as error:
            put_errors_on_form(form, error)
            return self._render(request, mou, form, status=400)
        messages.success(
            request,
            _("Clause %(n)s “%(heading)s” was added to the draft.")
            % {"n": clause.position, "heading": clause.heading_en},
        )
        return redirect(reverse("mou:clause-list", args=[mou.pk]) + f"#clause-{clause.pk}")


class ClauseFromRecommendationView(MouInternalsMixin, View):
    template_name = "mou/clause_from_recommendation.html"

    def _render(
        self,
        request: AuthenticatedHttpRequest,
        mou: Mou,
        form: ClauseFromRecommendationForm,
        status: int = 200,
    ) -> HttpResponse:
        form.helper.form_action = reverse("mou:clause-from-recommendation", args=[mou.pk])
        context = {
            **mou_context(request, mou, "clauses"),
            "form": form,
            "has_candidates": form.fields["recommendation"].queryset.exists(),  # type: ignore[attr-defined]
            "breadcrumbs": mou_crumbs(
                mou, _clauses_crumb(mou), (_("Clause from a recommendation"), None)
            ),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = _editable_mou(request, pk)
        if not mou.is_editable:
            return _render_not_editable(request, mou)
        candidates = _recommendation_candidates(mou, request.user)
        return self._render(request, mou, ClauseFromRecommendationForm(candidates=candidates))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = _editable_mou(request, pk)
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


class ClauseUpdateView(MouInternalsMixin, View):
    template_name = "mou/clause_form.html"

    def _get(self, request: AuthenticatedHttpRequest, pk: int) -> Clause:
        clause = _clause(request, pk)
        require(policies.can_edit_draft(request.user, clause.mou))
        return clause

    def _render(
        self, request: AuthenticatedHttpRequest, clause: Clause, form: ClauseForm, status: int = 200
    ) -> HttpResponse:
        mou = clause.mou
        context = {
            **mou_context(request, mou, "clauses"),
            "form": form,
            "clause": clause,
            "is_new": False,
            "lagging_name": LANGUAGE_NAMES.get(clause.lagging_language, ""),
            "leading_name": LANGUAGE_NAMES["zh" if clause.lagging_language == "en" else "en"],
            "form_action": reverse("mou:clause-update", args=[clause.pk]),
            "breadcrumbs": mou_crumbs(
                mou, _clauses_crumb(mou), (_("Edit clause %(n)s") % {"n": clause.position}, None)
            ),
        }
        return render(request, self.template_name, context, status=status)

    def _render_conflict(
        self, request: AuthenticatedHttpRequest, pk: int, form: ClauseForm
    ) -> HttpResponse:
        """Someone saved the clause meanwhile: show both texts, and a form to merge them."""
        current = get_object_or_404(
            Clause.objects.active()
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
            **mou_context(request, mou, "clauses"),
            "clause": current,
            "rows": rows,
            "form": merge,
            "form_action": reverse("mou:clause-update", args=[current.pk]),
            "stale_message": STALE_EDIT_MESSAGE,
            "breadcrumbs": mou_crumbs(
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
            put_errors_on_form(form, error)
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


class _ClauseActionView(MouInternalsMixin, View):
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


class OutOfStepOverrideView(MouInternalsMixin, View):
    """The ministry records why the MoU may go on with the clauses now out of step."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = get_mou(request, pk)
        require(policies.can_manage_mou(request.user, mou))
        form = OutOfStepOverrideForm(request.POST)
        if not form.is_valid():
            return _render_clause_list(request, mou, status=400, override_form=form)
        try:
            override = services.out_of_step_override_record(
                mou=mou, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            put_errors_on_form(form, error)
            return _render_clause_list(request, mou, status=400, override_form=form)
        except DomainError as error:
            domain_error_message(request, error)
            return _render_clause_list(request, mou, status=409)
        messages.success(
            request,
            _("Override recorded for %(clauses)s: the MoU may go on with them out of step.")
            % {"clauses": ", ".join(override.clause_labels)},
        )
        return redirect(reverse("mou:clause-list", args=[mou.pk]) + "#out-of-step")
