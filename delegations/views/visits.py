"""Visit pages: the list, the overview with its workflow steps, objectives and sharing, create
and edit, BGI's invitation (upload and permission-checked download), members and their travel
readiness, the logistics checklist and the budget.

Views stay thin: reads go through selectors and `visible_to`, permission through policies,
every write through a service. Pages are for people inside government and for BGI's liaison;
the liaison sees only visits shared with BGI, and on them only the overview (without anything
internal) and the itinerary. Everyone else, and every internal page asked for by the liaison,
is answered 404, as for a record that does not exist.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from collaboration.models import Programme
from portal import policies as roles
from portal.exceptions import DomainError, StaleVersion
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, selectors, services
from ..forms.visits import (
    BudgetLineForm,
    InvitationForm,
    LogisticsDoneForm,
    LogisticsTaskForm,
    MemberForm,
    ObjectiveForm,
    VisitFilter,
    VisitForm,
    VisitShareForm,
    VisitTransitionForm,
    member_initial,
    visit_initial,
)
from ..models import BudgetLine, DelegationMember, LogisticsTask, Visit, VisitTransition
from ..workflows import TRANSITIONS_WITH_DATA, VISIT_FLOW

STATUS_LABELS = dict(Visit.Status.choices)
FROZEN_STATUSES = (Visit.Status.CLOSED, Visit.Status.CANCELLED)
TRANSITION_BUTTONS = {
    "postpone": "btn-outline-secondary",
    "cancel": "btn-outline-danger",
}
# The member's date behind each readiness check, shown beside the check's state.
CHECK_DATES = {
    "passport": "passport_expires_on",
    "visa_applied": "visa_applied_on",
    "visa_issued": "visa_issued_on",
    "travel_approval": "travel_approval_on",
    "tickets": "tickets_issued_on",
    "insurance": "insurance_on",
}
STALE_MESSAGE = gettext_lazy(
    "Someone else changed this visit since you opened it. This is how it stands now: "
    "check it and try again."
)


# Shared helpers -------------------------------------------------------------------------------


class VisitAudienceMixin:
    """People inside government and BGI's liaison; anyone else gets 404."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (roles.is_internal(request.user) or roles.is_bgi_liaison(request.user)):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def _visible_visit(request: HttpRequest, pk: int, queryset: QuerySet[Visit] | None = None) -> Visit:
    if queryset is None:
        queryset = selectors.visit_list(viewer=request.user)
    visit: Visit = get_object_or_404(queryset, pk=pk)
    return visit


def _internal_visit(
    request: HttpRequest, pk: int, queryset: QuerySet[Visit] | None = None
) -> Visit:
    """A visit whose internal pages the viewer may see; 404 for anyone else (BGI's liaison)."""
    visit = _visible_visit(request, pk, queryset)
    if not policies.can_view_visit_internals(request.user, visit):
        raise Http404
    return visit


def _require_manage(user: Any, visit: Visit) -> None:
    if not policies.can_manage_visit(user, visit):
        raise PermissionDenied


def _crumbs(*items: tuple[str, str | None]) -> list[dict[str, Any]]:
    return [{"label": label, "url": url} for label, url in items]


def _list_crumbs() -> list[tuple[str, str | None]]:
    return [(_("Home"), reverse("home")), (_("Visits to BGI"), reverse("delegations:visit-list"))]


def _visit_crumbs(visit: Visit, *tail: tuple[str, str | None]) -> list[dict[str, Any]]:
    """Home › Visits to BGI › the visit › the tab (› a page of the tab)."""
    title_url = visit.get_absolute_url() if tail else None
    return _crumbs(*_list_crumbs(), (visit.title, title_url), *tail)


def _page(
    request: HttpRequest, visit: Visit, active_tab: str, *tail: tuple[str, str | None]
) -> dict[str, Any]:
    """What every tab of a visit needs: the visit, the tab bar and the breadcrumbs."""
    return {
        "visit": visit,
        "active_tab": active_tab,
        "show_internal": policies.can_view_visit_internals(request.user, visit),
        "breadcrumbs": _visit_crumbs(visit, *tail),
    }


