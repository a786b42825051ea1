"""Review rounds and the clearance chain, signing in order with the signed copy and its check,
entry into force, obligations, and the bilingual exports of a version (PDF and Word).

Views stay thin: they read through `visible_to`, ask the policies, call a service on a valid
POST, and turn refusals into messages with the right status (409 for a refused state, 403 for
a refused person, 404 for what the viewer may not know exists).
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from portal.exceptions import DomainError, StaleVersion
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, services
from ..forms.signing import (
    ClearanceForm,
    EntryIntoForceForm,
    ObligationForm,
    ObligationTransitionForm,
    ReviewAnswerForm,
    ReviewRoundForm,
    SignatoryForm,
    SignatureForm,
    SignedCopyForm,
    VerifyFileForm,
    internal_people,
)
from ..models import (
    ClauseSnapshot,
    Clearance,
    Mou,
    MouVersion,
    Obligation,
    Party,
    ReviewRequest,
    ReviewRound,
    Signatory,
    SignedCopy,
)
from ..workflows import MOU_FLOW, OBLIGATION_FLOW
from .drafting import PeopleOnlyMixin

CONFLICT = 409
BAD_REQUEST = 400

# Once signed, the signatories are fixed (the service refuses changes after these).
_SIGNATORIES_FIXED = frozenset(
    {Mou.Status.SIGNED, Mou.Status.IN_FORCE, Mou.Status.EXPIRED, Mou.Status.TERMINATED}
)
_OBLIGATIONS_OPEN = frozenset({Mou.Status.SIGNED, Mou.Status.IN_FORCE})


# Shared pieces ------------------------------------------------------------------------------


def _render(
    request: AuthenticatedHttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return TemplateResponse(request, template, context, status=status)


def _crumbs(mou: Mou, *trail: tuple[Any, str | None]) -> list[dict[str, Any]]:
    """Home › MoU › this MoU › …; the last crumb is the current page and has no link."""
    items: list[dict[str, Any]] = [
        {"label": _("Home"), "url": reverse("home")},
        {"label": _("MoU"), "url": reverse("mou:mou-list")},
        {"label": mou.title, "url": mou.get_absolute_url()},
    ]
    items += [{"label": label, "url": url} for label, url in trail]
    items[-1]["url"] = None
    return items


def _mou_context(request: AuthenticatedHttpRequest, mou: Mou, active_tab: str) -> dict[str, Any]:
    """What the MoU's header and tab bar need."""
    return {
        "mou": mou,
        "active_tab": active_tab,
        "show_internal": policies.can_view_mou_internals(request.user, mou),
    }


def _visible_mous(user: Any) -> QuerySet[Mou]:
    return Mou.objects.visible_to(user)


def _visible_mou(request: AuthenticatedHttpRequest, pk: int) -> Mou:
    return get_object_or_404(_visible_mous(request.user), pk=pk)


def _require_internal(request: AuthenticatedHttpRequest, mou: Mou) -> None:
    """Reviews, clearances, signing records and obligations do not exist for outsiders."""
    if not policies.can_view_mou_internals(request.user, mou):
        raise Http404


def _internal_mou(request: AuthenticatedHttpRequest, pk: int) -> Mou:
    mou = _visible_mou(request, pk)
    _require_internal(request, mou)
    return mou


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _field_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields when it names them."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _download_name(mou: Mou, suffix: str) -> str:
    """A file name from the MoU's title, cut at a word boundary to stay short."""
    slug = slugify(mou.title)
    if len(slug) > 60:
        slug = slug[:61].rsplit("-", 1)[0]
    return f"{slug or 'mou'}{suffix}"


# Review rounds and clearances ---------------------------------------------------------------


