"""Reports: a request for a programme document (PDF or spreadsheet) and the file built for it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import TimeStampedModel

from .querysets import ReportQuerySet
from .storage import reports_storage


def report_upload_to(instance: "Report", filename: str) -> str:
    """Files are grouped by month; the stored name is not the download name."""
    return f"{instance.created_at:%Y/%m}/{filename}"


class Report(TimeStampedModel):
    """One report asked for by a person (or by the weekly schedule), built in the worker.

    The request is saved first and queued after the transaction commits; the worker moves it
    queued → running → ready (or failed). A ready report keeps its file in the private
    `reports` storage; it is downloaded only through views that check permission.
    """

    class Kind(models.TextChoices):
        PROGRAMME_STATUS = "programme_status", _("Programme status report")
        ACTION_ITEMS = "action_items", _("Action items export")

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        XLSX = "xlsx", _("Spreadsheet (.xlsx)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    FINISHED_STATUSES = frozenset({Status.READY, Status.FAILED})

    kind = models.CharField(_("report"), max_length=30, choices=Kind)
    format = models.CharField(_("format"), max_length=10, choices=Format)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.QUEUED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("requested by"),
    )
    is_scheduled = models.BooleanField(
        _("built by the schedule"),
        default=False,
        help_text=_("The weekly programme status report, built and e-mailed by the portal."),
    )
    enqueued_at = models.DateTimeField(
        _("handed to the queue at"),
        null=True,
        blank=True,
        help_text=_("Empty while the queue could not be reached; the sweep queues it again."),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(
        _("file"), storage=reports_storage, upload_to=report_upload_to, blank=True, max_length=300
    )
    filename = models.CharField(_("download name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    emailed_at = models.DateTimeField(
        _("e-mailed at"),
        null=True,
        blank=True,
        help_text=_("When the scheduled weekly report was e-mailed to ministry staff."),
    )

    objects = ReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready")
                | (~Q(file="") & Q(size__isnull=False) & Q(finished_at__isnull=False)),
                name="report_ready_has_file",
            ),
            models.CheckConstraint(
                condition=Q(status="queued") | Q(started_at__isnull=False) | Q(status="failed"),
                name="report_started_has_started_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | Q(finished_at__isnull=False),
                name="report_failed_has_finished_at",
            ),
            models.CheckConstraint(
                condition=Q(is_scheduled=True) | Q(requested_by__isnull=False),
                name="report_requested_by_someone_or_the_schedule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_format_display()}) #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("reports:report-list") + f"#report-{self.pk}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    @property
    def content_type(self) -> str:
        if self.format == self.Format.PDF:
            return "application/pdf"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
