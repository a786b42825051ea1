"""The navigation: one table of entries, each shown only to the roles whose predicate allows it.

Domain apps add their entries here as their pages land; templates only render the list.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import policies


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    visible: Callable[[Any], bool]
    section: str = "main"


def _everyone(user: Any) -> bool:
    return bool(user.is_authenticated)


def _internal_or_bgi(user: Any) -> bool:
    return policies.is_internal(user) or policies.is_bgi_liaison(user)


def _may_request_reports(user: Any) -> bool:
    from reports.policies import can_request_report

    return can_request_report(user)


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Home"), "home", _everyone),
    NavItem(_("My work"), "collaboration:my-work", policies.is_internal),
    NavItem(_("Priority areas"), "collaboration:priority-area-list", policies.is_internal),
    NavItem(_("Recommendations"), "collaboration:recommendation-list", policies.is_internal),
    NavItem(_("Technical team"), "collaboration:team-detail", policies.is_internal),
    NavItem(_("Visits to BGI"), "delegations:visit-list", _internal_or_bgi),
    NavItem(_("MoU"), "mou:mou-list", _internal_or_bgi),
    NavItem(_("Gene bank"), "genebank:plan", policies.is_internal),
    NavItem(_("Transfers to BGI"), "genebank:transfer-list", policies.is_bgi_liaison),
    NavItem(_("Meetings"), "collaboration:meeting-list", policies.is_internal),
    NavItem(_("Action items"), "collaboration:action-item-list", policies.is_internal),
    NavItem(_("Timeline"), "overview:timeline", _internal_or_bgi),
    NavItem(_("Reports"), "reports:report-list", _may_request_reports),
    NavItem(_("API docs"), "api-docs", policies.can_read_programme_status),
    NavItem(_("API guide"), "overview:api-guide", policies.can_read_programme_status),
    NavItem(_("Users & roles"), "admin:portal_user_changelist", policies.is_administrator),
    NavItem(
        _("Schedules"),
        "admin:django_celery_beat_periodictask_changelist",
        policies.is_administrator,
    ),
]


def nav_for(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    """The entries this user may use, with their URLs and whether each is the current page."""
    entries = []
    for item in NAV_ITEMS:
        if not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        is_current = current_path == url if url == "/" else current_path.startswith(url)
        entries.append({"label": item.label, "url": url, "current": is_current})
    return entries