class ReviewRoundListView(View):
    """The MoU's review rounds and its clearance chain (internal)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = _internal_mou(request, pk)
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
            **_mou_context(request, mou, "reviews"),
            "rounds": list(rounds),
            "clearances": list(mou.clearances.select_related("recorded_by").order_by("position")),
            "can_open_round": can_manage,
            "can_record_clearance": can_manage,
            "breadcrumbs": _crumbs(mou, (_("Reviews and clearances"), None)),
        }
        return _render(request, "mou/reviewround_list.html", context)


class ReviewRoundCreateView(View):
    """Name reviewers for a published version (ministry)."""

    template_name = "mou/reviewround_form.html"

    def _mou(self, request: AuthenticatedHttpRequest, pk: int) -> Mou:
        mou = _internal_mou(request, pk)
        _require(policies.can_manage_mou(request.user, mou))
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
            **_mou_context(request, mou, "reviews"),
            "form": form,
            "has_versions": mou.versions.exists(),
            "breadcrumbs": _crumbs(
                mou,
                (_("Reviews and clearances"), reverse("mou:review-list", args=[mou.pk])),
                (_("Open a review round"), None),
            ),
        }
        return _render(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._mou(request, pk)
        latest = mou.versions.order_by("-number").first()
        initial = {"version": latest.pk if latest else None}
        return self._page(request, mou, self._form(mou, initial=initial))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._mou(request, pk)
        form = self._form(mou, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                review = services.review_round_open(
                    mou=mou,
                    version=data["version"],
                    actor=request.user,
                    title=data["title"],
                    reviewers=list(data["reviewers"]),
                    due_on=data["due_on"],
                )
            except ValidationError as error:
                _field_errors(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return self._page(request, mou, form, CONFLICT)
            else:
                messages.success(
                    request,
                    _("Review round “%(title)s” opened for version %(n)s.")
                    % {"title": review.title, "n": review.version.number},
                )
                return redirect("mou:review-detail", pk=review.pk)
        return self._page(request, mou, form, BAD_REQUEST)


def _review_round(request: AuthenticatedHttpRequest, pk: int) -> ReviewRound:
    review = get_object_or_404(
        ReviewRound.objects.filter(mou__in=_visible_mous(request.user)).select_related(
            "mou", "version", "requested_by"
        ),
        pk=pk,
    )
    _require_internal(request, review.mou)
    return review


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
        **_mou_context(request, mou, "reviews"),
        "review": review,
        "requests": requests,
        "answered_count": sum(1 for r in requests if r.decision != ReviewRequest.Decision.PENDING),
        "my_request": mine if can_answer else None,
        "answer_form": (answer_form or ReviewAnswerForm()) if can_answer else None,
        "breadcrumbs": _crumbs(
            mou,
            (_("Reviews and clearances"), reverse("mou:review-list", args=[mou.pk])),
            (review.title, None),
        ),
    }
    return _render(request, "mou/reviewround_detail.html", context, status)


class ReviewRoundDetailView(View):
    """Who was asked, who has answered and how (internal)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _review_page(request, _review_round(request, pk))


