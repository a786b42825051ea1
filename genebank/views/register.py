"""The agreements and approvals register, one agreement with its signed copy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from portal.exceptions import DomainError
from portal.pages import put_errors_on_form
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, selectors, services
from ..forms import SignedCopyForm
from ..models import Agreement
from .common import PlanPagesMixin, genebank_crumbs


class AgreementListView(PlanPagesMixin, TemplateView):
    template_name = "genebank/agreement_list.html"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            {
                "agreements": selectors.agreement_list(viewer=user),
                "approvals": selectors.approval_list(viewer=user),
                "can_manage": policies.can_manage_genebank(user),
                "today": timezone.localdate(),
                "breadcrumbs": genebank_crumbs((_("Agreements and approvals"), None)),
            }
        )
        return context


def _agreement(request: AuthenticatedHttpRequest, pk: int) -> Agreement:
    agreement: Agreement = get_object_or_404(selectors.agreement_list(viewer=request.user), pk=pk)
    return agreement


def _render_agreement(
    request: AuthenticatedHttpRequest, agreement: Agreement, *, form: SignedCopyForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    can_upload = policies.can_manage_genebank(request.user) and not agreement.has_signed_copy
    return render(
        request,
        "genebank/agreement_detail.html",
        {
            "agreement": agreement,
            "transfers": selectors.transfer_list(viewer=request.user).filter(agreement=agreement),
            "form": (form or SignedCopyForm()) if can_upload else None,
            "today": timezone.localdate(),
            "breadcrumbs": genebank_crumbs(
                (_("Agreements and approvals"), reverse("genebank:agreement-list")),
                (agreement.reference, None),
            ),
        },
        status=status,
    )


class AgreementDetailView(PlanPagesMixin, View):
    http_method_names = ["get"]

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _render_agreement(request, _agreement(request, pk))


class AgreementSignedCopyUploadView(PlanPagesMixin, View):
    """Keep the signed agreement (PDF only) with its SHA-256; never replaced."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        agreement = _agreement(request, pk)
        if not policies.can_manage_genebank(request.user, agreement):
            raise PermissionDenied
        form = SignedCopyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.agreement_signed_copy_upload(
                    agreement=agreement, actor=request.user, upload=form.cleaned_data["file"]
                )
            except ValidationError as error:
                put_errors_on_form(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return _render_agreement(request, agreement, status=409)
            else:
                messages.success(request, _("The signed copy is on record with its SHA-256."))
                return redirect(agreement)
        return _render_agreement(request, agreement, form=form, status=400)


class AgreementSignedCopyDownloadView(PlanPagesMixin, View):
    http_method_names = ["get"]

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
        agreement = _agreement(request, pk)
        if not agreement.has_signed_copy:
            raise Http404
        return FileResponse(
            agreement.signed_copy.open("rb"),
            as_attachment=True,
            filename=f"{agreement.reference}-signed.pdf",
            content_type="application/pdf",
        )
