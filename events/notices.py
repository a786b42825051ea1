"""The notices people choose for on the preferences page, one per family of event types."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .registry import Notice

RECOMMENDATIONS = "event_recommendation"
PRIORITY_AREAS = "event_priority_area"
ACTION_ITEMS = "event_action_item"
VISITS = "event_visit"
MOUS = "event_mou"
AWAITING = "event_awaiting_you"
REPORTS = "event_report"

NOTICES = [
    Notice(
        RECOMMENDATIONS,
        _("Recommendations: steps and comments"),
        _("A recommendation you wrote, review, decide on or follow moves, or is commented on."),
    ),
    Notice(PRIORITY_AREAS, _("Priority areas: status changes"), _("A priority area is activated, paused, resumed or completed.")),
    Notice(ACTION_ITEMS, _("Action items: status changes"), _("An action item you own or created moves.")),
    Notice(
        VISITS,
        _("Visits: steps and readiness"),
        _("A visit you run, travel on or follow moves, or a member's readiness blocks departure."),
    ),
    Notice(
        MOUS,
        _("MoUs: steps, versions and comments"),
        _("An MoU moves, a version is shared with BGI, or a clause is commented on."),
    ),
    Notice(
        AWAITING,
        _("Waiting for you: clearances and signatures"),
        _("A clearance or a signature is now awaited from you."),
    ),
    Notice(REPORTS, _("Reports you asked for"), _("A report you requested is ready, or failed.")),
]  # fmt: skip