class ReviewAnswerView(View):
    """The named reviewer approves or requests changes; anyone else is refused (403)."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        review_request = get_object_or_404(
            ReviewRequest.objects.filter(round__mou__in=_visible_mous(request.user)).select_related(
                "round__mou", "round__version", "round__requested_by"
            ),
            pk=pk,
        )
        review = review_request.round
        _require_internal(request, review.mou)
        _require(review_request.reviewer_id == request.user.pk)
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
            _field_errors(form, error)
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


class ClearanceRecordView(View):
    """Record a step of the clearance chain: cleared, refused or back to pending (ministry)."""

    template_name = "mou/reviewround_clearance_form.html"

    def _clearance(self, request: AuthenticatedHttpRequest, pk: int) -> Clearance:
        clearance = get_object_or_404(
            Clearance.objects.filter(mou__in=_visible_mous(request.user)).select_related(
                "mou", "recorded_by"
            ),
            pk=pk,
        )
        _require_internal(request, clearance.mou)
        _require(policies.can_manage_mou(request.user, clearance.mou))
        return clearance

    def _page(self, request: AuthenticatedHttpRequest, clearance: Clearance, form: ClearanceForm,
              status: int = 200) -> HttpResponse:  # fmt: skip
        mou = clearance.mou
        context = {
            **_mou_context(request, mou, "reviews"),
            "clearance": clearance,
            "form": form,
            "breadcrumbs": _crumbs(
                mou,
                (_("Reviews and clearances"), reverse("mou:review-list", args=[mou.pk])),
                (clearance.name, None),
            ),
        }
        return _render(request, self.template_name, context, status)

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
        if form.is_valid():
            data = form.cleaned_data
            try:
                recorded = services.clearance_record(
                    clearance=clearance,
                    actor=request.user,
                    decision=data["decision"],
                    reference=data["reference"],
                    decided_on=data["decided_on"],
                    note=data["note"],
                )
            except ValidationError as error:
                _field_errors(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return self._page(request, clearance, form, CONFLICT)
            else:
                messages.success(
                    request,
                    _("“%(name)s” recorded as %(decision)s.")
                    % {"name": recorded.name, "decision": recorded.get_decision_display().lower()},
                )
                url = reverse("mou:review-list", args=[clearance.mou_id])
                return redirect(f"{url}#clearance-{clearance.pk}")
        return self._page(request, clearance, form, BAD_REQUEST)


# Signing ------------------------------------------------------------------------------------


def _signed_copy(mou: Mou) -> SignedCopy | None:
    return SignedCopy.objects.filter(mou=mou).select_related("uploaded_by").first()


class SigningView(View):
    """Signatories in order, witnesses, the signed copy and entry into force (internal)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = get_object_or_404(_visible_mous(request.user).select_related("approved_by"), pk=pk)
        _require_internal(request, mou)
        user = request.user
        signatories = list(
            mou.signatories.select_related("recorded_by").order_by("is_witness", "order", "pk")
        )
        signers = [s for s in signatories if not s.is_witness]
        may_record = policies.can_record_signature(user, mou) and mou.status == Mou.Status.APPROVED
        next_signer = next((s for s in signers if s.answer == Signatory.Answer.PENDING), None)

        def row(signatory: Signatory) -> dict[str, Any]:
            return {
                "signatory": signatory,
                "is_next": signatory is next_signer,
                "can_record": may_record and signatory.answer == Signatory.Answer.PENDING,
            }

        signed_copy = _signed_copy(mou)
        can_upload = (
            signed_copy is None
            and policies.can_record_signature(user, mou)
            and mou.status in _OBLIGATIONS_OPEN
        )
        context = {
            **_mou_context(request, mou, "signing"),
            "signers": [row(s) for s in signers],
            "witnesses": [row(s) for s in signatories if s.is_witness],
            "signed_copy": signed_copy,
            "can_add_signatory": policies.can_manage_mou(user, mou)
            and mou.status not in _SIGNATORIES_FIXED,
            "awaiting_approval": mou.status != Mou.Status.APPROVED
            and mou.status not in _SIGNATORIES_FIXED,
            "can_upload": can_upload,
            "upload_form": SignedCopyForm() if can_upload else None,
            "can_verify": signed_copy is not None and policies.can_verify_signed_copy(user, mou),
            "verify_form": VerifyFileForm(),
            "can_enter_into_force": any(
                t.name == "enter_into_force" for t in MOU_FLOW.available(mou, user)
            ),
            "breadcrumbs": _crumbs(mou, (_("Signing"), None)),
        }
        return _render(request, "mou/signing.html", context)


class _SigningStepFormView(View):
    """A ministry form page under Signing; subclasses name the template and the crumb."""

    template_name: str
    crumb: Any

    def _mou(self, request: AuthenticatedHttpRequest, pk: int) -> Mou:
        mou = _internal_mou(request, pk)
        _require(policies.can_manage_mou(request.user, mou))
        return mou

    def _page(self, request: AuthenticatedHttpRequest, mou: Mou, form: Any,
              status: int = 200) -> HttpResponse:  # fmt: skip
        context = {
            **_mou_context(request, mou, "signing"),
            "form": form,
            "breadcrumbs": _crumbs(
                mou,
                (_("Signing"), reverse("mou:signing", args=[mou.pk])),
                (self.crumb, None),
            ),
        }
        return _render(request, self.template_name, context, status)


