"""The national gene bank: its plan (cohorts, the consent model, data governance, capacity,
milestones) and the governance of every transfer of specimens or genomic data to BGI
(agreements, approvals, transfers). Planning and governance only: no specimen inventory."""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import ArchivableModel, TimeStampedModel, TransitionLogBase, VersionedModel
from portal.uploads import private_storage

from .querysets import (
    AgreementQuerySet,
    ApprovalQuerySet,
    CohortQuerySet,
    MilestoneQuerySet,
    TransferQuerySet,
)

USER = settings.AUTH_USER_MODEL


class Material(models.TextChoices):
    """What is collected or sent: specimens of a type, or genomic data."""

    BLOOD = "blood", _("Blood")
    DNA = "dna", _("DNA")
    SALIVA = "saliva", _("Saliva")
    TISSUE = "tissue", _("Tissue")
    GENOMIC_DATA = "genomic_data", _("Genomic data")


class Use(models.TextChoices):
    """A use of samples or data that a consent version or an agreement may permit."""

    STORAGE = "storage", _("Storage")
    FUTURE_RESEARCH = "future_research", _("Future research")
    COMMERCIAL_PARTNER = "commercial_partner", _("Commercial partner")
    EXPORT = "export", _("Export")
    RETURN_OF_RESULTS = "return_of_results", _("Return of results")
    RECONTACT = "recontact", _("Recontact")


def _check_choice_list(value: object, choices: type[models.TextChoices]) -> None:
    allowed = set(choices.values)
    if not isinstance(value, list) or not all(v in allowed for v in value):
        raise ValidationError(
            _("Choose from: %(values)s.") % {"values": ", ".join(sorted(allowed))}
        )


def validate_materials(value: object) -> None:
    """A list of `Material` values."""
    _check_choice_list(value, Material)


def validate_uses(value: object) -> None:
    """A list of `Use` values."""
    _check_choice_list(value, Use)


def labels_of(choices: type[models.TextChoices], values: list[str]) -> str:
    """The translated labels of stored choice values, in the choices' order."""
    names = dict(choices.choices)
    return ", ".join(str(names[v]) for v in choices.values if v in values)


