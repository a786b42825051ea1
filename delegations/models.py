"""Delegation visits to BGI: invitation, members and their readiness, objectives, a
time-zone-correct itinerary at BGI's sites, logistics, budget, and the trip report."""

import datetime as dt
import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import ArchivableModel, TimeStampedModel, TransitionLogBase, VersionedModel
from portal.uploads import private_storage

from .querysets import (
    ItineraryItemQuerySet,
    LogisticsTaskQuerySet,
    SiteQuerySet,
    VisitObjectiveQuerySet,
    VisitQuerySet,
)

USER = settings.AUTH_USER_MODEL


def _zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def invitation_upload_to(instance: "Visit", filename: str) -> str:
    return f"delegations/invitations/{uuid.uuid4().hex}.pdf"


def attachment_upload_to(instance: "TripReportAttachment", filename: str) -> str:
    return f"delegations/reports/{uuid.uuid4().hex}.pdf"


class Site(TimeStampedModel, ArchivableModel):
    """A place the delegation visits (BGI's headquarters, the China National GeneBank …)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, default="BGI Group"
    )
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=100, default="China")
    address = models.TextField(_("address"), blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=_zone_choices, default="Asia/Shanghai"
    )
    description = models.TextField(_("description"), blank=True)
    capabilities = models.ManyToManyField(
        "collaboration.Capability", related_name="sites", blank=True, verbose_name=_("capabilities")
    )

    objects = SiteQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[capabilities])

    class Meta:
        ordering = ["country", "city", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


# Statuses a visit can only reach with the government's travel approval on record.
APPROVED_STATUSES = [
    "approved",
    "preparing",
    "in_progress",
    "completed",
    "report_submitted",
    "closed",
]


class Visit(TimeStampedModel, VersionedModel, ArchivableModel):
    """A delegation's visit to BGI, from the invitation to the closed trip report."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        INVITATION_RECEIVED = "invitation_received", _("Invitation received")
        APPROVED = "approved", _("Approved")
        PREPARING = "preparing", _("Preparing")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        REPORT_SUBMITTED = "report_submitted", _("Report submitted")
        CLOSED = "closed", _("Closed")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    programme = models.ForeignKey(
        "collaboration.Programme", on_delete=models.PROTECT, related_name="visits"
    )
    title = models.CharField(_("title"), max_length=300)
    purpose = models.TextField(_("purpose"), blank=True)
    status = models.CharField(_("status"), max_length=30, choices=Status, default=Status.PROPOSED)
    starts_on = models.DateField(_("departure date"), null=True, blank=True)
    ends_on = models.DateField(_("return date"), null=True, blank=True)
    destination = models.CharField(_("destination"), max_length=200, default="Shenzhen, China")
    responsible_officer = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits_responsible",
        verbose_name=_("responsible ministry officer"),
    )
    invitation_letter = models.FileField(
        _("invitation letter (PDF)"),
        upload_to=invitation_upload_to,
        storage=private_storage,
        blank=True,
    )
    invitation_received_on = models.DateField(_("invitation received on"), null=True, blank=True)
    invitation_reference = models.CharField(_("invitation reference"), max_length=100, blank=True)
    travel_approval_reference = models.CharField(
        _("government travel approval reference"), max_length=100, blank=True
    )
    official_reference = models.CharField(_("official reference"), max_length=100, blank=True)
    internal_notes = models.TextField(_("internal notes"), blank=True)
    is_shared_with_bgi = models.BooleanField(_("shared with BGI"), default=False)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = VisitQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["invitation_letter"])

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="visit_returns_after_departure",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=APPROVED_STATUSES) | ~Q(travel_approval_reference=""),
                name="visit_approved_has_travel_approval",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("delegations:visit-detail", args=[self.pk])

    def day_number(self, day: dt.date) -> int | None:
        """Which day of the visit `day` is (1 on the departure date), or None when it lies
        outside the visit's dates or the visit has no departure date yet."""
        if self.starts_on is None or day < self.starts_on:
            return None
        if self.ends_on is not None and day > self.ends_on:
            return None
        return (day - self.starts_on).days + 1

    def lies_outside(self, first: dt.date, last: dt.date) -> bool:
        """Whether the days from `first` to `last` reach outside the visit's dates (never when
        the visit has none)."""
        return (self.starts_on is not None and first < self.starts_on) or (
            self.ends_on is not None and last > self.ends_on
        )

    def current_objectives(self) -> list["VisitObjective"]:
        """The objectives not archived, in order; read from `objectives` when prefetched."""
        return [objective for objective in self.objectives.all() if not objective.is_archived]


