"""Programme, priority areas, objectives and indicators, BGI's capabilities, the NIH technical
team, its recommendations (versioned, commented, decided), meetings, decisions and action items."""

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.formatting import format_number
from portal.models import ArchivableModel, TimeStampedModel, TransitionLogBase, VersionedModel
from portal.querysets import ArchivableQuerySet

from .querysets import (
    ActionItemQuerySet,
    CapabilityQuerySet,
    MeetingQuerySet,
    PriorityAreaQuerySet,
    ProgrammeQuerySet,
    RecommendationQuerySet,
    TeamMembershipQuerySet,
)

if TYPE_CHECKING:
    from portal.models import User

USER = settings.AUTH_USER_MODEL


class Programme(TimeStampedModel, VersionedModel):
    """The cooperation programme with BGI Group, which everything else belongs to."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    partner = models.CharField(_("partner"), max_length=200, default="BGI Group")
    description = models.TextField(_("description"), blank=True)
    started_on = models.DateField(_("start date"), null=True, blank=True)
    cooperation_framework = models.TextField(
        _("cooperation framework"), blank=True, help_text=_("Markdown.")
    )
    official_reference = models.CharField(_("official reference"), max_length=100, blank=True)

    objects = ProgrammeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PriorityArea(TimeStampedModel, ArchivableModel):
    """A strategic genetic-health priority (thalassemia, rare diseases, the gene bank …)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="priority_areas"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    lead = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_priority_areas",
        verbose_name=_("lead"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.ACTIVE)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = PriorityAreaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="priorityarea_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("collaboration:priority-area-detail", args=[self.slug])


class PriorityAreaTransition(TransitionLogBase):
    """One recorded status change of a priority area."""

    subject = models.ForeignKey(PriorityArea, on_delete=models.CASCADE, related_name="transitions")


class Objective(TimeStampedModel, ArchivableModel):
    """A measurable objective of a priority area."""

    priority_area = models.ForeignKey(
        PriorityArea, on_delete=models.PROTECT, related_name="objectives"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ArchivableQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority_area", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Indicator(TimeStampedModel, ArchivableModel):
    """How an objective is measured: from a baseline toward a target, in a unit."""

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Higher is better")
        DECREASE = "decrease", _("Lower is better")

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="indicators")
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction, default=Direction.INCREASE
    )

    objects = ArchivableQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(baseline=F("target")), name="indicator_target_differs_from_baseline"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def progress_of(self, actual: Decimal | None) -> int | None:
        """Percent of the way from baseline to target (0–100), or None without a value."""
        if actual is None or self.target == self.baseline:
            return None
        share = (actual - self.baseline) / (self.target - self.baseline)
        return max(0, min(100, round(share * 100)))

    # How a value reads against its target: the one wording of every page and export.

    @classmethod
    def target_met_by(
        cls, *, direction: str, target: Decimal, actual: Decimal | None
    ) -> bool | None:
        """Whether `actual` meets the target: at least the target when higher is better, at
        most the target when lower is better; None without a value."""
        if actual is None:
            return None
        if direction == cls.Direction.DECREASE:
            return actual <= target
        return actual >= target

    @classmethod
    def target_text(cls, *, direction: str, target: Decimal, unit: str) -> str:
        """The target as a bound: "at most 6 months" (lower is better), "at least 30 clinics"."""
        values = {"target": format_number(target), "unit": unit}
        if direction == cls.Direction.DECREASE:
            return gettext("at most %(target)s %(unit)s") % values
        return gettext("at least %(target)s %(unit)s") % values

    @classmethod
    def reading(cls, *, direction: str, target: Decimal, unit: str, actual: Decimal | None) -> str:
        """A value against its target in words, for example "24 months against a target of at
        most 6 months: not met yet" (never "24 of 6 months"); empty without a value."""
        met = cls.target_met_by(direction=direction, target=target, actual=actual)
        if met is None:
            return ""
        values = {
            "actual": format_number(actual),
            "unit": unit,
            "target": cls.target_text(direction=direction, target=target, unit=unit),
        }
        if met:
            return gettext("%(actual)s %(unit)s against a target of %(target)s: met") % values
        return gettext("%(actual)s %(unit)s against a target of %(target)s: not met yet") % values

    def reading_of(self, actual: Decimal | None) -> str:
        """`reading` for this indicator."""
        return self.reading(
            direction=self.direction, target=self.target, unit=self.unit, actual=actual
        )


