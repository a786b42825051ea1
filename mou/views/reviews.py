"""Review rounds and the clearance chain before signature (internal pages).

Views stay thin: they read through `visible_to`, ask the policies, call a service on a valid
POST, and turn refusals into messages with the right status (409 for a refused state, 403 for
a refused person, 404 for what the viewer may not know exists).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from portal.exceptions import DomainError
from portal.pages import put_errors_on_form
from portal.recording import require
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, services
from ..forms.signing import ClearanceForm, ReviewAnswerForm, ReviewRoundForm, internal_people
from ..models import Clearance, Mou, ReviewRequest, ReviewRound
from .common import MouInternalsMixin, get_mou, mou_context, mou_crumbs, page, submit, visible_mous

CONFLICT = 409
BAD_REQUEST = 400


def _reviews_crumb(mou: Mou) -> tuple[str, str]:
    return (_("Reviews and clearances"), reverse("mou:review-list", args=[mou.pk]))


class ReviewRoundListView(MouInternalsMixin, View):
    """The MoU's review rounds and its clearance chain (internal)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = get_mou(request, pk)
        pending = ReviewRequest.Decision.PENDING
        rounds = (
            mou.review_rounds.select_related("version", "requested_by")
            .annotate(
                request_count=Count("requests"),
                answered_count=Count("requests", filter=~Q(requests__decision=pending)),
                changes_count=Count(
                    "requests", filter=Q(requests__decision=ReviewRequest.Decision.CHANGES)
                ),
            )
            .order_by("-created_at", "-pk")
        )
        can_manage = policies.can_manage_mou(request.user, mou)
        context = {
            **mou_context(request, mou, "reviews"),
            "rounds": list(rounds),
            "clearances": list(mou.clearances.select_related("recorded_by").order_by("position")),
            "can_open_round": can_manage,
            "can_record_clearance": can_manage,
            "breadcrumbs": mou_crumbs(mou, (_("Reviews and clearances"), None)),
        }
        return page(request, "mou/reviewround_list.html", context)


