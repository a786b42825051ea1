"""Obligations under a signed MoU: each party's list with owner, due date and status, the
ministry's form to add one, and one workflow step of an obligation (internal pages)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from portal.pages import WorkflowTransitionView
from portal.recording import require
from portal.types import AuthenticatedHttpRequest

from .. import policies, services
from ..forms.signing import ObligationForm, ObligationTransitionForm, internal_people
from ..models import Mou, Obligation, Party
from ..workflows import BINDING_STATUSES, OBLIGATION_FLOW
from .common import MouInternalsMixin, get_mou, mou_context, mou_crumbs, page, submit, visible_mous


def _obligation_page(
    request: AuthenticatedHttpRequest,
    mou: Mou,
    *,
    form: ObligationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    obligations = mou.obligations.select_related("owner", "clause").order_by("due_on", "pk")
    by_party: dict[str, list[dict[str, Any]]] = {value: [] for value in Party.values}
    for obligation in obligations:
        by_party[obligation.party].append(
            {
                "obligation": obligation,
                "transitions": OBLIGATION_FLOW.available(obligation, user),
                "action": reverse("mou:obligation-transition", args=[obligation.pk]),
            }
        )
    can_manage = policies.can_manage_mou(user, mou)
    can_add = can_manage and mou.status in BINDING_STATUSES
    context = {
        **mou_context(request, mou, "obligations"),
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
        "breadcrumbs": mou_crumbs(mou, (_("Obligations"), None)),
    }
    return page(request, "mou/obligation_list.html", context, status)


def _obligation_form(mou: Mou, *args: Any, **kwargs: Any) -> ObligationForm:
    return ObligationForm(
        *args,
        owners=internal_people(),
        clauses=mou.clauses.active().order_by("position", "pk"),
        **kwargs,
    )


class ObligationListView(MouInternalsMixin, View):
    """Each party's obligations with owner, due date, status and next steps; ministry adds."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _obligation_page(request, get_mou(request, pk))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = get_mou(request, pk)
        require(policies.can_manage_mou(request.user, mou))
        form = _obligation_form(mou, request.POST)

        def call(data: dict[str, Any]) -> Any:
            return services.obligation_add(
                mou=mou,
                actor=request.user,
                party=data["party"],
                description=data["description"],
                due_on=data["due_on"],
                owner=data["owner"],
                clause=data["clause"],
            )

        def done(obligation: Any) -> HttpResponse:
            messages.success(request, _("Obligation added."))
            url = reverse("mou:obligation-list", args=[mou.pk])
            return redirect(f"{url}#obligation-{obligation.pk}")

        return submit(
            request,
            form,
            call,
            done,
            lambda status: _obligation_page(request, mou, form=form, status=status),
        )


class ObligationTransitionView(MouInternalsMixin, WorkflowTransitionView):
    """Start, meet, waive or reopen an obligation (OBLIGATION_FLOW)."""

    workflow = OBLIGATION_FLOW
    form_class = ObligationTransitionForm

    def get_subject(self, request: HttpRequest, **kwargs: Any) -> Obligation:
        obligation: Obligation = get_object_or_404(
            Obligation.objects.filter(mou__in=visible_mous(request.user)).select_related("mou"),
            pk=kwargs["pk"],
        )
        return obligation

    def perform(self, request: HttpRequest, subject: Obligation, data: dict[str, Any]) -> Any:
        return services.obligation_transition(
            obligation=subject,
            name=data["transition"],
            actor=cast(AuthenticatedHttpRequest, request).user,
            comment=data["comment"],
            expected_version=data["version"],
        )

    def render_subject(
        self, request: HttpRequest, subject: Obligation, *, status: int, **extra: Any
    ) -> HttpResponse:
        return _obligation_page(cast(AuthenticatedHttpRequest, request), subject.mou, status=status)

    def success_message(self, moved: Obligation) -> str:
        return _("The obligation is now %(status)s.") % {
            "status": moved.get_status_display().lower()
        }

    def success_url(self, moved: Obligation) -> str:
        url = reverse("mou:obligation-list", args=[moved.mou_id])
        return f"{url}#obligation-{moved.pk}"