class GeneBankPlan(TimeStampedModel, VersionedModel):
    """The gene bank's plan for a programme: data governance and capacity."""

    programme = models.OneToOneField(
        "collaboration.Programme", on_delete=models.PROTECT, related_name="gene_bank_plan"
    )
    custodian = models.CharField(_("data custodian"), max_length=200)
    access_committee = models.CharField(_("access committee"), max_length=200)
    retention_years = models.PositiveIntegerField(_("retention (years)"))
    deidentification_standard = models.CharField(_("de-identification standard"), max_length=200)
    storage_positions = models.PositiveIntegerField(_("storage positions"), default=0)
    sequencing_in_country_per_year = models.PositiveIntegerField(
        _("sequencing in Pakistan (samples per year)"), default=0
    )
    sequencing_at_bgi_per_year = models.PositiveIntegerField(
        _("sequencing at BGI (samples per year)"), default=0
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return str(_("Gene bank plan"))

    def get_absolute_url(self) -> str:
        return reverse("genebank:plan")


class Cohort(TimeStampedModel, VersionedModel, ArchivableModel):
    """A cohort of participants planned under a priority area: targets, progress, sites."""

    priority_area = models.ForeignKey(
        "collaboration.PriorityArea", on_delete=models.PROTECT, related_name="cohorts",
        verbose_name=_("priority area"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    target_participants = models.PositiveIntegerField(_("target participants"))
    target_samples = models.PositiveIntegerField(_("target samples"))
    enrolled_participants = models.PositiveIntegerField(_("enrolled participants"), default=0)
    collected_samples = models.PositiveIntegerField(_("collected samples"), default=0)
    sample_types = models.JSONField(
        _("sample types"), default=list, blank=True, validators=[validate_materials]
    )
    collection_sites = models.TextField(_("collection sites"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    indicators = models.ManyToManyField(
        "collaboration.Indicator", related_name="cohorts", blank=True, verbose_name=_("indicators")
    )

    objects = CohortQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[indicators])

    class Meta:
        ordering = ["priority_area", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="cohort_ends_after_start",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("genebank:cohort-detail", args=[self.pk])

    @property
    def progress_percent(self) -> int:
        """Samples collected over the target, 0–100."""
        if not self.target_samples:
            return 0
        return min(100, round(100 * self.collected_samples / self.target_samples))


class ConsentVersion(TimeStampedModel):
    """One version of a cohort's consent form, in English and Urdu, and the uses it permits.
    Never edited: a change is a new version."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="consent_versions")
    number = models.PositiveIntegerField(_("number"))
    text_en = models.TextField(_("text (English)"))
    text_ur = models.TextField(_("text (Urdu)"))
    permitted_uses = models.JSONField(
        _("permitted uses"), default=list, blank=True, validators=[validate_uses]
    )
    effective_on = models.DateField(_("effective on"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["cohort", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "number"], name="consentversion_number_unique"
            )
        ]

    def __str__(self) -> str:
        return _("%(cohort)s consent v%(n)s") % {"cohort": self.cohort.name, "n": self.number}

    def permits(self, use: str) -> bool:
        """Whether this version's participants agreed to `use`."""
        return use in self.permitted_uses

    @property
    def uses_display(self) -> str:
        return labels_of(Use, self.permitted_uses)


class Milestone(TimeStampedModel, ArchivableModel):
    """A dated step of the plan; open milestones feed reminders and the timeline."""

    plan = models.ForeignKey(GeneBankPlan, on_delete=models.PROTECT, related_name="milestones")
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="genebank_milestones"
    )

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


def agreement_copy_upload_to(instance: "Agreement", filename: str) -> str:
    return f"genebank/agreements/{uuid.uuid4().hex}.pdf"


class Agreement(TimeStampedModel, VersionedModel, ArchivableModel):
    """A material transfer agreement or a data transfer/processing agreement with BGI."""

    class Kind(models.TextChoices):
        MTA = "mta", _("Material transfer agreement")
        DTA = "dta", _("Data transfer and processing agreement")

    class EndOfUse(models.TextChoices):
        DESTROY = "destroy", _("Destroy")
        RETURN = "return", _("Return")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    reference = models.CharField(_("reference"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    parties = models.CharField(_("parties"), max_length=300)
    scope = models.TextField(_("scope"))
    materials = models.JSONField(
        _("sample and data types"), default=list, blank=True, validators=[validate_materials]
    )
    permitted_uses = models.JSONField(
        _("permitted uses"), default=list, blank=True, validators=[validate_uses]
    )
    onward_sharing_allowed = models.BooleanField(_("onward sharing allowed"), default=False)
    end_of_use = models.CharField(_("at the end of use"), max_length=10, choices=EndOfUse)
    max_quantity = models.PositiveIntegerField(
        _("limit (samples or records)"), help_text=_("The most that may be sent under it in all.")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    mou_clause = models.ForeignKey(
        "mou.Clause", on_delete=models.PROTECT, null=True, blank=True, related_name="genebank_agreements",
        verbose_name=_("MoU clause"),
    )  # fmt: skip
    signed_copy = models.FileField(
        upload_to=agreement_copy_upload_to, storage=private_storage, blank=True
    )
    signed_copy_sha256 = models.CharField(max_length=64, blank=True)
    signed_copy_uploaded_at = models.DateTimeField(null=True, blank=True)

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["signed_copy"])

    class Meta:
        ordering = ["valid_to", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="agreement_valid_to_after_from"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("genebank:agreement-detail", args=[self.pk])

    def is_in_date(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to

    @property
    def has_signed_copy(self) -> bool:
        return bool(self.signed_copy_sha256)


class Approval(TimeStampedModel, ArchivableModel):
    """An ethics approval, an export permit or another clearance, valid for a period and for
    the cohorts it names."""

    class Kind(models.TextChoices):
        ETHICS = "ethics", _("Ethics approval")
        EXPORT_PERMIT = "export_permit", _("Export permit")
        OTHER = "other", _("Other clearance")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    authority = models.CharField(_("committee or authority"), max_length=200)
    reference = models.CharField(_("reference"), max_length=100, unique=True)
    scope = models.TextField(_("scope"), blank=True)
    cohorts = models.ManyToManyField(Cohort, related_name="approvals", verbose_name=_("cohorts"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="genebank_approvals"
    )

    objects = ApprovalQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[cohorts])

    class Meta:
        ordering = ["valid_to", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="approval_valid_to_after_from"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("genebank:agreement-list") + f"#approval-{self.pk}"

    def is_in_date(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to


class Transfer(TimeStampedModel, VersionedModel, ArchivableModel):
    """A shipment of specimens or a dataset leaving Pakistan, with what it relies on."""

    class Kind(models.TextChoices):
        SPECIMENS = "specimens", _("Specimens")
        DATASET = "dataset", _("Dataset")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CHECKS_PASSED = "checks_passed", _("Checks passed")
        APPROVED = "approved", _("Approved by the ministry")
        DISPATCHED = "dispatched", _("Dispatched")
        RECEIVED = "received", _("Received by BGI")
        COMPLETED = "completed", _("Completed")
        RETURNED = "returned", _("Returned")
        DESTROYED = "destroyed", _("Destroyed")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(_("reference"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="transfers",
                               verbose_name=_("cohort"))  # fmt: skip
    consent_versions = models.ManyToManyField(
        ConsentVersion, related_name="transfers", verbose_name=_("consent versions")
    )
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="transfers",
                                  verbose_name=_("agreement"))  # fmt: skip
    approvals = models.ManyToManyField(Approval, related_name="transfers", blank=True,
                                       verbose_name=_("approvals"))  # fmt: skip
    material = models.CharField(_("sample or data type"), max_length=20, choices=Material)
    quantity = models.PositiveIntegerField(_("count (samples or records)"))
    purpose_use = models.CharField(_("use it serves"), max_length=30, choices=Use)
    purpose = models.TextField(_("purpose"))
    destination_site = models.CharField(_("destination site"), max_length=200)
    is_addressed_to_bgi = models.BooleanField(_("addressed to BGI"), default=True)
    is_deidentified = models.BooleanField(_("de-identification attested"), default=False)
    internal_notes = models.TextField(_("internal notes"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")  # fmt: skip

    objects = TransferQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[consent_versions, approvals])

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("genebank:transfer-detail", args=[self.pk])


class TransferTransition(TransitionLogBase):
    """One recorded step of a transfer."""

    subject = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="transitions")