class VisitTransition(TransitionLogBase):
    """One recorded step of a visit's workflow."""

    subject = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="transitions")


class DelegationMember(TimeStampedModel):
    """A person in the delegation, with the dates of their travel readiness.

    External people have no login (`user` empty). No passport numbers are stored: only the
    passport's expiry date, to check it is valid six months past the return date.
    """

    class Role(models.TextChoices):
        HEAD = "head", _("Head of delegation")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary")

    class Readiness(models.TextChoices):
        """Where one readiness date stands: a date still ahead is expected, not done."""

        DONE = "done", _("Done")
        EXPECTED = "expected", _("Expected")
        MISSING = "missing", _("Missing")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="delegation_memberships"
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.MEMBER)
    passport_expires_on = models.DateField(_("passport expires on"), null=True, blank=True)
    visa_applied_on = models.DateField(_("visa applied on"), null=True, blank=True)
    visa_issued_on = models.DateField(_("visa issued on"), null=True, blank=True)
    travel_approval_on = models.DateField(_("travel approval on"), null=True, blank=True)
    tickets_issued_on = models.DateField(_("tickets issued on"), null=True, blank=True)
    insurance_on = models.DateField(_("insurance arranged on"), null=True, blank=True)
    is_active = models.BooleanField(_("in the delegation"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["visit", "role", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit"],
                condition=Q(role="head", is_active=True),
                name="delegationmember_one_head",
            ),
            models.UniqueConstraint(
                fields=["visit", "user"],
                condition=Q(user__isnull=False, is_active=True),
                name="delegationmember_user_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def readiness_of(cls, done_on: dt.date | None, today: dt.date) -> "DelegationMember.Readiness":
        """A step (visa issued, tickets, …) is done only once its date has come: a visa issued
        on a future date is expected, not done."""
        if done_on is None:
            return cls.Readiness.MISSING
        return cls.Readiness.DONE if done_on <= today else cls.Readiness.EXPECTED


class VisitObjective(TimeStampedModel, ArchivableModel):
    """What the visit should achieve, tied to a priority area and optionally a recommendation."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="objectives")
    priority_area = models.ForeignKey(
        "collaboration.PriorityArea", on_delete=models.PROTECT, related_name="visit_objectives"
    )
    recommendation = models.ForeignKey(
        "collaboration.Recommendation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visit_objectives",
    )
    text = models.TextField(_("objective"))
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    objects = VisitObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["visit", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ItineraryItem(TimeStampedModel, VersionedModel, ArchivableModel):
    """One entry of the day-by-day itinerary; times stored in UTC with the place's zone.

    Removing an entry archives it (`archived_at`); every reading of the plan uses `.active()`.
    """

    class Kind(models.TextChoices):
        LAB_TOUR = "lab_tour", _("Lab tour")
        MEETING = "meeting", _("Meeting")
        PRESENTATION = "presentation", _("Presentation")
        TRAVEL = "travel", _("Travel")
        SIGNING = "signing", _("Signing")
        OTHER = "other", _("Other")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="itinerary")
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="itinerary_items"
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.MEETING)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=_zone_choices, default="Asia/Shanghai"
    )
    counterparts = models.TextField(_("BGI counterparts"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    attendees = models.ManyToManyField(
        DelegationMember, related_name="itinerary_items", blank=True, verbose_name=_("attending")
    )
    is_outside_visit = models.BooleanField(
        _("outside the visit's dates"),
        default=False,
        help_text=_(
            "Set on purpose for an entry before departure or after return (a preparatory call, "
            "say); it is shown with the entry to everyone who sees it."
        ),
    )

    objects = ItineraryItemQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["visit", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="itineraryitem_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def lies_outside_visit(self) -> bool:
        """Outside its visit's dates: marked so when saved, or the visit's dates moved since.
        Every page, export and endpoint showing the entry says so."""
        return self.is_outside_visit or self.visit.lies_outside(*self.local_days)

    @property
    def local_days(self) -> tuple[dt.date, dt.date]:
        """The first and last day of the entry on its place's calendar."""
        return (
            self.starts_at.astimezone(self.zone).date(),
            self.ends_at.astimezone(self.zone).date(),
        )


class LogisticsTask(TimeStampedModel):
    """A logistics checklist task of a visit (internal)."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="logistics")
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="logistics_tasks"
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords()

    objects = LogisticsTaskQuerySet.as_manager()

    class Meta:
        ordering = ["visit", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def is_overdue_on(self, today: dt.date) -> bool:
        """Open with a due date before `today`: `LogisticsTaskQuerySet.overdue` for one task."""
        return not self.is_done and self.due_on is not None and self.due_on < today

    @property
    def is_overdue(self) -> bool:
        """Overdue as of the local date."""
        return self.is_overdue_on(timezone.localdate())


class BudgetLine(TimeStampedModel):
    """An estimated and actual cost of the visit in PKR (internal)."""

    class Category(models.TextChoices):
        AIRFARE = "airfare", _("Airfare")
        ACCOMMODATION = "accommodation", _("Accommodation")
        PER_DIEM = "per_diem", _("Daily allowance")
        GROUND = "ground_transport", _("Ground transport")
        VISA = "visa", _("Visas")
        INSURANCE = "insurance", _("Insurance")
        OTHER = "other", _("Other")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=20, choices=Category)
    description = models.CharField(_("description"), max_length=300, blank=True)
    estimated_pkr = models.DecimalField(_("estimated (PKR)"), max_digits=14, decimal_places=2)
    actual_pkr = models.DecimalField(
        _("actual (PKR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["visit", "category", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_pkr__gte=0)
                & (Q(actual_pkr__isnull=True) | Q(actual_pkr__gte=0)),
                name="budgetline_amounts_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.estimated_pkr}"


class TripReport(TimeStampedModel, VersionedModel):
    """The delegation's report after the visit: a summary and findings per objective."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="report")
    summary = models.TextField(_("summary"), blank=True, help_text=_("Markdown."))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Trip report: {self.visit}"


class Finding(TimeStampedModel):
    """A finding of the trip report, per objective, that may become a follow-up."""

    class FollowUp(models.TextChoices):
        NONE = "none", _("No follow-up")
        ACTION_ITEM = "action_item", _("Action item")
        RECOMMENDATION = "recommendation", _("Draft recommendation")

    report = models.ForeignKey(TripReport, on_delete=models.CASCADE, related_name="findings")
    objective = models.ForeignKey(
        VisitObjective, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    text = models.TextField(_("finding"))
    follow_up = models.CharField(
        _("follow-up"), max_length=20, choices=FollowUp, default=FollowUp.NONE
    )
    follow_up_owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    follow_up_due_on = models.DateField(_("follow-up due on"), null=True, blank=True)
    action_item = models.OneToOneField(
        "collaboration.ActionItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finding",
    )
    recommendation = models.OneToOneField(
        "collaboration.Recommendation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finding",
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class TripReportAttachment(TimeStampedModel):
    """A PDF attached to the trip report (stored privately, served through a permission check)."""

    report = models.ForeignKey(TripReport, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file (PDF)"), upload_to=attachment_upload_to, storage=private_storage
    )
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords(excluded_fields=["file"])

    def __str__(self) -> str:
        return self.title
