"""What every visit page shares: who may open the pages at all, reading a visit (or a record of
one) with the policies asked in one place, the tab bar and the breadcrumbs.

Pages are for people inside government and for BGI's liaison; the liaison sees only visits
shared with BGI, and on them only the overview (without anything internal) and the itinerary.
Everyone else, and every internal page asked for by the liaison, is answered 404, as for a
record that does not exist; a visible page whose action the viewer may not take is 403.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from portal.models import User
from portal.pages import PolicyRequiredMixin, crumbs
from portal.types import AuthenticatedHttpRequest

from .. import policies, selectors
from ..models import DelegationMember, Visit

RecordT = TypeVar("RecordT", bound=Model)
Crumb = tuple[str | Promise, str | None]


class VisitPagesMixin(PolicyRequiredMixin):
    """People inside government and BGI's liaison; anyone else gets 404."""

    policy = staticmethod(policies.can_view_visit_pages)


def check_visit_access(
    user: User, visit: Visit | None, *, internal: bool = False, manage: bool = False
) -> None:
    """The one place the pages ask the visit policies about one visit: its internal pages are
    404 to whoever may not see them (BGI's liaison), managing it is 403 to who may not."""
    if internal and not policies.can_view_visit_internals(user, visit):
        raise Http404
    if manage and not policies.can_manage_visit(user, visit):
        raise PermissionDenied


def get_visit(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    internal: bool = False,
    manage: bool = False,
    queryset: QuerySet[Visit] | None = None,
) -> Visit:
    """The visit, if the viewer may see it (else 404), checked as `check_visit_access` says."""
    if queryset is None:
        queryset = selectors.visit_list(viewer=request.user)
    visit: Visit = get_object_or_404(queryset, pk=pk)
    check_visit_access(request.user, visit, internal=internal, manage=manage)
    return visit


def get_visit_record(
    request: AuthenticatedHttpRequest,
    queryset: QuerySet[RecordT],
    pk: int,
    *,
    via: str = "visit",
    internal: bool = True,
    manage: bool = False,
) -> RecordT:
    """A record of a visit the viewer may see (a member, a task, a budget line, an attachment:
    `via` is the path to its visit), checked as `check_visit_access` says."""
    visible = Visit.objects.visible_to(request.user)
    record: RecordT = get_object_or_404(
        queryset.filter(**{f"{via}__in": visible}).select_related(via), pk=pk
    )
    visit: Visit = attrgetter(via.replace("__", "."))(record)
    check_visit_access(request.user, visit, internal=internal, manage=manage)
    return record


def list_crumbs(*tail: Crumb) -> list[dict[str, Any]]:
    """Home › Visits to BGI › …"""
    return crumbs(
        (_("Home"), reverse("home")),
        (_("Visits to BGI"), reverse("delegations:visit-list")),
        *tail,
    )


def visit_crumbs(visit: Visit, *tail: Crumb) -> list[dict[str, Any]]:
    """Home › Visits to BGI › the visit › the tab (› a page of the tab)."""
    return list_crumbs((visit.title, visit.get_absolute_url()), *tail)


def tab_crumb(label: str, url_name: str, visit: Visit) -> Crumb:
    """A crumb linking to one of the visit's tabs."""
    return (label, reverse(url_name, args=[visit.pk]))


def visit_page(
    request: AuthenticatedHttpRequest, visit: Visit, active_tab: str, *tail: Crumb
) -> dict[str, Any]:
    """What every tab of a visit needs: the visit, the tab bar and the breadcrumbs."""
    return {
        "visit": visit,
        "active_tab": active_tab,
        "show_internal": policies.can_view_visit_internals(request.user, visit),
        "breadcrumbs": visit_crumbs(visit, *tail),
    }


def active_members() -> Prefetch:
    """The visit's active members (with their logins) as `visit.active_members`."""
    return Prefetch(
        "members",
        queryset=DelegationMember.objects.filter(is_active=True).select_related("user"),
        to_attr="active_members",
    )
