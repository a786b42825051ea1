"""The delegation's members and their travel readiness: the list with each member's checks,
adding, editing and taking a member off the delegation (internal pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from portal.exceptions import DomainError
from portal.pages import put_errors_on_form
from portal.types import AuthenticatedHttpRequest

from .. import policies, selectors, services
from ..forms.visits import MemberForm, member_initial
from ..models import DelegationMember, Visit
from .common import (
    VisitPagesMixin,
    active_members,
    get_visit,
    get_visit_record,
    tab_crumb,
    visit_page,
)

# The member's date behind each readiness check, shown beside the check's state.
CHECK_DATES = {
    "passport": "passport_expires_on",
    "visa_applied": "visa_applied_on",
    "visa_issued": "visa_issued_on",
    "travel_approval": "travel_approval_on",
    "tickets": "tickets_issued_on",
    "insurance": "insurance_on",
}


def _member_rows(readiness: selectors.VisitReadiness) -> list[dict[str, Any]]:
    rows = []
    for row in readiness.members:
        member = row.member
        rows.append(
            {
                "member": member,
                "has_login": member.user_id is not None,
                "is_ready": row.is_ready,
                "checks": [
                    {
                        "key": check.key,
                        "label": check.label,
                        "ok": check.ok,
                        "state": check.state,
                        "detail": check.detail,
                        "on": getattr(member, CHECK_DATES[check.key], None),
                    }
                    for check in row.checks
                ],
            }
        )
    return rows


class VisitMembersView(VisitPagesMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        queryset = selectors.visit_list(viewer=request.user).prefetch_related(active_members())
        visit = get_visit(request, pk, internal=True, queryset=queryset)
        readiness = selectors.visit_readiness(visit, visit.active_members)  # type: ignore[attr-defined]
        context = visit_page(request, visit, "members", (_("Members & readiness"), None))
        context.update(
            {
                "readiness": readiness,
                "rows": _member_rows(readiness),
                "check_labels": [check.label for check in readiness.members[0].checks]
                if readiness.members
                else [],
                "can_manage": policies.can_manage_visit(request.user, visit),
            }
        )
        return render(request, "delegations/visit_members.html", context)


def _managed_member(request: AuthenticatedHttpRequest, pk: int) -> DelegationMember:
    """An active member of a visit the viewer may manage (404 if hidden, 403 if visible only)."""
    return get_visit_record(
        request,
        DelegationMember.objects.filter(is_active=True).select_related("user"),
        pk,
        manage=True,
    )


def _render_member_form(
    request: AuthenticatedHttpRequest,
    visit: Visit,
    form: MemberForm,
    *,
    member: DelegationMember | None = None,
    status: int = 200,
) -> HttpResponse:
    label = _("Edit %(name)s") % {"name": member.name} if member is not None else _("Add a member")
    context = {
        **visit_page(
            request,
            visit,
            "members",
            tab_crumb(_("Members & readiness"), "delegations:visit-members", visit),
            (label, None),
        ),
        "form": form,
        "member": member,
        "heading": label,
    }
    return render(request, "delegations/member_form.html", context, status=status)


def _members_url(visit: Visit) -> str:
    return reverse("delegations:visit-members", args=[visit.pk])


class MemberCreateView(VisitPagesMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(request, pk, internal=True, manage=True)
        return _render_member_form(request, visit, MemberForm(submit_label=_("Add member")))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(request, pk, internal=True, manage=True)
        form = MemberForm(request.POST, submit_label=_("Add member"))
        if form.is_valid():
            try:
                member = services.member_add(visit=visit, actor=request.user, data=form.to_data())
            except ValidationError as error:
                put_errors_on_form(form, error)
            except DomainError as error:
                form.add_error(None, error.message)
                return _render_member_form(request, visit, form, status=409)
            else:
                messages.success(
                    request, _("%(name)s was added to the delegation.") % {"name": member.name}
                )
                return redirect(_members_url(visit))
        return _render_member_form(request, visit, form, status=400)


class MemberUpdateView(VisitPagesMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        member = _managed_member(request, pk)
        form = MemberForm(initial=member_initial(member), submit_label=_("Save changes"))
        return _render_member_form(request, member.visit, form, member=member)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        member = _managed_member(request, pk)
        form = MemberForm(
            request.POST, initial=member_initial(member), submit_label=_("Save changes")
        )
        if form.is_valid():
            try:
                saved = services.member_update(
                    member=member, actor=request.user, data=form.to_data()
                )
            except ValidationError as error:
                put_errors_on_form(form, error)
            except DomainError as error:
                form.add_error(None, error.message)
                return _render_member_form(request, member.visit, form, member=member, status=409)
            else:
                messages.success(request, _("%(name)s was updated.") % {"name": saved.name})
                return redirect(_members_url(member.visit))
        return _render_member_form(request, member.visit, form, member=member, status=400)


class MemberRemoveView(VisitPagesMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        member = _managed_member(request, pk)
        services.member_remove(member=member, actor=request.user)
        messages.success(
            request,
            _("%(name)s was taken off the delegation (the record is kept).")
            % {"name": member.name},
        )
        return redirect(_members_url(member.visit))
