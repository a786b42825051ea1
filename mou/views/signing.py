"""Signing in order with witnesses, the signed copy and its check, and entry into force.

Order, approval for signature and maker-checker are the services' rules: when one refuses,
the page shows its message with 409 and nothing is recorded.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from portal.formatting import format_date
from portal.pages import Confirmation, PolicyRequiredMixin, ask_first, is_confirmed
from portal.recording import require
from portal.types import AuthenticatedHttpRequest

from .. import policies, selectors, services
from ..exports import download_name
from ..forms.signing import (
    EntryIntoForceForm,
    SignatoryForm,
    SignatureForm,
    SignedCopyForm,
    VerifyFileForm,
)
from ..models import Mou, Party, Signatory, SignedCopy
from ..workflows import BINDING_STATUSES, MOU_FLOW, SIGNED_STATUSES
from .common import MouInternalsMixin, get_mou, mou_context, mou_crumbs, page, submit, visible_mous

CONFLICT = 409
BAD_REQUEST = 400


def _signing_crumb(mou: Mou) -> tuple[str, str]:
    return (_("Signing"), reverse("mou:signing", args=[mou.pk]))


def _signed_copy(mou: Mou) -> SignedCopy | None:
    return SignedCopy.objects.filter(mou=mou).select_related("uploaded_by").first()


class SigningView(MouInternalsMixin, View):
    """Signatories in order, witnesses, the signed copy and entry into force (internal)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = get_mou(request, pk, "approved_by")
        user = request.user
        signatories = list(
            mou.signatories.select_related("recorded_by").order_by("is_witness", "order", "pk")
        )
        signers = [s for s in signatories if not s.is_witness]
        may_record = policies.can_record_signature(user, mou) and mou.status == Mou.Status.APPROVED
        next_signer = next((s for s in signers if s.answer == Signatory.Answer.PENDING), None)
        in_step = selectors.in_step_check(mou) if may_record else None

        def row(signatory: Signatory) -> dict[str, Any]:
            # Offered only where the service would record it (services.signature_refusal).
            refusal = (
                services.signature_refusal(
                    mou=mou, signatory=signatory, actor=user, signers=signers, in_step=in_step
                )
                if in_step is not None
                else None
            )
            return {
                "signatory": signatory,
                "is_next": signatory is next_signer,
                "can_record": in_step is not None and refusal is None,
                "refusal": str(refusal) if refusal is not None and signatory is next_signer else "",
            }

        signed_copy = _signed_copy(mou)
        can_upload = (
            signed_copy is None
            and policies.can_record_signature(user, mou)
            and mou.status in BINDING_STATUSES
        )
        context = {
            **mou_context(request, mou, "signing"),
            "signers": [row(s) for s in signers],
            "witnesses": [row(s) for s in signatories if s.is_witness],
            "signed_copy": signed_copy,
            "can_add_signatory": policies.can_manage_mou(user, mou)
            and mou.status not in SIGNED_STATUSES,
            "awaiting_approval": mou.status != Mou.Status.APPROVED
            and mou.status not in SIGNED_STATUSES,
            "can_upload": can_upload,
            "upload_form": SignedCopyForm() if can_upload else None,
            "can_verify": signed_copy is not None and policies.can_verify_signed_copy(user, mou),
            "verify_form": VerifyFileForm(),
            "can_enter_into_force": any(
                t.name == "enter_into_force" for t in MOU_FLOW.available(mou, user)
            ),
            "breadcrumbs": mou_crumbs(mou, (_("Signing"), None)),
        }
        return page(request, "mou/signing.html", context)


