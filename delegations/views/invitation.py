"""BGI's invitation: recording it (the letter's upload moves the visit on) and the
permission-checked download of the letter."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import View

from portal.exceptions import DomainError, StaleVersion
from portal.pages import STALE_STEP_MESSAGE, put_errors_on_form
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import services
from ..forms.visits import InvitationForm
from ..models import Visit
from ..workflows import VISIT_FLOW
from .common import VisitPagesMixin, get_visit, visit_page


def _max_upload_mb() -> int:
    return max(1, settings.MAX_UPLOAD_BYTES // (1024 * 1024))


class VisitInvitationView(VisitPagesMixin, View):
    template_name = "delegations/visit_invitation.html"

    def _can_record(self, request: AuthenticatedHttpRequest, visit: Visit) -> bool:
        return any(
            step.name == "record_invitation" for step in VISIT_FLOW.available(visit, request.user)
        )

    def _render(
        self,
        request: AuthenticatedHttpRequest,
        visit: Visit,
        form: InvitationForm | None,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            **visit_page(request, visit, "overview", (_("Record BGI's invitation"), None)),
            "form": form,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(request, pk, internal=True, manage=True)
        if not self._can_record(request, visit):
            return self._render(request, visit, None)
        form = InvitationForm(
            initial={"version": visit.version, "received_on": timezone.localdate()},
            max_mb=_max_upload_mb(),
        )
        return self._render(request, visit, form)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(request, pk, internal=True, manage=True)
        if not self._can_record(request, visit):
            # Checked before the file is stored, so a refused upload leaves nothing behind.
            messages.error(
                request,
                _(
                    "BGI's invitation is recorded while a visit is proposed; this visit's status is “%(status)s”."
                )
                % {"status": visit.get_status_display()},
            )
            return self._render(request, visit, None, status=409)
        form = InvitationForm(request.POST, request.FILES, max_mb=_max_upload_mb())
        if form.is_valid():
            try:
                moved = services.visit_record_invitation(
                    visit=visit,
                    actor=request.user,
                    letter=form.cleaned_data["letter"],
                    received_on=form.cleaned_data["received_on"],
                    reference=form.cleaned_data["reference"].strip(),
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                put_errors_on_form(form, error, aliases={"invitation_letter": "letter"})
            except StaleVersion:
                messages.error(request, STALE_STEP_MESSAGE)
                # What they typed, on the version they now see: the letter is chosen again.
                retry = InvitationForm(
                    initial={**form.cleaned_data, "letter": None, "version": visit.version},
                    max_mb=_max_upload_mb(),
                )
                return self._render(request, visit, retry, status=409)
            except DomainError as error:
                domain_error_message(request, error)
                return self._render(request, visit, form, status=409)
            else:
                messages.success(
                    request,
                    _("BGI's invitation was recorded; the visit is now: %(status)s.")
                    % {"status": moved.get_status_display()},
                )
                return redirect(moved)
        return self._render(request, visit, form, status=400)


class VisitInvitationDownloadView(VisitPagesMixin, View):
    """The invitation letter, to people inside government only (everyone else: 404)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
        visit = get_visit(request, pk, internal=True)
        if not visit.invitation_letter:
            raise Http404
        try:
            handle = visit.invitation_letter.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"invitation-visit-{visit.pk}.pdf",
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        patch_cache_control(response, private=True, no_store=True)
        return response