class ReviewRoundCreateView(MouInternalsMixin, View):
    """Name reviewers for a published version (ministry)."""

    template_name = "mou/reviewround_form.html"

    def _mou(self, request: AuthenticatedHttpRequest, pk: int) -> Mou:
        mou = get_mou(request, pk)
        require(policies.can_manage_mou(request.user, mou))
        return mou

    def _form(self, mou: Mou, *args: Any, **kwargs: Any) -> ReviewRoundForm:
        return ReviewRoundForm(
            *args,
            versions=mou.versions.order_by("-number"),
            reviewers=internal_people(),
            **kwargs,
        )

    def _page(self, request: AuthenticatedHttpRequest, mou: Mou, form: ReviewRoundForm,
              status: int = 200) -> HttpResponse:  # fmt: skip
        context = {
            **mou_context(request, mou, "reviews"),
            "form": form,
            "has_versions": mou.versions.exists(),
            "breadcrumbs": mou_crumbs(
                mou,
                _reviews_crumb(mou),
                (_("Open a review round"), None),
            ),
        }
        return page(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._mou(request, pk)
        latest = mou.versions.order_by("-number").first()
        initial = {"version": latest.pk if latest else None}
        return self._page(request, mou, self._form(mou, initial=initial))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._mou(request, pk)
        form = self._form(mou, request.POST)

        def call(data: dict[str, Any]) -> Any:
            return services.review_round_open(
                mou=mou,
                version=data["version"],
                actor=request.user,
                title=data["title"],
                reviewers=list(data["reviewers"]),
                due_on=data["due_on"],
            )

        def done(review: Any) -> HttpResponse:
            messages.success(
                request,
                _("Review round “%(title)s” opened for version %(n)s.")
                % {"title": review.title, "n": review.version.number},
            )
            return redirect("mou:review-detail", pk=review.pk)

        return submit(
            request, form, call, done, lambda status: self._page(request, mou, form, status)
        )


def _review_round(request: AuthenticatedHttpRequest, pk: int) -> ReviewRound:
    return get_object_or_404(
        ReviewRound.objects.filter(mou__in=visible_mous(request.user)).select_related(
            "mou", "version", "requested_by"
        ),
        pk=pk,
    )


def _review_page(
    request: AuthenticatedHttpRequest,
    review: ReviewRound,
    *,
    answer_form: ReviewAnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    requests = list(review.requests.select_related("reviewer").order_by("pk"))
    mine = next(
        (
            r
            for r in requests
            if r.reviewer_id == request.user.pk and r.decision == ReviewRequest.Decision.PENDING
        ),
        None,
    )
    can_answer = mine is not None and review.closed_at is None
    mou = review.mou
    context = {
        **mou_context(request, mou, "reviews"),
        "review": review,
        "requests": requests,
        "answered_count": sum(1 for r in requests if r.decision != ReviewRequest.Decision.PENDING),
        "my_request": mine if can_answer else None,
        "answer_form": (answer_form or ReviewAnswerForm()) if can_answer else None,
        "breadcrumbs": mou_crumbs(
            mou,
            _reviews_crumb(mou),
            (review.title, None),
        ),
    }
    return page(request, "mou/reviewround_detail.html", context, status)


class ReviewRoundDetailView(MouInternalsMixin, View):
    """Who was asked, who has answered and how (internal)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _review_page(request, _review_round(request, pk))


class ReviewAnswerView(MouInternalsMixin, View):
    """The named reviewer approves or requests changes; anyone else is refused (403)."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        review_request = get_object_or_404(
            ReviewRequest.objects.filter(round__mou__in=visible_mous(request.user)).select_related(
                "round__mou", "round__version", "round__requested_by"
            ),
            pk=pk,
        )
        review = review_request.round
        require(review_request.reviewer_id == request.user.pk)
        form = ReviewAnswerForm(request.POST)
        if not form.is_valid():
            return _review_page(request, review, answer_form=form, status=BAD_REQUEST)
        try:
            answered = services.review_answer(
                request=review_request,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            put_errors_on_form(form, error)
            return _review_page(request, review, answer_form=form, status=BAD_REQUEST)
        except DomainError as error:
            domain_error_message(request, error)
            return _review_page(request, review, status=CONFLICT)
        messages.success(
            request,
            _("Your answer was recorded: %(decision)s.")
            % {"decision": answered.get_decision_display().lower()},
        )
        return redirect("mou:review-detail", pk=review.pk)


class ClearanceRecordView(MouInternalsMixin, View):
    """Record a step of the clearance chain: cleared, refused or back to pending (ministry)."""

    template_name = "mou/reviewround_clearance_form.html"

    def _clearance(self, request: AuthenticatedHttpRequest, pk: int) -> Clearance:
        clearance = get_object_or_404(
            Clearance.objects.filter(mou__in=visible_mous(request.user)).select_related(
                "mou", "recorded_by"
            ),
            pk=pk,
        )
        require(policies.can_manage_mou(request.user, clearance.mou))
        return clearance

    def _page(self, request: AuthenticatedHttpRequest, clearance: Clearance, form: ClearanceForm,
              status: int = 200) -> HttpResponse:  # fmt: skip
        mou = clearance.mou
        context = {
            **mou_context(request, mou, "reviews"),
            "clearance": clearance,
            "form": form,
            "breadcrumbs": mou_crumbs(
                mou,
                _reviews_crumb(mou),
                (clearance.name, None),
            ),
        }
        return page(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        clearance = self._clearance(request, pk)
        initial = {
            "decision": clearance.decision,
            "reference": clearance.reference,
            "decided_on": clearance.decided_on,
            "note": clearance.note,
        }
        return self._page(request, clearance, ClearanceForm(initial=initial))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        clearance = self._clearance(request, pk)
        form = ClearanceForm(request.POST)

        def call(data: dict[str, Any]) -> Any:
            return services.clearance_record(
                clearance=clearance,
                actor=request.user,
                decision=data["decision"],
                reference=data["reference"],
                decided_on=data["decided_on"],
                note=data["note"],
            )

        def done(recorded: Any) -> HttpResponse:
            messages.success(
                request,
                _("“%(name)s” recorded as %(decision)s.")
                % {"name": recorded.name, "decision": recorded.get_decision_display().lower()},
            )
            url = reverse("mou:review-list", args=[clearance.mou_id])
            return redirect(f"{url}#clearance-{clearance.pk}")

        return submit(
            request, form, call, done, lambda status: self._page(request, clearance, form, status)
        )
