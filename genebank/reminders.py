"""The gene bank feeds the reminder engine: approvals and agreements that expire, and the
plan's milestones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.reminders import DueItem, ReminderKind, object_key, register

from .models import Agreement, Approval, Milestone

# An expired approval or agreement stays on the dashboards this long after it lapses.
LAPSED_SHOWN_DAYS = 30
EXPIRY_OFFSETS = (90, 60, 30, 14, 7, 0)


def _since(until: dt.date) -> dt.date:
    # `until` is today plus the kind's horizon; keep lapsed ones a while, not forever.
    return until - dt.timedelta(days=max(EXPIRY_OFFSETS) + LAPSED_SHOWN_DAYS)


def expiring_approvals(until: dt.date) -> Iterator[DueItem]:
    """Active approvals whose validity ends by `until`; their owner is reminded."""
    approvals = (
        Approval.objects.active()
        .filter(valid_to__lte=until, valid_to__gte=_since(until))
        .select_related("owner")
        .order_by("valid_to", "pk")
    )
    for approval in approvals:
        yield DueItem(
            object_key=object_key(approval),
            title=str(_("%(approval)s expires") % {"approval": approval}),
            due_on=approval.valid_to,
            recipients=[approval.owner] if approval.owner is not None else [],
            url=reverse("genebank:agreement-list") + f"#approval-{approval.pk}",
        )


def expiring_agreements(until: dt.date) -> Iterator[DueItem]:
    """Active agreements whose validity ends by `until` (shown on dashboards and timeline)."""
    agreements = (
        Agreement.objects.active()
        .filter(valid_to__lte=until, valid_to__gte=_since(until))
        .order_by("valid_to", "pk")
    )
    for agreement in agreements:
        yield DueItem(
            object_key=object_key(agreement),
            title=str(_("%(agreement)s expires") % {"agreement": agreement.reference}),
            due_on=agreement.valid_to,
            recipients=[],
            url=agreement.get_absolute_url(),
        )


def due_milestones(until: dt.date) -> Iterator[DueItem]:
    """Open milestones of the plan due by `until`; their owner is reminded."""
    for milestone in Milestone.objects.open().filter(due_on__lte=until).select_related("owner"):
        yield DueItem(
            object_key=object_key(milestone),
            title=milestone.title,
            due_on=milestone.due_on,
            recipients=[milestone.owner] if milestone.owner is not None else [],
            url=reverse("genebank:plan") + f"#milestone-{milestone.pk}",
        )


register(
    ReminderKind(
        code="genebank_approval_expiring",
        label=_("Gene bank approvals expiring"),
        description=_("Ethics approvals and export permits you hold, before they lapse."),
        find=expiring_approvals,
        visible=lambda viewer: Approval.objects.visible_to(viewer),
        offsets_days=EXPIRY_OFFSETS,
        overdue_every_days=0,
        escalate_after_days=None,
    )
)
register(
    ReminderKind(
        code="genebank_agreement_expiring",
        label=_("Transfer agreements expiring"),
        description=_("Material and data transfer agreements with BGI, before they lapse."),
        find=expiring_agreements,
        visible=lambda viewer: Agreement.objects.visible_to(viewer),
        offsets_days=EXPIRY_OFFSETS,
        overdue_every_days=0,
        escalate_after_days=None,
    )
)
register(
    ReminderKind(
        code="genebank_milestone_due",
        label=_("Gene bank milestones"),
        description=_("Milestones of the gene bank plan you own."),
        find=due_milestones,
        visible=lambda viewer: Milestone.objects.visible_to(viewer),
    )
)
