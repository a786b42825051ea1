"""The NIH technical team's pages: who is on it, its terms of reference, members joining and
leaving (the NIH lead manages it; other internal people read it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from portal.exceptions import DomainError
from portal.models import Role, User
from portal.pages import put_errors_on_form
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, selectors, services
from ..forms.programme import TeamMemberAddForm, TeamMemberEndForm, TeamUpdateForm
from ..models import Programme, TeamMembership, TechnicalTeam
from .base import (
    CONFLICT,
    ManagerPageMixin,
    PageMixin,
    conflict_context,
    programme_crumbs,
    render_page,
    save_edit,
)


def _team_or_none(user: Any) -> TechnicalTeam | None:
    return (
        TechnicalTeam.objects.filter(programme__in=Programme.objects.visible_to(user))
        .select_related("programme")
        .order_by("pk")
        .first()
    )


def _team_or_404(user: Any) -> TechnicalTeam:
    team = _team_or_none(user)
    if team is None:
        raise Http404
    return team


def _team_candidates(team: TechnicalTeam) -> QuerySet[User]:
    """NIH people who are not on the team now (nor booked to stay on it)."""
    today = timezone.localdate()
    on_team = team.memberships.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    return (
        User.objects.filter(
            is_active=True, groups__name__in=[Role.NIH_LEAD.value, Role.NIH_EXPERT.value]
        )
        .exclude(pk__in=on_team.values("user_id"))
        .distinct()
        .order_by("full_name", "username")
    )


def _team_page(request: AuthenticatedHttpRequest, *, status: int = 200) -> HttpResponse:
    team = _team_or_none(request.user)
    context: dict[str, Any] = {
        "team": team,
        "breadcrumbs": programme_crumbs((_("Technical team"), None)),
        "can_manage": policies.can_manage_team(request.user),
    }
    if team is not None:
        context.update(selectors.team_overview(team=team))
        if context["can_manage"]:
            candidates = _team_candidates(team)
            context["add_form"] = TeamMemberAddForm(candidates=candidates)
            context["has_candidates"] = candidates.exists()
    return render_page(request, "collaboration/team_detail.html", context, status)


class TeamDetailView(PageMixin, View):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return _team_page(request)


class _TeamManagerMixin(ManagerPageMixin):
    """Only the NIH lead manages the team; everyone else who may see it gets 403."""

    manage_policy = staticmethod(policies.can_manage_team)


class TeamUpdateView(_TeamManagerMixin, View):
    template_name = "collaboration/team_form.html"

    def _page(self, request: AuthenticatedHttpRequest, team: TechnicalTeam, form: TeamUpdateForm,
              status: int = 200, *, stale: bool = False) -> HttpResponse:  # fmt: skip
        context = {
            **conflict_context(stale=stale, saved_url=reverse("collaboration:team-detail")),
            "team": team,
            "form": form,
            "breadcrumbs": programme_crumbs(
                (_("Technical team"), reverse("collaboration:team-detail")),
                (_("Edit name and terms of reference"), None),
            ),
        }
        return render_page(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        team = _team_or_404(request.user)
        form = TeamUpdateForm(
            initial={
                "name": team.name,
                "terms_of_reference": team.terms_of_reference,
                "version": team.version,
            }
        )
        return self._page(request, team, form)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        team = _team_or_404(request.user)
        form = TeamUpdateForm(request.POST)
        if not form.is_valid():
            return self._page(request, team, form, status=400)
        data = form.cleaned_data
        refused = save_edit(
            request,
            team,
            form,
            save=lambda: services.team_update(
                team=team,
                actor=request.user,
                expected_version=data["version"],
                name=data["name"],
                terms_of_reference=data["terms_of_reference"],
            ),
            page=self._page,
            remake=TeamUpdateForm,
        )
        if refused is not None:
            return refused
        messages.success(request, _("The team's name and terms of reference were saved."))
        return redirect("collaboration:team-detail")


class TeamMemberAddView(_TeamManagerMixin, View):
    template_name = "collaboration/team_member_form.html"

    def _page(self, request: AuthenticatedHttpRequest, team: TechnicalTeam, form: TeamMemberAddForm,
              status: int = 200) -> HttpResponse:  # fmt: skip
        context = {
            "team": team,
            "form": form,
            "breadcrumbs": programme_crumbs(
                (_("Technical team"), reverse("collaboration:team-detail")),
                (_("Add a member"), None),
            ),
        }
        return render_page(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        team = _team_or_404(request.user)
        return self._page(request, team, TeamMemberAddForm(candidates=_team_candidates(team)))

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        team = _team_or_404(request.user)
        form = TeamMemberAddForm(request.POST, candidates=_team_candidates(team))
        if form.is_valid():
            try:
                membership = services.team_member_add(
                    team=team, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                put_errors_on_form(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return self._page(request, team, form, status=CONFLICT)
            else:
                messages.success(
                    request,
                    _("%(name)s joined the team as %(role)s.")
                    % {"name": membership.user, "role": membership.get_role_display().lower()},
                )
                return redirect("collaboration:team-detail")
        return self._page(request, team, form, status=400)


class TeamMemberEndView(_TeamManagerMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        membership = get_object_or_404(
            TeamMembership.objects.filter(
                team__programme__in=Programme.objects.visible_to(request.user)
            ).select_related("user"),
            pk=pk,
        )
        form = TeamMemberEndForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the last day as a date, or leave it empty."))
            return _team_page(request, status=400)
        try:
            services.team_member_end(
                membership=membership,
                actor=request.user,
                ended_on=form.cleaned_data["ended_on"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _team_page(request, status=400)
        except DomainError as error:
            domain_error_message(request, error)
            return _team_page(request, status=CONFLICT)
        messages.success(
            request, _("%(name)s's membership of the team ended.") % {"name": membership.user}
        )
        return redirect("collaboration:team-detail")
