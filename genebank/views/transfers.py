"""Transfer pages: the list (BGI's liaison: only transfers addressed to BGI), drafting one,
its page with the checks, the trace and the workflow, the steps, and the register export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from portal.exceptions import DomainError
from portal.pages import WorkflowTransitionView, put_errors_on_form
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import exports, policies, selectors, services
from ..checks import transfer_checks
from ..forms import TransferForm, TransferTransitionForm
from ..models import Transfer, TransferTransition
from ..workflows import TRANSFER_FLOW
from .common import GenebankPagesMixin, transfer_crumbs

STATUS_LABELS = dict(Transfer.Status.choices)
TRANSITION_BUTTONS = {"cancel": "btn-outline-danger", "reopen": "btn-outline-secondary"}


class TransferListView(GenebankPagesMixin, ListView):
    template_name = "genebank/transfer_list.html"
    context_object_name = "transfers"
    paginate_by = 50
    request: AuthenticatedHttpRequest

    def get_queryset(self) -> QuerySet[Transfer]:
        return selectors.transfer_list(viewer=self.request.user).order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            {
                "show_governance": policies.can_view_transfer_governance(user),
                "can_create": policies.can_manage_genebank(user),
                "can_export": policies.can_export_register(user),
                "breadcrumbs": transfer_crumbs(),
            }
        )
        return context


def _get_transfer(request: HttpRequest, pk: int, *, with_log: bool = False) -> Transfer:
    queryset = selectors.transfer_list(viewer=request.user)
    if with_log:
        queryset = queryset.prefetch_related(
            Prefetch(
                "transitions",
                queryset=TransferTransition.objects.select_related("actor"),
                to_attr="timeline_steps",
            )
        )
    transfer: Transfer = get_object_or_404(queryset, pk=pk)
    return transfer


def _render_detail(
    request: HttpRequest, pk: int, *, status: int = 200, **extra: Any
) -> HttpResponse:
    user = request.user
    governance = policies.can_view_transfer_governance(user)
    transfer = _get_transfer(request, pk, with_log=governance)
    context: dict[str, Any] = {
        "transfer": transfer,
        "show_governance": governance,
        "show_internal": policies.can_view_transfer_internals(user, transfer),
        "transition_url": reverse("genebank:transfer-transition", args=[transfer.pk]),
        "transitions": [
            {
                "name": t.name,
                "display": t.display,
                "comment_required": t.comment_required,
                "button_class": TRANSITION_BUTTONS.get(t.name, "btn-primary"),
            }
            for t in TRANSFER_FLOW.available(transfer, user)
        ],
        "breadcrumbs": transfer_crumbs((transfer.reference, None)),
    }
    if governance:
        context["checks"] = transfer_checks(transfer, today=timezone.localdate())
        context["trace"] = selectors.transfer_trace(transfer)
        context["timeline"] = [
            {
                "actor": step.actor,
                "at": step.created_at,
                "step": TRANSFER_FLOW.transitions[step.transition].display
                if step.transition in TRANSFER_FLOW.transitions
                else step.transition,
                "from_label": STATUS_LABELS.get(step.from_status, step.from_status),
                "to_label": STATUS_LABELS.get(step.to_status, step.to_status),
                "comment": step.comment,
            }
            for step in transfer.timeline_steps  # type: ignore[attr-defined]
        ]
    return render(request, "genebank/transfer_detail.html", context, status=status)


class TransferDetailView(GenebankPagesMixin, View):
    http_method_names = ["get"]

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _render_detail(request, pk)


class TransferTransitionView(GenebankPagesMixin, WorkflowTransitionView):
    """One step of the transfer's workflow; a refused checked step names each failed check."""

    workflow = TRANSFER_FLOW
    form_class = TransferTransitionForm

    def get_subject(self, request: HttpRequest, **kwargs: Any) -> Transfer:
        return _get_transfer(request, kwargs["pk"])

    def perform(self, request: HttpRequest, subject: Transfer, data: dict[str, Any]) -> Transfer:
        return services.transfer_transition(
            transfer=subject,
            name=data["transition"],
            actor=request.user,  # type: ignore[arg-type]
            comment=data["comment"].strip(),
            expected_version=data["version"],
        )

    def render_subject(
        self, request: HttpRequest, subject: Transfer, *, status: int, **extra: Any
    ) -> HttpResponse:
        return _render_detail(request, subject.pk, status=status)


class TransferCreateView(GenebankPagesMixin, View):
    """Ministry staff draft a transfer."""

    http_method_names = ["get", "post"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if policies.can_view_genebank_pages(request.user) and not policies.can_manage_genebank(
            request.user
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request: HttpRequest, form: TransferForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "genebank/transfer_form.html",
            {"form": form, "breadcrumbs": transfer_crumbs((_("New transfer"), None))},
            status=status,
        )

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return self._render(request, TransferForm(viewer=request.user))

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = TransferForm(request.POST, viewer=request.user)
        if not form.is_valid():
            return self._render(request, form, status=400)
        data = form.cleaned_data
        try:
            transfer = services.transfer_create(
                actor=request.user,
                data=services.TransferData(
                    **{name: data[name] for name in services.TransferData.__dataclass_fields__}
                ),
            )
        except ValidationError as error:
            put_errors_on_form(form, error)
            return self._render(request, form, status=400)
        except DomainError as error:
            domain_error_message(request, error)
            return self._render(request, form, status=409)
        messages.success(request, _("The transfer is drafted; run the checks when it is ready."))
        return redirect(transfer)


class TransferRegisterExportView(GenebankPagesMixin, View):
    """The transfers register as a spreadsheet, for audits."""

    http_method_names = ["get"]

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        if not policies.can_export_register(request.user):
            raise Http404
        body = exports.transfers_register_xlsx(
            selectors.transfer_list(viewer=request.user).order_by("created_at", "pk")
        )
        response = HttpResponse(
            body,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        day = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="transfers-register-{day}.xlsx"'
        return response
