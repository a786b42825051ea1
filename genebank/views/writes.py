"""The register and plan forms ministry staff use: add an agreement or an approval, record a
cohort's progress, add a consent version. Each posts to a service and returns to its page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from portal.exceptions import DomainError, StaleVersion
from portal.pages import STALE_EDIT_MESSAGE, put_errors_on_form
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, selectors, services
from ..forms import AgreementForm, ApprovalForm, CohortProgressForm, ConsentVersionForm
from ..models import Cohort
from .common import PlanPagesMixin, genebank_crumbs


def _handle(
    request: AuthenticatedHttpRequest, form: forms.Form, save: Callable[[dict[str, Any]], Any],
    *, title: str, back: str, done: str,
) -> HttpResponse:  # fmt: skip
    """Validate, call the service, and answer: back to `back`, or the form with its errors."""
    if not policies.can_manage_genebank(request.user):
        raise PermissionDenied
    status = 400
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            put_errors_on_form(form, error)
        except StaleVersion:
            messages.error(request, str(STALE_EDIT_MESSAGE))
            status = 409
        except DomainError as error:
            domain_error_message(request, error)
            status = 409
        else:
            messages.success(request, done)
            return redirect(back)
    elif request.method == "GET":
        status = 200
    return render(
        request, "genebank/form.html",
        {"form": form, "title": title, "back": back,
         "breadcrumbs": genebank_crumbs((title, None))},
        status=status,
    )  # fmt: skip


class AgreementCreateView(PlanPagesMixin, View):
    http_method_names = ["get", "post"]

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return self.post(request)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = AgreementForm(request.POST if request.method == "POST" else None)
        return _handle(
            request, form,
            lambda data: services.agreement_create(actor=request.user, data=services.AgreementData(**data)),
            title=_("New agreement"), back=reverse("genebank:agreement-list"),
            done=_("The agreement is in the register; upload its signed copy on its page."),
        )  # fmt: skip


class ApprovalCreateView(PlanPagesMixin, View):
    http_method_names = ["get", "post"]

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return self.post(request)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = ApprovalForm(request.POST if request.method == "POST" else None, viewer=request.user)
        return _handle(
            request, form,
            lambda data: services.approval_create(actor=request.user, owner=request.user,
                                                  cohorts=list(data.pop("cohorts")), **data),
            title=_("New approval"), back=reverse("genebank:agreement-list"),
            done=_("The approval is in the register; you will be reminded before it expires."),
        )  # fmt: skip


def _cohort(request: AuthenticatedHttpRequest, pk: int) -> Cohort:
    cohort: Cohort = get_object_or_404(selectors.cohort_list(viewer=request.user), pk=pk)
    return cohort


class CohortProgressView(PlanPagesMixin, View):
    http_method_names = ["get", "post"]

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return self.post(request, pk)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        cohort = _cohort(request, pk)
        initial = {"enrolled_participants": cohort.enrolled_participants,
                   "collected_samples": cohort.collected_samples, "version": cohort.version}  # fmt: skip
        form = CohortProgressForm(
            request.POST if request.method == "POST" else None, initial=initial
        )
        return _handle(
            request, form,
            lambda data: services.cohort_progress_record(
                cohort=cohort, actor=request.user, expected_version=data["version"],
                enrolled_participants=data["enrolled_participants"],
                collected_samples=data["collected_samples"],
            ),
            title=_("Progress of %(cohort)s") % {"cohort": cohort.name},
            back=cohort.get_absolute_url(), done=_("The cohort's progress is recorded."),
        )  # fmt: skip


class ConsentVersionCreateView(PlanPagesMixin, View):
    http_method_names = ["get", "post"]

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return self.post(request, pk)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        cohort = _cohort(request, pk)
        form = ConsentVersionForm(request.POST if request.method == "POST" else None)
        return _handle(
            request, form,
            lambda data: services.consent_version_add(cohort=cohort, actor=request.user, **data),
            title=_("New consent version of %(cohort)s") % {"cohort": cohort.name},
            back=cohort.get_absolute_url(), done=_("The new consent version is recorded."),
        )  # fmt: skip
