"""Composite reads of the gene bank: the status section, a transfer's trace, the register
rows. Each starts from `visible_to(viewer)` and runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Agreement, Approval, Cohort, ConsentVersion, Transfer, Use, labels_of

#: How far ahead the status lists approvals that expire.
EXPIRING_WITHIN_DAYS = 90


@dataclass(frozen=True)
class CohortProgress:
    """A cohort's progress towards its sample target."""

    id: int
    name: str
    priority_area: str
    target_participants: int
    enrolled_participants: int
    target_samples: int
    collected_samples: int
    percent: int


@dataclass(frozen=True)
class TransferStateCount:
    """How many transfers are in one state (every state listed, zeros included)."""

    state: str
    label: str
    count: int


@dataclass(frozen=True)
class ExpiringApproval:
    """An approval whose validity ends within the window."""

    id: int
    kind: str
    kind_label: str
    reference: str
    authority: str
    valid_to: dt.date
    days_left: int


@dataclass(frozen=True)
class GenebankStatus:
    """The gene bank in the programme status: cohorts, transfers by state, approvals expiring
    within `expiring_within_days`."""

    cohorts: tuple[CohortProgress, ...]
    transfers_by_state: tuple[TransferStateCount, ...]
    approvals_expiring: tuple[ExpiringApproval, ...]
    expiring_within_days: int


def genebank_status(*, viewer: Any, today: dt.date) -> GenebankStatus:
    """The gene bank's section of the programme status: three queries whatever the data (once
    the viewer's roles are known)."""
    cohorts = tuple(
        CohortProgress(
            id=c.pk,
            name=c.name,
            priority_area=c.priority_area.name,
            target_participants=c.target_participants,
            enrolled_participants=c.enrolled_participants,
            target_samples=c.target_samples,
            collected_samples=c.collected_samples,
            percent=c.progress_percent,
        )
        for c in Cohort.objects.visible_to(viewer).active().select_related("priority_area")
    )
    counts = dict(
        Transfer.objects.visible_to(viewer)
        .active()
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    by_state = tuple(
        TransferStateCount(state=value, label=str(label), count=counts.get(value, 0))
        for value, label in Transfer.Status.choices
    )
    end = today + dt.timedelta(days=EXPIRING_WITHIN_DAYS)
    expiring = tuple(
        ExpiringApproval(
            id=a.pk,
            kind=a.kind,
            kind_label=a.get_kind_display(),
            reference=a.reference,
            authority=a.authority,
            valid_to=a.valid_to,
            days_left=(a.valid_to - today).days,
        )
        for a in Approval.objects.visible_to(viewer)
        .expiring_between(today, end)
        .order_by("valid_to", "pk")
    )
    return GenebankStatus(
        cohorts=cohorts,
        transfers_by_state=by_state,
        approvals_expiring=expiring,
        expiring_within_days=EXPIRING_WITHIN_DAYS,
    )


# Lists ---------------------------------------------------------------------------------------


def cohort_list(*, viewer: Any) -> QuerySet[Cohort]:
    """Active cohorts the viewer may see, with their area and consent versions."""
    return (
        Cohort.objects.visible_to(viewer)
        .active()
        .select_related("priority_area")
        .prefetch_related("consent_versions", "indicators")
    )


def agreement_list(*, viewer: Any) -> QuerySet[Agreement]:
    """Active agreements the viewer may see, with their MoU clause."""
    return Agreement.objects.visible_to(viewer).active().select_related("mou_clause__mou")


def approval_list(*, viewer: Any) -> QuerySet[Approval]:
    """Active approvals the viewer may see, with the cohorts they cover."""
    return Approval.objects.visible_to(viewer).active().prefetch_related("cohorts")


def transfer_list(*, viewer: Any) -> QuerySet[Transfer]:
    """Transfers the viewer may see, with what each relies on (no query per row)."""
    return (
        Transfer.objects.visible_to(viewer)
        .select_related("cohort__priority_area", "agreement__mou_clause__mou")
        .prefetch_related(
            Prefetch("consent_versions", queryset=ConsentVersion.objects.select_related("cohort")),
            Prefetch("approvals", queryset=Approval.objects.prefetch_related("cohorts")),
        )
    )


# Traceability --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TraceStep:
    """One link of a transfer's chain: what it is, which record, and where to read it."""

    kind: str
    label: str
    url: str | None


def transfer_trace(transfer: Transfer) -> list[TraceStep]:
    """Priority area → cohort → consent version(s) → transfer → agreement → MoU clause.

    `transfer` comes from `transfer_list` (its relations are already read)."""
    cohort = transfer.cohort
    area = cohort.priority_area
    steps = [
        TraceStep(str(_("Priority area")), area.name, area.get_absolute_url()),
        TraceStep(str(_("Cohort")), cohort.name, cohort.get_absolute_url()),
    ]
    steps.extend(
        TraceStep(
            str(_("Consent version")),
            f"v{consent.number} ({labels_of(Use, consent.permitted_uses)})",
            cohort.get_absolute_url() + f"#consent-{consent.number}",
        )
        for consent in transfer.consent_versions.all()
    )
    steps.append(TraceStep(str(_("Transfer")), transfer.reference, transfer.get_absolute_url()))
    agreement = transfer.agreement
    steps.append(TraceStep(str(_("Agreement")), str(agreement), agreement.get_absolute_url()))
    clause = agreement.mou_clause
    if clause is not None:
        steps.append(
            TraceStep(
                str(_("MoU clause")),
                f"{clause.mou.title} — {clause}",
                reverse("mou:clause-list", args=[clause.mou_id]),
            )
        )
    return steps