class _SigningStepFormView(MouInternalsMixin, View):
    """A ministry form page under Signing; subclasses name the template and the crumb."""

    template_name: str
    crumb: Any

    def _mou(self, request: AuthenticatedHttpRequest, pk: int) -> Mou:
        mou = get_mou(request, pk)
        require(policies.can_manage_mou(request.user, mou))
        return mou

    def _page(self, request: AuthenticatedHttpRequest, mou: Mou, form: Any,
              status: int = 200) -> HttpResponse:  # fmt: skip
        context = {
            **mou_context(request, mou, "signing"),
            "form": form,
            "breadcrumbs": mou_crumbs(
                mou,
                _signing_crumb(mou),
                (self.crumb, None),
            ),
        }
        return page(request, self.template_name, context, status)


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

        def call(data: dict[str, Any]) -> Any:
            return services.signatory_add(
                mou=mou,
                actor=request.user,
                name=data["name"],
                title=data["title"],
                party=data["party"],
                order=0 if data["is_witness"] else (data["order"] or 0),
                is_witness=data["is_witness"],
            )

        def done(signatory: Any) -> HttpResponse:
            if signatory.is_witness:
                text = _("%(name)s added as a witness.")
            else:
                text = _("%(name)s added as signatory number %(n)s.")
            messages.success(request, text % {"name": signatory.name, "n": signatory.order})
            return redirect("mou:signing", pk=mou.pk)

        return submit(
            request, form, call, done, lambda status: self._page(request, mou, form, status)
        )


