"""Who may ask for, see and download programme reports: one rule, one function.

The decision (issue 6): reports summarise internal programme status, so
* in the pages, ministry staff, ministry approvers, administrators and the NIH lead may ask
  for reports (the lead steers the technical work the report describes);
* through the API, API clients may also ask for and download them, since they already read
  programme status there; they have no report pages;
* NIH experts and BGI's liaison never see internal reports, in pages or the API.
Ministry staff and administrators see every report (who asked, when, for what); the NIH lead and
API clients see the reports they asked for and the scheduled weekly ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal import policies as roles

if TYPE_CHECKING:
    from portal.policies import Viewer

    from .models import Report


def can_request_report(user: Viewer, *, through_api: bool = False) -> bool:
    """Whether the user may ask for reports (and use the reports page or API at all)."""
    if roles.is_ministry(user) or roles.is_administrator(user) or roles.is_nih_lead(user):
        return True
    return through_api and roles.is_api_client(user)


def sees_all_reports(user: Viewer) -> bool:
    """Ministry staff and administrators see everyone's reports, not only their own."""
    return roles.is_ministry(user) or roles.is_administrator(user)


def can_view_report(user: Viewer, report: Report, *, through_api: bool = False) -> bool:
    """Whether the user may see this report's status and download its file."""
    if not can_request_report(user, through_api=through_api):
        return False
    if sees_all_reports(user):
        return True
    return report.is_scheduled or (
        user is not None
        and report.requested_by_id is not None
        and report.requested_by_id == user.pk
    )


def receives_weekly_report(user: Viewer) -> bool:
    """Ministry staff (and approvers) receive the weekly programme status report by e-mail."""
    return roles.is_ministry(user)