class SignatoryCreateView(_SigningStepFormView):
    """Name a signatory for a party, or a witness (ministry, until the MoU is signed)."""

    template_name = "mou/signatory_form.html"
    crumb = gettext_lazy("Add a signatory or witness")

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._mou(request, pk)
        initial: dict[str, Any] = {"party": request.GET.get("party", Party.GOVERNMENT)}
        if request.GET.get("witness"):
            initial["is_witness"] = True
        return self._page(request, mou, SignatoryForm(initial=initial))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._mou(request, pk)
        form = SignatoryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                signatory = services.signatory_add(
                    mou=mou,
                    actor=request.user,
                    name=data["name"],
                    title=data["title"],
                    party=data["party"],
                    order=0 if data["is_witness"] else (data["order"] or 0),
                    is_witness=data["is_witness"],
                )
            except ValidationError as error:
                _field_errors(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return self._page(request, mou, form, CONFLICT)
            else:
                if signatory.is_witness:
                    text = _("%(name)s added as a witness.")
                else:
                    text = _("%(name)s added as signatory number %(n)s.")
                messages.success(request, text % {"name": signatory.name, "n": signatory.order})
                return redirect("mou:signing", pk=mou.pk)
        return self._page(request, mou, form, BAD_REQUEST)


class SignatureRecordView(View):
    """Record that a signatory signed (date, place) or declined (with the reason).

    Order, approval for signature and maker-checker are the service's rules: when it refuses,
    the page shows its message with 409 and nothing is recorded.
    """

    template_name = "mou/signatory_sign.html"

    def _signatory(self, request: AuthenticatedHttpRequest, pk: int) -> Signatory:
        signatory = get_object_or_404(
            Signatory.objects.filter(mou__in=_visible_mous(request.user)).select_related(
                "mou", "recorded_by"
            ),
            pk=pk,
        )
        _require_internal(request, signatory.mou)
        _require(policies.can_record_signature(request.user, signatory.mou))
        return signatory

    def _page(self, request: AuthenticatedHttpRequest, signatory: Signatory, form: SignatureForm,
              status: int = 200) -> HttpResponse:  # fmt: skip
        mou = signatory.mou
        context = {
            **_mou_context(request, mou, "signing"),
            "signatory": signatory,
            "form": form,
            "is_pending": signatory.answer == Signatory.Answer.PENDING,
            "breadcrumbs": _crumbs(
                mou,
                (_("Signing"), reverse("mou:signing", args=[mou.pk])),
                (signatory.name, None),
            ),
        }
        return _render(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return self._page(request, self._signatory(request, pk), SignatureForm())

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        signatory = self._signatory(request, pk)
        form = SignatureForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                recorded = services.signature_record(
                    signatory=signatory,
                    actor=request.user,
                    signed_on=data["signed_on"],
                    place=data["place"],
                    declined=data["declined"],
                    decline_reason=data["decline_reason"],
                )
            except ValidationError as error:
                _field_errors(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return self._page(request, signatory, form, CONFLICT)
            else:
                if recorded.answer == Signatory.Answer.DECLINED:
                    messages.warning(
                        request, _("%(name)s declined to sign.") % {"name": recorded.name}
                    )
                else:
                    messages.success(
                        request,
                        _("Signature of %(name)s recorded (%(day)s, %(place)s).")
                        % {
                            "name": recorded.name,
                            "day": recorded.signed_on,
                            "place": recorded.place or "—",
                        },
                    )
                if Mou.objects.filter(pk=signatory.mou_id, status=Mou.Status.SIGNED).exists():
                    messages.success(request, _("Every party has signed: the MoU is now signed."))
                return redirect("mou:signing", pk=signatory.mou_id)
        return self._page(request, signatory, form, BAD_REQUEST)


class SignedCopyUploadView(View):
    """Keep the scanned signed MoU (PDF only) with its SHA-256; it is never replaced."""

    template_name = "mou/signedcopy_form.html"

    def _mou(self, request: AuthenticatedHttpRequest, pk: int) -> Mou:
        mou = _internal_mou(request, pk)
        _require(policies.can_record_signature(request.user, mou))
        return mou

    def _page(self, request: AuthenticatedHttpRequest, mou: Mou, form: SignedCopyForm,
              status: int = 200) -> HttpResponse:  # fmt: skip
        context = {
            **_mou_context(request, mou, "signing"),
            "form": form,
            "signed_copy": _signed_copy(mou),
            "breadcrumbs": _crumbs(
                mou,
                (_("Signing"), reverse("mou:signing", args=[mou.pk])),
                (_("Signed copy"), None),
            ),
        }
        return _render(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return self._page(request, self._mou(request, pk), SignedCopyForm())

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._mou(request, pk)
        form = SignedCopyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                copy = services.signed_copy_upload(
                    mou=mou, actor=request.user, upload=form.cleaned_data["file"]
                )
            except ValidationError as error:
                _field_errors(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return self._page(request, mou, form, CONFLICT)
            else:
                messages.success(
                    request,
                    _("The signed copy is on record. Its SHA-256 is %(sha)s.")
                    % {"sha": copy.sha256},
                )
                return redirect(f"{reverse('mou:signing', args=[mou.pk])}#signed-copy")
        return self._page(request, mou, form, BAD_REQUEST)


class SignedCopyDownloadView(View):
    """The signed copy as a PDF attachment, for internal people only (404 for everyone else)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
        mou = _internal_mou(request, pk)
        copy = SignedCopy.objects.filter(mou=mou).first()
        if copy is None:
            raise Http404
        response = FileResponse(
            copy.file.open("rb"),
            as_attachment=True,
            filename=_download_name(mou, "-signed.pdf"),
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class SignedCopyVerifyView(View):
    """Check whether a file is exactly the signed copy on record (by SHA-256).

    Open to internal people and to BGI's liaison when the MoU is visible to them. The file
    sent is read to hash it and never stored.
    """

    template_name = "mou/signedcopy_verify.html"

    def _mou(self, request: AuthenticatedHttpRequest, pk: int) -> Mou:
        mou = _visible_mou(request, pk)
        if not policies.can_verify_signed_copy(request.user, mou):
            raise Http404
        return mou

    def _page(self, request: AuthenticatedHttpRequest, mou: Mou, form: VerifyFileForm,
              result: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:  # fmt: skip
        internal = policies.can_view_mou_internals(request.user, mou)
        trail: list[tuple[Any, str | None]] = []
        if internal:
            trail.append((_("Signing"), reverse("mou:signing", args=[mou.pk])))
        trail.append((_("Check a file"), None))
        context = {
            **_mou_context(request, mou, "signing" if internal else ""),
            "form": form,
            "signed_copy": _signed_copy(mou),
            "result": result,
            "breadcrumbs": _crumbs(mou, *trail),
        }
        return _render(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return self._page(request, self._mou(request, pk), VerifyFileForm())

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._mou(request, pk)
        form = VerifyFileForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(request, mou, form, status=BAD_REQUEST)
        if not SignedCopy.objects.filter(mou=mou).exists():
            messages.error(request, _("There is no signed copy on record to check against yet."))
            return self._page(request, mou, form, status=CONFLICT)
        upload = form.cleaned_data["file"]
        result = {
            "matches": services.signed_copy_matches(mou=mou, upload=upload),
            "sha256": services.file_sha256(upload),
            "name": upload.name,
            "size": upload.size,
        }
        return self._page(request, mou, VerifyFileForm(), result)


class EntryIntoForceView(_SigningStepFormView):
    """Record the effective date of a signed MoU; its term gives the expiry or renewal date."""

    template_name = "mou/signing_entry_into_force.html"
    crumb = gettext_lazy("Enter into force")

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._mou(request, pk)
        form = EntryIntoForceForm(initial={"effective_on": timezone.localdate()})
        return self._page(request, mou, form)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._mou(request, pk)
        form = EntryIntoForceForm(request.POST)
        if form.is_valid():
            try:
                moved = services.mou_enter_into_force(
                    mou=mou,
                    actor=request.user,
                    effective_on=form.cleaned_data["effective_on"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                _field_errors(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return self._page(request, mou, form, CONFLICT)
            else:
                messages.success(
                    request,
                    _("The MoU is in force from %(start)s. It expires, unless renewed, on %(end)s.")
                    % {"start": moved.effective_on, "end": moved.expires_on},
                )
                return redirect("mou:signing", pk=mou.pk)
        return self._page(request, mou, form, BAD_REQUEST)


# Obligations --------------------------------------------------------------------------------


def _obligation_page(
    request: AuthenticatedHttpRequest,
    mou: Mou,
    *,
    form: ObligationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    open_statuses = {Obligation.Status.OPEN, Obligation.Status.IN_PROGRESS}
    obligations = mou.obligations.select_related("owner", "clause").order_by("due_on", "pk")
    by_party: dict[str, list[dict[str, Any]]] = {value: [] for value in Party.values}
    for obligation in obligations:
        by_party[obligation.party].append(
            {
                "obligation": obligation,
                "is_overdue": obligation.status in open_statuses and obligation.due_on < today,
                "transitions": OBLIGATION_FLOW.available(obligation, user),
                "action": reverse("mou:obligation-transition", args=[obligation.pk]),
            }
        )
    can_manage = policies.can_manage_mou(user, mou)
    can_add = can_manage and mou.status in _OBLIGATIONS_OPEN
    context = {
        **_mou_context(request, mou, "obligations"),
        "parties": [
            {"code": code, "label": label, "rows": by_party[code]} for code, label in Party.choices
        ],
        "total": sum(len(rows) for rows in by_party.values()),
        "can_add": can_add,
        # Said before anyone tries: the same words the service uses when it refuses.
        "not_yet_message": (
            _("Obligations are recorded once the MoU is signed.")
            if can_manage and not can_add
            else ""
        ),
        "form": (form or _obligation_form(mou)) if can_add or form is not None else None,
        "breadcrumbs": _crumbs(mou, (_("Obligations"), None)),
    }
    return _render(request, "mou/obligation_list.html", context, status)


def _obligation_form(mou: Mou, *args: Any, **kwargs: Any) -> ObligationForm:
    return ObligationForm(
        *args,
        owners=internal_people(),
        clauses=mou.clauses.filter(archived_at__isnull=True).order_by("position", "pk"),
        **kwargs,
    )


class ObligationListView(View):
    """Each party's obligations with owner, due date, status and next steps; ministry adds."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _obligation_page(request, _internal_mou(request, pk))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = _internal_mou(request, pk)
        _require(policies.can_manage_mou(request.user, mou))
        form = _obligation_form(mou, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                obligation = services.obligation_add(
                    mou=mou,
                    actor=request.user,
                    party=data["party"],
                    description=data["description"],
                    due_on=data["due_on"],
                    owner=data["owner"],
                    clause=data["clause"],
                )
            except ValidationError as error:
                _field_errors(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return _obligation_page(request, mou, form=form, status=CONFLICT)
            else:
                messages.success(request, _("Obligation added."))
                url = reverse("mou:obligation-list", args=[mou.pk])
                return redirect(f"{url}#obligation-{obligation.pk}")
        return _obligation_page(request, mou, form=form, status=BAD_REQUEST)


class ObligationTransitionView(View):
    """Start, meet, waive or reopen an obligation (OBLIGATION_FLOW)."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        obligation = get_object_or_404(
            Obligation.objects.filter(mou__in=_visible_mous(request.user)).select_related("mou"),
            pk=pk,
        )
        mou = obligation.mou
        _require_internal(request, mou)
        form = ObligationTransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a step and send the page's version with it."))
            return _obligation_page(request, mou, status=BAD_REQUEST)
        data = form.cleaned_data
        try:
            transition = OBLIGATION_FLOW.get(data["transition"])
            # A person who may never take this step is refused before any state is revealed.
            _require(transition.allowed(request.user, obligation))
            moved = services.obligation_transition(
                obligation=obligation,
                name=transition.name,
                actor=request.user,
                comment=data["comment"],
                expected_version=data["version"],
            )
        except StaleVersion:
            messages.error(
                request,
                _(
                    "Someone else changed this obligation since you opened the page; nothing "
                    "was changed. The page now shows its current state: check it, then choose "
                    "again."
                ),
            )
            return _obligation_page(request, mou, status=CONFLICT)
        except DomainError as error:
            domain_error_message(request, error)
            return _obligation_page(request, mou, status=CONFLICT)
        messages.success(
            request,
            _("The obligation is now %(status)s.") % {"status": moved.get_status_display().lower()},
        )
        url = reverse("mou:obligation-list", args=[mou.pk])
        return redirect(f"{url}#obligation-{moved.pk}")


# Exports ------------------------------------------------------------------------------------


def _export_version(request: AuthenticatedHttpRequest, pk: int, number: int) -> MouVersion:
    """A version the viewer may read (BGI's liaison: shared versions only), else 404."""
    user = request.user
    return get_object_or_404(
        MouVersion.objects.visible_to(user)
        .filter(mou__in=_visible_mous(user))
        .select_related("mou", "published_by"),
        mou_id=pk,
        number=number,
    )


def _export_clauses(version: MouVersion) -> list[ClauseSnapshot]:
    return list(version.clauses.order_by("position", "pk"))


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def version_pdf(version: MouVersion) -> bytes:
    """The version in English and Chinese side by side (one version: built in the request)."""
    from weasyprint import HTML

    html = render_to_string(
        "mou/export_pdf.html",
        {
            "mou": version.mou,
            "version": version,
            "clauses": _export_clauses(version),
            "generated_at": timezone.localtime(),
        },
    )
    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf


# Word's usual Chinese typeface; the document names it for East Asian text only.
DOCX_CJK_FONT = "SimSun"


def _mark_chinese(run: Any) -> None:
    """Tell Word the run is Simplified Chinese, so it picks the East Asian typeface."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    run._element.get_or_add_rPr().append(lang)


def _docx_text(cell: Any, text: str, *, chinese: bool) -> None:
    """Clause text as paragraphs of the cell (a blank line separates paragraphs)."""
    parts = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
    for part in parts or ["—"]:
        paragraph = cell.add_paragraph()
        lines = part.split("\n")
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            if chinese:
                _mark_chinese(run)
            if index < len(lines) - 1:
                run.add_break()


def version_docx(version: MouVersion) -> bytes:
    """The version as a Word document: both titles, then each clause in both languages."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    mou = version.mou
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_CJK_FONT)
    core = document.core_properties
    core.title = f"{mou.title} — v{version.number}"
    core.subject = mou.title_zh or ""

    document.add_heading(mou.title, level=0)
    if mou.title_zh:
        _mark_chinese(document.add_heading(mou.title_zh, level=1).runs[0])
    facts = _("Version %(n)s") % {"n": version.number}
    published = timezone.localtime(version.created_at).date()
    facts += " · " + _("published on %(day)s") % {"day": published.isoformat()}
    if version.note:
        facts += " · " + version.note
    document.add_paragraph(facts)

    clauses = _export_clauses(version)
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    header_row = table.rows[0]
    # The header row repeats on every page the table runs over.
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_row._tr.get_or_add_trPr().append(repeat)
    header_row.cells[0].paragraphs[0].add_run(_("English")).bold = True
    chinese_header = header_row.cells[1].paragraphs[0].add_run("中文")
    chinese_header.bold = True
    _mark_chinese(chinese_header)
    for clause in clauses:
        english, chinese = table.add_row().cells
        english.paragraphs[0].add_run(f"{clause.position}. {clause.heading_en}").bold = True
        _docx_text(english, clause.text_en, chinese=False)
        heading = chinese.paragraphs[0].add_run(f"{clause.position}. {clause.heading_zh or '—'}")
        heading.bold = True
        _mark_chinese(heading)
        _docx_text(chinese, clause.text_zh, chinese=True)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class MouVersionPdfView(PeopleOnlyMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
        version = _export_version(request, pk, number)
        return _attachment(
            version_pdf(version),
            "application/pdf",
            _download_name(version.mou, f"-v{version.number}.pdf"),
        )


class MouVersionDocxView(PeopleOnlyMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
        version = _export_version(request, pk, number)
        return _attachment(
            version_docx(version),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _download_name(version.mou, f"-v{version.number}.docx"),
        )