def _tab_crumb(label: str, url_name: str, visit: Visit) -> tuple[str, str]:
    return (label, reverse(url_name, args=[visit.pk]))


def _add_service_errors(form: Any, error: ValidationError, aliases: dict[str, str] | None = None):
    """Put a service's field errors on the form's fields (renamed by `aliases`)."""
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            field = aliases.get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _active_members() -> Prefetch:
    return Prefetch(
        "members",
        queryset=DelegationMember.objects.filter(is_active=True).select_related("user"),
        to_attr="active_members",
    )


# The list -------------------------------------------------------------------------------------


class VisitListView(VisitAudienceMixin, ListView):
    template_name = "delegations/visit_list.html"
    context_object_name = "visits"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[Visit]:
        user = self.request.user
        self.show_internal = policies.can_view_visit_internals(user)
        queryset = selectors.visit_list(viewer=user).order_by(
            F("starts_on").desc(nulls_last=True), "-pk"
        )
        if self.show_internal:
            # Readiness is computed from these prefetched members: no query per row.
            queryset = queryset.prefetch_related(_active_members())
        self.filterset = VisitFilter(self.request.GET, queryset=queryset)
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            {
                "visit": visit,
                "readiness": selectors.visit_readiness(visit, visit.active_members)
                if self.show_internal
                else None,
            }
            for visit in context["visits"]
        ]
        context["show_internal"] = self.show_internal
        context["filter_form"] = self.filterset.form
        context["is_filtered"] = any(
            self.request.GET.get(name) for name in ("status", "date_from", "date_to")
        )
        context["can_create"] = policies.can_manage_visit(self.request.user)
        context["breadcrumbs"] = _crumbs((_("Home"), reverse("home")), (_("Visits to BGI"), None))
        return context


# The overview ---------------------------------------------------------------------------------


def _timeline(visit: Visit) -> list[dict[str, Any]]:
    return [
        {
            "actor": step.actor,
            "at": step.created_at,
            "step": VISIT_FLOW.transitions[step.transition].display
            if step.transition in VISIT_FLOW.transitions
            else step.transition,
            "from_label": STATUS_LABELS.get(step.from_status, step.from_status),
            "to_label": STATUS_LABELS.get(step.to_status, step.to_status),
            "comment": step.comment,
        }
        for step in visit.timeline_steps  # type: ignore[attr-defined]
    ]


def _transition_items(
    visit: Visit, user: Any, errors: dict[str, list[str]] | None = None
) -> list[dict[str, Any]]:
    """The plain steps open to the user; steps that carry data have their own forms."""
    errors = errors or {}
    return [
        {
            "name": step.name,
            "display": step.display,
            "comment_required": step.comment_required,
            "needs_reference": step.name == "approve",
            "button_class": TRANSITION_BUTTONS.get(step.name, "btn-primary"),
            "errors": errors.get(step.name, []),
        }
        for step in VISIT_FLOW.available(visit, user)
        if step.name not in TRANSITIONS_WITH_DATA
    ]


def _objective_rows(visit: Visit, internal: bool) -> list[dict[str, Any]]:
    rows = []
    for objective in visit.objectives.all():
        if objective.archived_at is not None:
            continue
        row: dict[str, Any] = {"text": objective.text, "area": objective.priority_area.name}
        if internal:
            # Priority-area and recommendation pages are internal: BGI gets the names only.
            row["area_url"] = objective.priority_area.get_absolute_url()
            row["recommendation"] = objective.recommendation
        rows.append(row)
    return rows


