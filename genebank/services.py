"""Every write of the gene bank. Keyword-only, typed, atomic; the actor is explicit (None is
the system: seeding and demo data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mou.services import file_sha256
from portal.exceptions import Conflict, StaleVersion, TransitionNotAllowed
from portal.recording import require as _require
from portal.recording import save_recorded as _save
from portal.uploads import validate_pdf

from . import policies
from .checks import TransferChecksFailed, failed_checks
from .models import (
    Agreement,
    Approval,
    Cohort,
    ConsentVersion,
    GeneBankPlan,
    Milestone,
    Transfer,
)
from .workflows import CHECKED_STEPS, TRANSFER_FLOW

if TYPE_CHECKING:
    from collaboration.models import Indicator, PriorityArea, Programme
    from mou.models import Clause
    from portal.models import User


def _require_manager(actor: User | None) -> None:
    """Ministry staff only; seeding writes with no actor."""
    if actor is not None:
        _require(policies.can_manage_genebank(actor))


# The plan ------------------------------------------------------------------------------------


@transaction.atomic
def plan_ensure(
    *, programme: Programme, actor: User | None, custodian: str, access_committee: str,
    retention_years: int, deidentification_standard: str, storage_positions: int = 0,
    sequencing_in_country_per_year: int = 0, sequencing_at_bgi_per_year: int = 0,
) -> GeneBankPlan:  # fmt: skip
    """The programme's gene bank plan, created with these governance and capacity figures
    if missing."""
    existing = GeneBankPlan.objects.filter(programme=programme).first()
    if existing is not None:
        return existing
    _require_manager(actor)
    plan = GeneBankPlan(
        programme=programme, custodian=custodian, access_committee=access_committee,
        retention_years=retention_years, deidentification_standard=deidentification_standard,
        storage_positions=storage_positions,
        sequencing_in_country_per_year=sequencing_in_country_per_year,
        sequencing_at_bgi_per_year=sequencing_at_bgi_per_year,
    )  # fmt: skip
    _save(plan, actor)
    return plan


@dataclass(frozen=True)
class CohortData:
    name: str
    target_participants: int
    target_samples: int
    sample_types: list[str]
    description: str = ""
    collection_sites: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    indicators: list[Indicator] = field(default_factory=list)


@transaction.atomic
def cohort_create(*, priority_area: PriorityArea, actor: User | None, data: CohortData) -> Cohort:
    """Ministry staff plan a cohort under a priority area."""
    _require_manager(actor)
    cohort = Cohort(
        priority_area=priority_area, name=data.name, description=data.description,
        target_participants=data.target_participants, target_samples=data.target_samples,
        sample_types=list(data.sample_types), collection_sites=data.collection_sites,
        starts_on=data.starts_on, ends_on=data.ends_on,
    )  # fmt: skip
    _save(cohort, actor)
    cohort.indicators.set(data.indicators)
    return cohort


@transaction.atomic
def cohort_progress_record(
    *, cohort: Cohort, actor: User | None, expected_version: int | None,
    enrolled_participants: int, collected_samples: int,
) -> Cohort:  # fmt: skip
    """Record how many participants are enrolled and samples collected so far."""
    _require_manager(actor)
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(current=locked.version)
    locked.enrolled_participants = enrolled_participants
    locked.collected_samples = collected_samples
    locked.version += 1
    _save(locked, actor, ["enrolled_participants", "collected_samples", "version", "updated_at"])
    return locked


@transaction.atomic
def consent_version_add(
    *, cohort: Cohort, actor: User | None, text_en: str, text_ur: str,
    permitted_uses: list[str], effective_on: dt.date,
) -> ConsentVersion:  # fmt: skip
    """A new version of the cohort's consent form (numbered next); versions never change."""
    _require_manager(actor)
    Cohort.objects.select_for_update().get(pk=cohort.pk)
    number = (cohort.consent_versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1  # fmt: skip
    version = ConsentVersion(cohort=cohort, number=number, text_en=text_en, text_ur=text_ur,
                             permitted_uses=list(permitted_uses), effective_on=effective_on)  # fmt: skip
    _save(version, actor)
    return version


@transaction.atomic
def milestone_add(
    *, plan: GeneBankPlan, actor: User | None, title: str, due_on: dt.date,
    cohort: Cohort | None = None, owner: User | None = None,
) -> Milestone:  # fmt: skip
    """A dated milestone of the plan (it feeds reminders and the timeline)."""
    _require_manager(actor)
    milestone = Milestone(plan=plan, title=title, due_on=due_on, cohort=cohort, owner=owner)
    _save(milestone, actor)
    return milestone


@transaction.atomic
def milestone_done(*, milestone: Milestone, actor: User | None, done_on: dt.date) -> Milestone:
    """Mark a milestone done on a day."""
    _require_manager(actor)
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if locked.done_on is not None:
        raise Conflict(_("The milestone is already done."))
    locked.done_on = done_on
    _save(locked, actor, ["done_on", "updated_at"])
    return locked


# Agreements and approvals --------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementData:
    kind: str
    reference: str
    title: str
    parties: str
    scope: str
    materials: list[str]
    permitted_uses: list[str]
    end_of_use: str
    max_quantity: int
    valid_from: dt.date
    valid_to: dt.date
    onward_sharing_allowed: bool = False
    mou_clause: Clause | None = None


@transaction.atomic
def agreement_create(*, actor: User | None, data: AgreementData) -> Agreement:
    """Ministry staff enter an MTA or a data transfer agreement in the register."""
    _require_manager(actor)
    agreement = Agreement(**{name: getattr(data, name) for name in data.__dataclass_fields__})
    _save(agreement, actor)
    return agreement


@transaction.atomic
def agreement_signed_copy_upload(
    *, agreement: Agreement, actor: User | None, upload: Any
) -> Agreement:
    """Keep the scanned signed agreement (a PDF) and its SHA-256, as for the MoU's signed
    copy; it is never replaced."""
    _require_manager(actor)
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.has_signed_copy:
        raise Conflict(_("The signed copy is already on record; it cannot be replaced."))
    validate_pdf(upload, field="file")
    locked.signed_copy_sha256 = file_sha256(upload)
    locked.signed_copy_uploaded_at = timezone.now()
    locked.signed_copy.save(upload.name or "signed.pdf", upload, save=False)
    locked.version += 1
    _save(locked, actor, ["signed_copy", "signed_copy_sha256", "signed_copy_uploaded_at",
                          "version", "updated_at"])  # fmt: skip
    return locked


@transaction.atomic
def approval_create(
    *, actor: User | None, kind: str, authority: str, reference: str, cohorts: list[Cohort],
    valid_from: dt.date, valid_to: dt.date, scope: str = "", owner: User | None = None,
) -> Approval:  # fmt: skip
    """Ministry staff enter an ethics approval, export permit or other clearance."""
    _require_manager(actor)
    approval = Approval(kind=kind, authority=authority, reference=reference, scope=scope,
                        valid_from=valid_from, valid_to=valid_to, owner=owner)  # fmt: skip
    _save(approval, actor)
    approval.cohorts.set(cohorts)
    return approval


# Transfers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransferData:
    reference: str
    kind: str
    cohort: Cohort
    agreement: Agreement
    material: str
    quantity: int
    purpose_use: str
    purpose: str
    destination_site: str
    consent_versions: list[ConsentVersion]
    approvals: list[Approval] = field(default_factory=list)
    is_addressed_to_bgi: bool = True
    is_deidentified: bool = False
    internal_notes: str = ""


_TRANSFER_FIELDS = ("reference", "kind", "cohort", "agreement", "material", "quantity",
                    "purpose_use", "purpose", "destination_site", "is_addressed_to_bgi",
                    "is_deidentified", "internal_notes")  # fmt: skip


@transaction.atomic
def transfer_create(*, actor: User | None, data: TransferData) -> Transfer:
    """Ministry staff draft a transfer: what, from which cohort, under which consent,
    agreement and approvals. The checks run when it moves on."""
    _require_manager(actor)
    transfer = Transfer(created_by=actor, **{n: getattr(data, n) for n in _TRANSFER_FIELDS})
    _save(transfer, actor)
    transfer.consent_versions.set(data.consent_versions)
    transfer.approvals.set(data.approvals)
    return transfer


@transaction.atomic
def transfer_update(
    *, transfer: Transfer, actor: User | None, expected_version: int, data: TransferData
) -> Transfer:
    """Edit a draft transfer on the version the editor saw; past the draft it cannot change."""
    _require_manager(actor)
    locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if locked.version != expected_version:
        raise StaleVersion(current=locked.version)
    if locked.status != Transfer.Status.DRAFT:
        raise Conflict(_("Only a draft transfer can change; reopen it first."))
    for name in _TRANSFER_FIELDS:
        setattr(locked, name, getattr(data, name))
    locked.version += 1
    _save(locked, actor, [*_TRANSFER_FIELDS, "version", "updated_at"])
    locked.consent_versions.set(data.consent_versions)
    locked.approvals.set(data.approvals)
    return locked


@transaction.atomic
def transfer_transition(
    *, transfer: Transfer, name: str, actor: User | None, comment: str = "",
    expected_version: int | None = None, today: dt.date | None = None,
) -> Transfer:  # fmt: skip
    """Take one step of the transfer's workflow.

    Running the checks, approving and dispatching are refused (`TransferChecksFailed`, 409,
    naming each failed check) unless every check of `checks.transfer_checks` holds today.
    """
    step = TRANSFER_FLOW.get(name)
    if not step.allowed(actor, transfer):
        raise PermissionDenied
    locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(current=locked.version)
    if name in CHECKED_STEPS and locked.status in step.source:
        failed = failed_checks(locked, today=today or timezone.localdate())
        if failed:
            raise TransferChecksFailed(failed)
    if locked.archived_at is not None:
        raise TransitionNotAllowed(_("An archived transfer cannot move."))
    moved: Transfer = TRANSFER_FLOW.apply(
        locked, name, actor=actor, comment=comment, expected_version=expected_version
    )
    return moved
