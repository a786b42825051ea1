"""The MoU between the Government of Pakistan and BGI Group: clauses in English and Chinese,
immutable published versions, review rounds and clearances, sharing with BGI, signing with a
verifiable signed copy, and obligations."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import ArchivableModel, TimeStampedModel, TransitionLogBase, VersionedModel
from portal.uploads import private_storage

from .querysets import (
    ClauseCommentQuerySet,
    ClauseQuerySet,
    MouQuerySet,
    MouVersionQuerySet,
    ObligationQuerySet,
    ReviewRoundQuerySet,
)

USER = settings.AUTH_USER_MODEL


def signed_copy_upload_to(instance: "SignedCopy", filename: str) -> str:
    return f"mou/signed/{uuid.uuid4().hex}.pdf"


#: The two languages of the MoU, by the codes `lagging_language` uses.
LANGUAGE_NAMES = {"en": _("English"), "zh": _("Chinese")}


class Party(models.TextChoices):
    GOVERNMENT = "gop", _("Government of Pakistan")
    BGI = "bgi", _("BGI Group")


class Mou(TimeStampedModel, VersionedModel, ArchivableModel):
    """The Memorandum of Understanding and where it stands."""

    class Status(models.TextChoices):
        DRAFTING = "drafting", _("Drafting")
        INTERNAL_REVIEW = "internal_review", _("Internal review")
        LEGAL_VETTING = "legal_vetting", _("Legal vetting")
        NEGOTIATION = "negotiation", _("Negotiation with BGI")
        TEXT_AGREED = "text_agreed", _("Text agreed")
        APPROVED = "approved_for_signature", _("Approved for signature")
        SIGNED = "signed", _("Signed")
        IN_FORCE = "in_force", _("In force")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    programme = models.ForeignKey(
        "collaboration.Programme", on_delete=models.PROTECT, related_name="mous"
    )
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=Status, default=Status.DRAFTING)
    responsible_officer = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="mous_responsible"
    )
    approved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signing_deadline_on = models.DateField(_("signing deadline"), null=True, blank=True)
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), default=60)
    expires_on = models.DateField(_("expiry or renewal date"), null=True, blank=True)
    official_reference = models.CharField(_("official reference"), max_length=100, blank=True)

    objects = MouQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("MoU")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="in_force") | Q(effective_on__isnull=False),
                name="mou_in_force_has_effective_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mou:mou-detail", args=[self.pk])

    # The status sets live with the transition table (mou/workflows.py, which imports this
    # module): read there when asked.

    @property
    def is_editable(self) -> bool:
        """Whether the clauses of the working draft may change now."""
        from .workflows import EDITABLE_STATUSES

        return self.status in EDITABLE_STATUSES

    @property
    def is_signing_overdue(self) -> bool:
        """Not signed by its signing deadline (the row-level twin of `signing_overdue()`)."""
        from .workflows import UNSIGNED_STATUSES

        return (
            self.archived_at is None
            and self.status in UNSIGNED_STATUSES
            and self.signing_deadline_on is not None
            and self.signing_deadline_on < timezone.localdate()
        )


class MouTransition(TransitionLogBase):
    """One recorded step of the MoU's workflow."""

    subject = models.ForeignKey(Mou, on_delete=models.CASCADE, related_name="transitions")


class Clause(TimeStampedModel, ArchivableModel):
    """A clause of the working draft, in English and Chinese side by side.

    `key` identifies the clause across versions, so a diff can tell moved from changed.
    When one language changes and the other does not, the other is "out of step" until its
    text is updated too or the flag is consciously cleared.
    """

    mou = models.ForeignKey(Mou, on_delete=models.PROTECT, related_name="clauses")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveSmallIntegerField(_("position"))
    heading_en = models.CharField(_("heading (English)"), max_length=300)
    heading_zh = models.CharField(_("heading (Chinese)"), max_length=300, blank=True)
    text_en = models.TextField(_("text (English)"))
    text_zh = models.TextField(_("text (Chinese)"), blank=True)
    en_changed_at = models.DateTimeField(_("English last changed"), null=True, blank=True)
    zh_changed_at = models.DateTimeField(_("Chinese last changed"), null=True, blank=True)
    lagging_language = models.CharField(
        _("language out of step"),
        max_length=2,
        blank=True,
        choices=[("en", _("English")), ("zh", _("Chinese"))],
        help_text=_("The language that has not followed the other's last change."),
    )
    priority_areas = models.ManyToManyField(
        "collaboration.PriorityArea", related_name="mou_clauses", blank=True
    )
    recommendations = models.ManyToManyField(
        "collaboration.Recommendation", related_name="mou_clauses", blank=True
    )
    source_recommendation = models.ForeignKey(
        "collaboration.Recommendation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposed_clauses",
    )
    version = models.PositiveIntegerField(default=1)

    objects = ClauseQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[priority_areas, recommendations])

    class Meta:
        ordering = ["mou", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mou", "key"], name="clause_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.heading_en}"

    @property
    def is_out_of_step(self) -> bool:
        return bool(self.lagging_language)