def _render_detail(
    request: HttpRequest,
    pk: int,
    *,
    status: int = 200,
    objective_form: ObjectiveForm | None = None,
    transition_errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    user = request.user
    internal = policies.can_view_visit_internals(user)
    queryset = selectors.visit_detail_queryset(viewer=user)
    if internal:
        queryset = queryset.prefetch_related(
            Prefetch(
                "transitions",
                queryset=VisitTransition.objects.select_related("actor").order_by(
                    "created_at", "pk"
                ),
                to_attr="timeline_steps",
            )
        )
    visit = _visible_visit(request, pk, queryset)
    context = _page(request, visit, "overview")
    context["objectives"] = _objective_rows(visit, internal)
    if internal:
        can_manage = policies.can_manage_visit(user, visit)
        available = {step.name for step in VISIT_FLOW.available(visit, user)}
        context.update(
            {
                "readiness": selectors.visit_readiness(visit, list(visit.members.all())),
                "timeline": _timeline(visit),
                "transitions": _transition_items(visit, user, transition_errors),
                "transition_url": reverse("delegations:visit-transition", args=[visit.pk]),
                "can_record_invitation": "record_invitation" in available,
                "can_submit_report": "submit_report" in available,
                "can_manage": can_manage,
                "can_edit": can_manage and visit.status not in FROZEN_STATUSES,
                "has_invitation": bool(visit.invitation_letter),
                "objective_form": objective_form
                or (ObjectiveForm(viewer=user) if can_manage else None),
            }
        )
    return render(request, "delegations/visit_detail.html", context, status=status)


class VisitDetailView(VisitAudienceMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _render_detail(request, pk)


class VisitTransitionView(VisitAudienceMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = _internal_visit(request, pk)
        form = VisitTransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The step could not be read. Reload the page and try again."))
            return _render_detail(request, pk, status=400)
        data = form.cleaned_data
        name = data["transition"]
        step = VISIT_FLOW.transitions.get(name)
        if step is not None and not step.allowed(request.user, visit):
            raise PermissionDenied
        try:
            moved = services.visit_transition(
                visit=visit,
                name=name,
                actor=request.user,
                comment=data["comment"].strip(),
                expected_version=data["version"],
                travel_approval_reference=data["travel_approval_reference"],
            )
        except StaleVersion:
            messages.error(request, STALE_MESSAGE)
            return _render_detail(request, pk, status=409)
        except ValidationError as error:
            errors = error.messages
            messages.error(request, " ".join(errors))
            return _render_detail(request, pk, status=400, transition_errors={name: errors})
        except DomainError as error:
            domain_error_message(request, error)
            return _render_detail(request, pk, status=409)
        messages.success(
            request,
            _("“%(title)s” is now: %(status)s.")
            % {"title": moved.title, "status": moved.get_status_display()},
        )
        return redirect(moved)


class VisitShareView(VisitAudienceMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = _internal_visit(request, pk)
        _require_manage(request.user, visit)
        form = VisitShareForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose whether to share the visit with BGI."))
            return _render_detail(request, pk, status=400)
        shared = form.cleaned_data["shared"]
        services.visit_share_with_bgi(visit=visit, actor=request.user, shared=shared)
        if shared:
            message = _(
                "The visit is now shared with BGI: their liaison sees its title, dates, "
                "purpose, objectives and itinerary."
            )
        else:
            message = _("The visit is no longer shared with BGI.")
        messages.success(request, message)
        return redirect(visit)


class ObjectiveCreateView(VisitAudienceMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = _internal_visit(request, pk)
        _require_manage(request.user, visit)
        form = ObjectiveForm(request.POST, viewer=request.user)
        if form.is_valid():
            try:
                services.objective_add(
                    visit=visit,
                    actor=request.user,
                    priority_area=form.cleaned_data["priority_area"],
                    recommendation=form.cleaned_data["recommendation"],
                    text=form.cleaned_data["text"],
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("The objective was added."))
                return redirect(visit.get_absolute_url() + "#objectives")
        return _render_detail(request, pk, status=400, objective_form=form)


# Create and edit ------------------------------------------------------------------------------


def _field_text(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name == "responsible_officer":
        return str(value.display_name)
    return str(value)


class VisitCreateView(VisitAudienceMixin, View):
    template_name = "delegations/visit_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if roles.is_bgi_liaison(request.user) or (
            roles.is_internal(request.user) and not policies.can_manage_visit(request.user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request: HttpRequest, form: VisitForm, status: int = 200) -> HttpResponse:
        context = {
            "form": form,
            "is_new": True,
            "breadcrumbs": _crumbs(*_list_crumbs(), (_("New visit"), None)),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return self._render(request, VisitForm(submit_label=_("Propose visit")))

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = VisitForm(request.POST, submit_label=_("Propose visit"))
        if form.is_valid():
            programme = Programme.objects.visible_to(request.user).order_by("pk").first()
            if programme is None:
                form.add_error(None, _("The programme has not been set up yet."))
                return self._render(request, form, status=409)
            try:
                visit = services.visit_create(
                    programme=programme, actor=request.user, data=form.to_data()
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Visit “%(title)s” proposed.") % {"title": visit.title})
                return redirect(visit)
        return self._render(request, form, status=400)


class VisitUpdateView(VisitAudienceMixin, View):
    template_name = "delegations/visit_form.html"

    def _get(self, request: HttpRequest, pk: int) -> Visit:
        visit = _internal_visit(request, pk)
        _require_manage(request.user, visit)
        return visit

    def _render(
        self,
        request: HttpRequest,
        visit: Visit,
        form: VisitForm,
        status: int = 200,
        changes: list[dict[str, str]] | None = None,
    ) -> HttpResponse:
        context = {
            **_page(request, visit, "overview", (_("Edit"), None)),
            "form": form,
            "is_new": False,
            "conflict": changes is not None,
            "changes": changes or [],
        }
        return render(request, self.template_name, context, status=status)

    def _render_conflict(self, request: HttpRequest, pk: int, form: VisitForm) -> HttpResponse:
        current = self._get(request, pk)
        saved = visit_initial(current)
        saved["responsible_officer"] = current.responsible_officer
        changes = [
            {
                "label": str(field.label),
                "saved": _field_text(name, saved[name]),
                "yours": _field_text(name, form.cleaned_data.get(name)),
            }
            for name, field in form.fields.items()
            if name != "version" and saved[name] != form.cleaned_data.get(name)
        ]
        data = request.POST.copy()
        data["version"] = str(current.version)
        retry = VisitForm(
            data,
            initial=visit_initial(current),
            with_version=True,
            submit_label=_("Save my version"),
        )
        retry.is_valid()
        return self._render(request, current, retry, status=409, changes=changes)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = self._get(request, pk)
        if visit.status in FROZEN_STATUSES:
            messages.error(request, _("A closed or cancelled visit cannot change."))
            return redirect(visit)
        form = VisitForm(
            initial=visit_initial(visit), with_version=True, submit_label=_("Save changes")
        )
        return self._render(request, visit, form)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = self._get(request, pk)
        form = VisitForm(
            request.POST,
            initial=visit_initial(visit),
            with_version=True,
            submit_label=_("Save changes"),
        )
        if not form.is_valid():
            return self._render(request, visit, form, status=400)
        try:
            saved = services.visit_update(
                visit=visit,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                data=form.to_data(),
            )
        except StaleVersion:
            messages.error(
                request,
                _(
                    "Someone else changed this visit since you opened it, so your changes "
                    "were not saved. Compare them below, then save again or leave."
                ),
            )
            return self._render_conflict(request, pk, form)
        except ValidationError as error:
            _add_service_errors(form, error)
            return self._render(request, visit, form, status=400)
        except DomainError as error:
            domain_error_message(request, error)
            return self._render(request, visit, form, status=409)
        messages.success(
            request, _("Your changes to “%(title)s” were saved.") % {"title": saved.title}
        )
        return redirect(saved)


# BGI's invitation -----------------------------------------------------------------------------


def _max_upload_mb() -> int:
    return max(1, settings.MAX_UPLOAD_BYTES // (1024 * 1024))


class VisitInvitationView(VisitAudienceMixin, View):
    template_name = "delegations/visit_invitation.html"

    def _get(self, request: HttpRequest, pk: int) -> Visit:
        visit = _internal_visit(request, pk)
        _require_manage(request.user, visit)
        return visit

    def _can_record(self, request: HttpRequest, visit: Visit) -> bool:
        return any(
            step.name == "record_invitation" for step in VISIT_FLOW.available(visit, request.user)
        )

    def _render(
        self, request: HttpRequest, visit: Visit, form: InvitationForm | None, status: int = 200
    ) -> HttpResponse:
        context = {
            **_page(request, visit, "overview", (_("Record BGI's invitation"), None)),
            "form": form,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = self._get(request, pk)
        if not self._can_record(request, visit):
            return self._render(request, visit, None)
        form = InvitationForm(
            initial={"version": visit.version, "received_on": timezone.localdate()},
            max_mb=_max_upload_mb(),
        )
        return self._render(request, visit, form)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = self._get(request, pk)
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
                _add_service_errors(form, error, aliases={"invitation_letter": "letter"})
            except StaleVersion:
                messages.error(request, STALE_MESSAGE)
                return self._render(request, visit, form, status=409)
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


class VisitInvitationDownloadView(View):
    """The invitation letter, to people inside government only (everyone else: 404)."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
        visit = _visible_visit(request, pk)
        if (
            not policies.can_view_visit_internals(request.user, visit)
            or not visit.invitation_letter
        ):
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


# Members and readiness ------------------------------------------------------------------------


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
                        "detail": check.detail,
                        "on": getattr(member, CHECK_DATES[check.key], None),
                    }
                    for check in row.checks
                ],
            }
        )
    return rows


class VisitMembersView(VisitAudienceMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        queryset = selectors.visit_list(viewer=request.user).prefetch_related(_active_members())
        visit = _internal_visit(request, pk, queryset)
        readiness = selectors.visit_readiness(visit, visit.active_members)  # type: ignore[attr-defined]
        context = _page(request, visit, "members", (_("Members & readiness"), None))
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


def _visible_member(request: HttpRequest, pk: int) -> DelegationMember:
    member: DelegationMember = get_object_or_404(
        DelegationMember.objects.filter(
            is_active=True, visit__in=Visit.objects.visible_to(request.user)
        ).select_related("visit", "user"),
        pk=pk,
    )
    if not policies.can_view_visit_internals(request.user, member.visit):
        raise Http404
    _require_manage(request.user, member.visit)
    return member


def _render_member_form(
    request: HttpRequest,
    visit: Visit,
    form: MemberForm,
    *,
    member: DelegationMember | None = None,
    status: int = 200,
) -> HttpResponse:
    label = _("Edit %(name)s") % {"name": member.name} if member is not None else _("Add a member")
    context = {
        **_page(
            request,
            visit,
            "members",
            _tab_crumb(_("Members & readiness"), "delegations:visit-members", visit),
            (label, None),
        ),
        "form": form,
        "member": member,
        "heading": label,
    }
    return render(request, "delegations/member_form.html", context, status=status)


def _members_url(visit: Visit) -> str:
    return reverse("delegations:visit-members", args=[visit.pk])


class MemberCreateView(VisitAudienceMixin, View):
    def _get(self, request: HttpRequest, pk: int) -> Visit:
        visit = _internal_visit(request, pk)
        _require_manage(request.user, visit)
        return visit

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = self._get(request, pk)
        return _render_member_form(request, visit, MemberForm(submit_label=_("Add member")))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = self._get(request, pk)
        form = MemberForm(request.POST, submit_label=_("Add member"))
        if form.is_valid():
            try:
                member = services.member_add(visit=visit, actor=request.user, data=form.to_data())
            except ValidationError as error:
                _add_service_errors(form, error)
            except DomainError as error:
                form.add_error(None, error.message)
                return _render_member_form(request, visit, form, status=409)
            else:
                messages.success(
                    request, _("%(name)s was added to the delegation.") % {"name": member.name}
                )
                return redirect(_members_url(visit))
        return _render_member_form(request, visit, form, status=400)


class MemberUpdateView(VisitAudienceMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        member = _visible_member(request, pk)
        form = MemberForm(initial=member_initial(member), submit_label=_("Save changes"))
        return _render_member_form(request, member.visit, form, member=member)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        member = _visible_member(request, pk)
        form = MemberForm(
            request.POST, initial=member_initial(member), submit_label=_("Save changes")
        )
        if form.is_valid():
            try:
                saved = services.member_update(
                    member=member, actor=request.user, data=form.to_data()
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            except DomainError as error:
                form.add_error(None, error.message)
                return _render_member_form(request, member.visit, form, member=member, status=409)
            else:
                messages.success(request, _("%(name)s was updated.") % {"name": saved.name})
                return redirect(_members_url(member.visit))
        return _render_member_form(request, member.visit, form, member=member, status=400)


class MemberRemoveView(VisitAudienceMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        member = _visible_member(request, pk)
        services.member_remove(member=member, actor=request.user)
        messages.success(
            request,
            _("%(name)s was taken off the delegation (the record is kept).")
            % {"name": member.name},
        )
        return redirect(_members_url(member.visit))


# Logistics ------------------------------------------------------------------------------------


class VisitLogisticsView(VisitAudienceMixin, View):
    template_name = "delegations/visit_logistics.html"

    def _render(
        self, request: HttpRequest, visit: Visit, form: LogisticsTaskForm | None, status: int = 200
    ) -> HttpResponse:
        today = timezone.localdate()
        tasks = list(
            LogisticsTask.objects.filter(visit=visit)
            .select_related("owner")
            .order_by(F("due_on").asc(nulls_last=True), "pk")
        )
        can_manage = policies.can_manage_visit(request.user, visit)
        context = _page(request, visit, "logistics", (_("Logistics"), None))
        context.update(
            {
                "tasks": [
                    {
                        "task": task,
                        "is_done": task.is_done,
                        "is_overdue": not task.is_done
                        and task.due_on is not None
                        and task.due_on < today,
                    }
                    for task in tasks
                ],
                "done_count": sum(1 for task in tasks if task.is_done),
                "can_manage": can_manage,
                "form": form or (LogisticsTaskForm() if can_manage else None),
            }
        )
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return self._render(request, _internal_visit(request, pk), None)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = _internal_visit(request, pk)
        _require_manage(request.user, visit)
        form = LogisticsTaskForm(request.POST)
        if form.is_valid():
            try:
                task = services.logistics_task_add(
                    visit=visit,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    owner=form.cleaned_data["owner"],
                    due_on=form.cleaned_data["due_on"],
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Task “%(title)s” added.") % {"title": task.title})
                return redirect(reverse("delegations:visit-logistics", args=[visit.pk]))
        return self._render(request, visit, form, status=400)


class LogisticsTaskDoneView(VisitAudienceMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        task = get_object_or_404(
            LogisticsTask.objects.filter(visit__in=Visit.objects.visible_to(request.user)),
            pk=pk,
        )
        visit = _internal_visit(request, task.visit_id)
        _require_manage(request.user, visit)
        form = LogisticsDoneForm(request.POST)
        url = reverse("delegations:visit-logistics", args=[visit.pk])
        if not form.is_valid():
            messages.error(request, _("Say whether the task is done."))
            return redirect(url)
        done = form.cleaned_data["done"]
        services.logistics_task_set_done(task=task, actor=request.user, done=done)
        if done:
            message = _("“%(title)s” is done.") % {"title": task.title}
        else:
            message = _("“%(title)s” is open again.") % {"title": task.title}
        messages.success(request, message)
        return redirect(f"{url}#task-{task.pk}")


# Budget ---------------------------------------------------------------------------------------


def _budget_groups(lines: list[BudgetLine]) -> list[dict[str, Any]]:
    """Lines grouped by category (in the categories' order), with each group's subtotals."""
    order = [value for value, _label in BudgetLine.Category.choices]
    groups: dict[str, dict[str, Any]] = {}
    for line in sorted(lines, key=lambda item: (order.index(item.category), item.pk)):
        group = groups.setdefault(
            line.category,
            {
                "label": line.get_category_display(),
                "lines": [],
                "estimated": Decimal("0"),
                "actual": Decimal("0"),
            },
        )
        group["lines"].append(line)
        group["estimated"] += line.estimated_pkr
        group["actual"] += line.actual_pkr or Decimal("0")
    return list(groups.values())


class VisitBudgetView(VisitAudienceMixin, View):
    template_name = "delegations/visit_budget.html"

    def _render(
        self, request: HttpRequest, visit: Visit, form: BudgetLineForm | None, status: int = 200
    ) -> HttpResponse:
        lines = list(BudgetLine.objects.filter(visit=visit))
        can_manage = policies.can_manage_visit(request.user, visit)
        totals = selectors.budget_totals(visit)
        context = _page(request, visit, "budget", (_("Budget"), None))
        context.update(
            {
                "groups": _budget_groups(lines),
                "totals": totals,
                "difference": totals["actual"] - totals["estimated"],
                "open_lines": sum(1 for line in lines if line.actual_pkr is None),
                "can_manage": can_manage,
                "form": form or (BudgetLineForm() if can_manage else None),
            }
        )
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return self._render(request, _internal_visit(request, pk), None)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = _internal_visit(request, pk)
        _require_manage(request.user, visit)
        form = BudgetLineForm(request.POST)
        if form.is_valid():
            try:
                services.budget_line_add(visit=visit, actor=request.user, **form.to_kwargs())
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("The budget line was added."))
                return redirect(reverse("delegations:visit-budget", args=[visit.pk]))
        return self._render(request, visit, form, status=400)


class BudgetLineUpdateView(VisitAudienceMixin, View):
    template_name = "delegations/budgetline_form.html"

    def _get(self, request: HttpRequest, pk: int) -> BudgetLine:
        line: BudgetLine = get_object_or_404(
            BudgetLine.objects.filter(visit__in=Visit.objects.visible_to(request.user)),
            pk=pk,
        )
        line.visit = _internal_visit(request, line.visit_id)
        _require_manage(request.user, line.visit)
        return line

    def _render(
        self, request: HttpRequest, line: BudgetLine, form: BudgetLineForm, status: int = 200
    ) -> HttpResponse:
        visit = line.visit
        context = {
            **_page(
                request,
                visit,
                "budget",
                _tab_crumb(_("Budget"), "delegations:visit-budget", visit),
                (_("Edit budget line"), None),
            ),
            "form": form,
            "line": line,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        line = self._get(request, pk)
        form = BudgetLineForm(
            initial={
                "category": line.category,
                "description": line.description,
                "estimated_pkr": line.estimated_pkr,
                "actual_pkr": line.actual_pkr,
            },
            submit_label=_("Save changes"),
        )
        return self._render(request, line, form)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        line = self._get(request, pk)
        form = BudgetLineForm(request.POST, submit_label=_("Save changes"))
        if form.is_valid():
            try:
                services.budget_line_update(line=line, actor=request.user, **form.to_kwargs())
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("The budget line was saved."))
                return redirect(reverse("delegations:visit-budget", args=[line.visit_id]))
        return self._render(request, line, form, status=400)