class IndicatorValue(TimeStampedModel):
    """The measured value of an indicator for one reporting period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(_("period"), max_length=20, help_text=_("For example 2026-Q3."))
    period_end_on = models.DateField(_("period ends on"))
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_end_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], name="indicatorvalue_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.actual} ({self.period})"


class Capability(TimeStampedModel, ArchivableModel):
    """A capability BGI Group offers, and the priority areas it can serve."""

    class Category(models.TextChoices):
        SEQUENCING = "sequencing", _("Sequencing")
        SCREENING = "screening", _("Screening")
        DIAGNOSTICS = "diagnostics", _("Diagnostics")
        BIOBANKING = "biobanking", _("Biobanking")
        BIOINFORMATICS = "bioinformatics", _("Bioinformatics")
        TRAINING = "training", _("Training")

    name = models.CharField(_("name"), max_length=200, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category)
    description = models.TextField(_("description"), blank=True)
    priority_areas = models.ManyToManyField(
        PriorityArea, related_name="capabilities", blank=True, verbose_name=_("priority areas")
    )

    objects = CapabilityQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[priority_areas])

    class Meta:
        ordering = ["category", "name"]
        verbose_name_plural = _("capabilities")

    def __str__(self) -> str:
        return self.name


class TechnicalTeam(TimeStampedModel, VersionedModel):
    """The NIH technical team (two to three experts) and its terms of reference."""

    MIN_MEMBERS = 2
    MAX_MEMBERS = 3

    programme = models.OneToOneField(Programme, on_delete=models.PROTECT, related_name="team")
    name = models.CharField(_("name"), max_length=200)
    terms_of_reference = models.TextField(
        _("terms of reference"), blank=True, help_text=_("Markdown.")
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("collaboration:team-detail")


class TeamMembership(TimeStampedModel):
    """A person's place on the technical team, from a start date to an optional end date."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        EXPERT = "expert", _("Expert")

    team = models.ForeignKey(TechnicalTeam, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="team_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.EXPERT)
    expertise = models.CharField(_("expertise"), max_length=200, blank=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = TeamMembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "role", "started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="teammembership_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=Q(ended_on__isnull=True),
                name="teammembership_one_open_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Recommendation(TimeStampedModel, VersionedModel, ArchivableModel):
    """A recommendation of the NIH team on using BGI's capabilities, decided by the ministry.

    `version` is the optimistic-concurrency token (every change bumps it); `revision` counts
    the saved texts, each kept as a RecommendationVersion.

    On PostgreSQL the table also has a generated `search_vector` column over the searched text
    fields (search/migrations/0001). PostgreSQL refuses to change the type of a column that a
    generated column reads: a migration altering one of them drops `search_vector` first and
    adds it again after.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        TEAM_REVIEW = "team_review", _("In team review")
        ENDORSED = "endorsed", _("Endorsed by the NIH lead")
        SUBMITTED = "submitted", _("Submitted to the ministry")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for revision")
        REJECTED = "rejected", _("Rejected")

    EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED})
    # The free-text fields among the versioned ones (compared word by word).
    TEXT_FIELDS = (
        "title",
        "summary",
        "body",
        "rationale",
        "expected_outcomes",
        "timeline",
        "risks",
    )
    # Every field a RecommendationVersion snapshots, in the order pages show them: the snapshot,
    # the versions endpoint and the diff (page and API) all read this one list.
    VERSIONED_FIELDS = (
        "title",
        "priority_areas",
        "summary",
        "body",
        "rationale",
        "capabilities",
        "expected_outcomes",
        "estimated_cost_pkr",
        "timeline",
        "risks",
    )

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="recommendations"
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("recommendation"), blank=True, help_text=_("Markdown."))
    rationale = models.TextField(_("rationale"), blank=True)
    expected_outcomes = models.TextField(_("expected outcomes"), blank=True)
    estimated_cost_pkr = models.DecimalField(
        _("estimated cost (PKR)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    timeline = models.TextField(_("timeline"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    priority_areas = models.ManyToManyField(
        PriorityArea, related_name="recommendations", verbose_name=_("priority areas")
    )
    capabilities = models.ManyToManyField(
        Capability, related_name="recommendations", blank=True, verbose_name=_("BGI capabilities")
    )
    authors: "models.ManyToManyField[User, Any]" = models.ManyToManyField(
        USER, related_name="authored_recommendations", verbose_name=_("authors")
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    official_reference = models.CharField(
        _("official reference"),
        max_length=100,
        blank=True,
        help_text=_("The ministry's file or diary number, once submitted."),
    )

    objects = RecommendationQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[priority_areas, capabilities, authors])

    class Meta:
        ordering = ["-updated_at", "-pk"]
        # Lists show the active recommendations, latest changed first: an index in that order
        # serves a page without sorting every recommendation.
        indexes = [
            models.Index(
                F("updated_at").desc(),
                F("id").desc(),
                name="recommendation_recent",
                condition=Q(archived_at__isnull=True),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_cost_pkr__isnull=True) | Q(estimated_cost_pkr__gte=0),
                name="recommendation_cost_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collaboration:recommendation-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES and self.archived_at is None


class RecommendationVersion(models.Model):
    """An immutable snapshot of a recommendation's text, one per save."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("recommendation"), blank=True)
    rationale = models.TextField(_("rationale"), blank=True)
    expected_outcomes = models.TextField(_("expected outcomes"), blank=True)
    timeline = models.TextField(_("timeline"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    estimated_cost_pkr = models.DecimalField(
        _("estimated cost (PKR)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    priority_areas = models.ManyToManyField(
        PriorityArea, related_name="+", blank=True, verbose_name=_("priority areas")
    )
    capabilities = models.ManyToManyField(
        Capability, related_name="+", blank=True, verbose_name=_("BGI capabilities")
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        ordering = ["recommendation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "number"], name="recommendationversion_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation_id} v{self.number}"


class RecommendationTransition(TransitionLogBase):
    """One recorded step of a recommendation's workflow."""

    subject = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="transitions"
    )


class RecommendationComment(TimeStampedModel, ArchivableModel):
    """A comment on a recommendation by a team member or ministry staff."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="comments"
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"), help_text=_("Markdown."))

    objects = ArchivableQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class Meeting(TimeStampedModel, VersionedModel, ArchivableModel):
    """A programme meeting with its attendees, minutes, decisions and action items."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("title"), max_length=300)
    held_at = models.DateTimeField(_("held at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    chair = models.CharField(_("chaired by"), max_length=200, blank=True)
    attendees: "models.ManyToManyField[User, Any]" = models.ManyToManyField(
        USER, related_name="meetings_attended", blank=True, verbose_name=_("attendees")
    )
    external_attendees = models.TextField(
        _("other attendees"), blank=True, help_text=_("People without a login, one per line.")
    )
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown."))
    official_reference = models.CharField(_("official reference"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-held_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collaboration:meeting-detail", args=[self.pk])


class Decision(TimeStampedModel):
    """A decision recorded in a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("decision"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionItem(TimeStampedModel, VersionedModel, ArchivableModel):
    """Something a named person must do by a date, optionally linked to any portal record.

    On PostgreSQL, `title` and `description` feed a generated `search_vector` column (see
    Recommendation about altering them)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = frozenset({Status.OPEN, Status.IN_PROGRESS})

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="action_items")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="action_items", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.OPEN)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="action_items"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="action_items"
    )
    # The optional link to any record in the portal (a recommendation, a visit, an MoU clause …).
    linked_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linked_id = models.PositiveBigIntegerField(null=True, blank=True)
    linked_record = GenericForeignKey("linked_type", "linked_id")
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["linked_type", "linked_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(linked_type__isnull=True, linked_id__isnull=True)
                | Q(linked_type__isnull=False, linked_id__isnull=False),
                name="actionitem_link_complete",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collaboration:action-item-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Overdue today, in the portal's zone (see `is_overdue_on`)."""
        return self.is_overdue_on(timezone.localdate())

    def is_overdue_on(self, today: date) -> bool:
        """Overdue, the one rule: open, not archived, due before `today`.

        `ActionItem.objects.overdue(today)` is the same rule as a query.
        """
        return self.is_open and self.archived_at is None and self.due_on < today


class ActionItemTransition(TransitionLogBase):
    """One recorded status change of an action item."""

    subject = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="transitions")