class MouVersion(TimeStampedModel):
    """An immutable, numbered snapshot of every clause, published with a note."""

    mou = models.ForeignKey(Mou, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    published_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True)
    is_shared_with_bgi = models.BooleanField(_("shared with BGI"), default=False)
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)
    out_of_step_override = models.ForeignKey(
        "OutOfStepOverride",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
        help_text=_("The override under which clauses out of step were published."),
    )

    objects = MouVersionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["mou", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["mou", "number"], name="mouversion_number_unique"),
            models.CheckConstraint(
                condition=Q(is_shared_with_bgi=False) | Q(shared_at__isnull=False),
                name="mouversion_shared_has_shared_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mou} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("mou:version-detail", args=[self.mou_id, self.number])


class ClauseSnapshot(models.Model):
    """A clause as it stood in a published version; never changed after it is written."""

    version = models.ForeignKey(MouVersion, on_delete=models.PROTECT, related_name="clauses")
    key = models.UUIDField()
    position = models.PositiveSmallIntegerField()
    heading_en = models.CharField(max_length=300)
    heading_zh = models.CharField(max_length=300, blank=True)
    text_en = models.TextField()
    text_zh = models.TextField(blank=True)
    #: The language out of step when the version was published ("" when in step).
    lagging_language = models.CharField(max_length=2, blank=True, default="")

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="clausesnapshot_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.heading_en}"

    def save(self, *args, **kwargs):
        # Published text is immutable: an existing snapshot is never written again.
        if self.pk is not None:
            raise ValueError("A published clause cannot change.")
        super().save(*args, **kwargs)

    @property
    def is_out_of_step(self) -> bool:
        return bool(self.lagging_language)

    @property
    def lagging_name(self) -> str:
        """The language that had not followed the other's change when published."""
        return str(LANGUAGE_NAMES.get(self.lagging_language, ""))

    @property
    def leading_name(self) -> str:
        return str(LANGUAGE_NAMES["zh" if self.lagging_language == "en" else "en"])


class OutOfStepOverride(TimeStampedModel):
    """The ministry's recorded decision to go on while clauses are out of step between English
    and Chinese, with its reason.

    It covers exactly the clauses listed in `clauses` as they stood when it was recorded (their
    id, version and lagging language): a clause edited or put out of step again afterwards is
    not covered. Kept in history, shown on the versions published under it and their exports.
    """

    mou = models.ForeignKey(Mou, on_delete=models.PROTECT, related_name="out_of_step_overrides")
    reason = models.TextField(_("reason"))
    clauses = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["mou", "-created_at", "-pk"]
        verbose_name = _("out-of-step override")

    def __str__(self) -> str:
        return self.reason[:80]

    def covers(self, clause: Clause) -> bool:
        """Whether this override was recorded for the clause as it stands now."""
        return any(
            item.get("id") == clause.pk
            and item.get("version") == clause.version
            and item.get("lagging") == clause.lagging_language
            for item in self.clauses
        )

    @property
    def clause_labels(self) -> list[str]:
        """The clauses it covers, as "3. Heading", in order."""
        items = sorted(self.clauses, key=lambda item: item.get("position", 0))
        return [f"{item.get('position')}. {item.get('heading', '')}" for item in items]


class ClauseComment(TimeStampedModel):
    """A comment on a clause of a published version; BGI's comments are marked as BGI's."""

    version = models.ForeignKey(MouVersion, on_delete=models.PROTECT, related_name="comments")
    clause = models.ForeignKey(ClauseSnapshot, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    is_from_bgi = models.BooleanField(_("BGI's comment"), default=False)
    is_visible_to_bgi = models.BooleanField(_("visible to BGI"), default=False)

    objects = ClauseCommentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "clause__position", "created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class ReviewRound(TimeStampedModel):
    """Named reviewers asked to approve a version or request changes."""

    mou = models.ForeignKey(Mou, on_delete=models.PROTECT, related_name="review_rounds")
    version = models.ForeignKey(MouVersion, on_delete=models.PROTECT, related_name="review_rounds")
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("answers due on"), null=True, blank=True)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ReviewRoundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        """Still open past its due date (the row-level twin of `ReviewRound.objects.overdue()`)."""
        return (
            self.closed_at is None
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class ReviewRequest(TimeStampedModel):
    """One reviewer's answer in a review round."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        CHANGES = "changes_requested", _("Changes requested")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="requests")
    reviewer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="mou_reviews")
    decision = models.CharField(max_length=20, choices=Decision, default=Decision.PENDING)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "reviewer"], name="reviewrequest_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.decision}"


class Clearance(TimeStampedModel):
    """A step of the clearance chain before signature (configurable per MoU)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLEARED = "cleared", _("Cleared")
        REFUSED = "refused", _("Refused")

    DEFAULT_CHAIN = (
        "NIH technical review",
        "Ministry legal section",
        "Vetting by the Ministry of Law and Justice",
        "Clearance by the Ministry of Foreign Affairs",
    )

    mou = models.ForeignKey(Mou, on_delete=models.PROTECT, related_name="clearances")
    name = models.CharField(_("clearance"), max_length=200)
    position = models.PositiveSmallIntegerField()
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision, default=Decision.PENDING
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["mou", "position"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="cleared") | Q(decided_on__isnull=False),
                name="clearance_cleared_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Signatory(TimeStampedModel):
    """Who signs for a party, in which order, and whether they have signed."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("Pending")
        SIGNED = "signed", _("Signed")
        DECLINED = "declined", _("Declined")

    mou = models.ForeignKey(Mou, on_delete=models.PROTECT, related_name="signatories")
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    #: The party a signatory signs for; a witness may stand for none (blank).
    party = models.CharField(_("party"), max_length=10, choices=Party, blank=True)
    order = models.PositiveSmallIntegerField(_("order"))
    answer = models.CharField(_("answer"), max_length=10, choices=Answer, default=Answer.PENDING)
    signed_on = models.DateField(null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    decline_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_witness = models.BooleanField(_("witness"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["mou", "is_witness", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["mou", "order"],
                condition=Q(is_witness=False),
                name="signatory_order_unique",
            ),
            models.CheckConstraint(
                condition=~Q(answer="signed") | Q(signed_on__isnull=False),
                name="signatory_signed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_party_display()})" if self.party else self.name


class SignedCopy(TimeStampedModel):
    """The scanned signed MoU, with the SHA-256 anyone may check a file against."""

    mou = models.OneToOneField(Mou, on_delete=models.PROTECT, related_name="signed_copy")
    file = models.FileField(upload_to=signed_copy_upload_to, storage=private_storage)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords(excluded_fields=["file"])

    def __str__(self) -> str:
        return f"Signed copy of {self.mou} ({self.sha256[:12]}…)"


class Obligation(TimeStampedModel, VersionedModel):
    """What a party must do under the MoU once signed, by when, and who follows it up."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        MET = "met", _("Met")
        WAIVED = "waived", _("Waived")

    #: Not met nor waived yet: still to be followed up.
    OPEN_STATUSES = frozenset({Status.OPEN, Status.IN_PROGRESS})

    mou = models.ForeignKey(Mou, on_delete=models.PROTECT, related_name="obligations")
    party = models.CharField(_("party"), max_length=10, choices=Party)
    description = models.TextField(_("obligation"))
    clause = models.ForeignKey(
        Clause, on_delete=models.PROTECT, null=True, blank=True, related_name="obligations"
    )
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="mou_obligations"
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)

    objects = ObligationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["mou", "due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_overdue(self) -> bool:
        """Open past its due date (the row-level twin of `Obligation.objects.overdue()`)."""
        return self.status in self.OPEN_STATUSES and self.due_on < timezone.localdate()


class ObligationTransition(TransitionLogBase):
    """One recorded status change of an obligation."""

    subject = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="transitions")