class SignatureRecordView(MouInternalsMixin, View):
    """Record that a signatory signed (date, place) or declined (with the reason).

    Order, approval for signature and maker-checker are the service's rules: when it refuses,
    the page shows its message with 409 and nothing is recorded.
    """

    template_name = "mou/signatory_sign.html"

    def _signatory(self, request: AuthenticatedHttpRequest, pk: int) -> Signatory:
        signatory = get_object_or_404(
            Signatory.objects.filter(mou__in=visible_mous(request.user)).select_related(
                "mou", "recorded_by"
            ),
            pk=pk,
        )
        require(policies.can_record_signature(request.user, signatory.mou))
        return signatory

    def _page(self, request: AuthenticatedHttpRequest, signatory: Signatory, form: SignatureForm,
              status: int = 200) -> HttpResponse:  # fmt: skip
        mou = signatory.mou
        context = {
            **mou_context(request, mou, "signing"),
            "signatory": signatory,
            "form": form,
            "is_pending": signatory.answer == Signatory.Answer.PENDING,
            "breadcrumbs": mou_crumbs(
                mou,
                _signing_crumb(mou),
                (signatory.name, None),
            ),
        }
        return page(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return self._page(request, self._signatory(request, pk), SignatureForm())

    def _would_record(
        self, signatory: Signatory, request: AuthenticatedHttpRequest, data: dict[str, Any]
    ) -> bool:
        """Ask first only what the service would record (a refusal is shown straight away)."""
        mou = signatory.mou
        refusal = services.signature_refusal(
            mou=mou,
            signatory=signatory,
            actor=request.user,
            signers=list(mou.signatories.filter(is_witness=False).order_by("order")),
            in_step=selectors.in_step_check(mou),
            declined=data["declined"],
            decline_reason=data["decline_reason"],
        )
        return refusal is None

    def _confirmation(self, signatory: Signatory, data: dict[str, Any]) -> Confirmation:
        mou = signatory.mou
        facts = {"name": signatory.name, "day": data["signed_on"], "place": data["place"] or "—"}
        if data["declined"]:
            title = _("Record that %(name)s declined to sign") % facts
            consequence = _(
                "A recorded answer cannot be changed: %(name)s will stand as having declined "
                "on %(day)s."
            )
        else:
            title = _("Record the signature of %(name)s") % facts
            consequence = _(
                "A recorded signature cannot be changed or removed: %(name)s will stand as having "
                "signed on %(day)s at %(place)s. When it is the last signature, the MoU becomes signed."
            )
        return Confirmation(
            title=title,
            consequence=consequence % facts,
            confirm_label=_("Record"),
            cancel_url=reverse("mou:signing", args=[mou.pk]),
            breadcrumbs=mou_crumbs(mou, _signing_crumb(mou), (signatory.name, None)),
        )

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        signatory = self._signatory(request, pk)
        form = SignatureForm(request.POST)
        if (form.is_valid() and not is_confirmed(request)
                and self._would_record(signatory, request, form.cleaned_data)):  # fmt: skip
            return ask_first(request, self._confirmation(signatory, form.cleaned_data))

        def call(data: dict[str, Any]) -> Any:
            return services.signature_record(
                signatory=signatory,
                actor=request.user,
                signed_on=data["signed_on"],
                place=data["place"],
                declined=data["declined"],
                decline_reason=data["decline_reason"],
            )

        def done(recorded: Any) -> HttpResponse:
            if recorded.answer == Signatory.Answer.DECLINED:
                messages.warning(request, _("%(name)s declined to sign.") % {"name": recorded.name})
            else:
                messages.success(
                    request,
                    _("Signature of %(name)s recorded (%(day)s, %(place)s).")
                    % {
                        "name": recorded.name,
                        "day": format_date(recorded.signed_on),
                        "place": recorded.place or "—",
                    },
                )
            if Mou.objects.filter(pk=signatory.mou_id, status=Mou.Status.SIGNED).exists():
                messages.success(request, _("Every party has signed: the MoU is now signed."))
            return redirect("mou:signing", pk=signatory.mou_id)

        return submit(
            request, form, call, done, lambda status: self._page(request, signatory, form, status)
        )


class SignedCopyUploadView(MouInternalsMixin, View):
    """Keep the scanned signed MoU (PDF only) with its SHA-256; it is never replaced."""

    template_name = "mou/signedcopy_form.html"

    def _mou(self, request: AuthenticatedHttpRequest, pk: int) -> Mou:
        mou = get_mou(request, pk)
        require(policies.can_record_signature(request.user, mou))
        return mou

    def _page(self, request: AuthenticatedHttpRequest, mou: Mou, form: SignedCopyForm,
              status: int = 200) -> HttpResponse:  # fmt: skip
        context = {
            **mou_context(request, mou, "signing"),
            "form": form,
            "signed_copy": _signed_copy(mou),
            "breadcrumbs": mou_crumbs(
                mou,
                _signing_crumb(mou),
                (_("Signed copy"), None),
            ),
        }
        return page(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return self._page(request, self._mou(request, pk), SignedCopyForm())

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = self._mou(request, pk)
        form = SignedCopyForm(request.POST, request.FILES)

        def call(data: dict[str, Any]) -> Any:
            return services.signed_copy_upload(mou=mou, actor=request.user, upload=data["file"])

        def done(copy: Any) -> HttpResponse:
            messages.success(
                request,
                _("The signed copy is on record. Its SHA-256 is %(sha)s.") % {"sha": copy.sha256},
            )
            return redirect(f"{reverse('mou:signing', args=[mou.pk])}#signed-copy")

        return submit(
            request, form, call, done, lambda status: self._page(request, mou, form, status)
        )


class SignedCopyDownloadView(MouInternalsMixin, View):
    """The signed copy as a PDF attachment, for internal people only (404 for everyone else)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
        mou = get_mou(request, pk)
        copy = SignedCopy.objects.filter(mou=mou).first()
        if copy is None:
            raise Http404
        response = FileResponse(
            copy.file.open("rb"),
            as_attachment=True,
            filename=download_name(mou, "-signed.pdf"),
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class SignedCopyVerifyView(PolicyRequiredMixin, View):
    """Check whether a file is exactly the signed copy on record (by SHA-256).

    Open to internal people and to BGI's liaison when the MoU is visible to them. The file
    sent is read to hash it and never stored.
    """

    template_name = "mou/signedcopy_verify.html"
    policy = staticmethod(policies.can_verify_signed_copy)

    def _page(self, request: AuthenticatedHttpRequest, mou: Mou, form: VerifyFileForm,
              result: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:  # fmt: skip
        internal = policies.can_view_mou_internals(request.user, mou)
        trail: list[tuple[Any, str | None]] = []
        if internal:
            trail.append(_signing_crumb(mou))
        trail.append((_("Check a file"), None))
        context = {
            **mou_context(request, mou, "signing" if internal else ""),
            "form": form,
            "signed_copy": _signed_copy(mou),
            "result": result,
            "breadcrumbs": mou_crumbs(mou, *trail),
        }
        return page(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return self._page(request, get_mou(request, pk), VerifyFileForm())

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = get_mou(request, pk)
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

        def call(data: dict[str, Any]) -> Any:
            return services.mou_enter_into_force(
                mou=mou,
                actor=request.user,
                effective_on=data["effective_on"],
                comment=data["comment"],
            )

        def done(moved: Any) -> HttpResponse:
            messages.success(
                request,
                _("The MoU is in force from %(start)s. It expires, unless renewed, on %(end)s.")
                % {"start": format_date(moved.effective_on), "end": format_date(moved.expires_on)},
            )
            return redirect("mou:signing", pk=mou.pk)

        return submit(
            request, form, call, done, lambda status: self._page(request, mou, form, status)
        )
