"""The portal's user and the abstract bases every domain model builds on."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    """The portal's roles; each value is the name of the Django group that grants it."""

    MINISTRY = "ministry_staff", _("Ministry staff")
    APPROVER = "ministry_approver", _("Ministry approver")
    NIH_LEAD = "nih_lead", _("NIH lead")
    NIH_EXPERT = "nih_expert", _("NIH expert")
    BGI_LIAISON = "bgi_liaison", _("BGI liaison")
    API_CLIENT = "api_client", _("API client")
    ADMINISTRATOR = "administrator", _("Administrator")


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class User(AbstractUser):
    """A person (or machine account) who uses the portal; roles come from groups."""

    class Organisation(models.TextChoices):
        MINISTRY = "monhsrc", _("Ministry of National Health Services (MoNHSR&C)")
        NIH = "nih", _("National Institutes of Health (NIH)")
        BGI = "bgi", _("BGI Group")
        OTHER = "other", _("Other")

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    organisation = models.CharField(
        _("organisation"), max_length=20, choices=Organisation, default=Organisation.OTHER
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=_time_zone_choices, default="Asia/Karachi"
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["full_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name to show people: full name when known, else the username."""
        return self.full_name or self.get_full_name() or self.username


class TimeStampedModel(models.Model):
    """Adds creation and last-change times (UTC)."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Adds a version number for optimistic concurrency (ETag / If-Match, form `version`)."""

    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class ArchivableModel(models.Model):
    """Programme records are archived, never deleted; `archived_at` marks when."""

    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class TransitionLogBase(models.Model):
    """One recorded workflow step: who moved the record, from where to where, and why.

    Concrete logs add `subject = ForeignKey(<Model>, related_name="transitions")`.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    transition = models.CharField(_("transition"), max_length=50)
    from_status = models.CharField(_("from"), max_length=50)
    to_status = models.CharField(_("to"), max_length=50)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.transition}: {self.from_status} → {self.to_status}"


class ApiToken(models.Model):
    """A named API key of a user; only its SHA-256 digest is stored, and revoking keeps the row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Created after the owner proved a second factor (a code at token login, or a verified web
    # session). Whoever must use two-factor login can use only such tokens.
    is_two_factor_verified = models.BooleanField(_("two-factor verified"), default=False)

    history = HistoricalRecords(excluded_fields=["digest", "last_used_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ReminderDelivery(models.Model):
    """One reminder to one person about one dated thing: the send-once ledger.

    The unique key (kind, object, due date, offset, recipient) is claimed by inserting the row, so a
    task that runs twice, two racing workers or a retried task can never send the same reminder
    twice. `offset_days` counts days before the due date (0 on the day, negative when overdue).
    Digest e-mails are ledger rows too (kind "digest", one per user and local day).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail now")
        DIGEST = "digest", _("Daily digest")
        PORTAL = "portal", _("Portal only")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=50)
    object_key = models.CharField(_("object"), max_length=100)
    due_on = models.DateField(_("due on"))
    offset_days = models.IntegerField(_("days before due"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reminder_deliveries",
        verbose_name=_("recipient"),
    )
    is_escalation = models.BooleanField(_("escalation"), default=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.EMAIL)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    title = models.CharField(_("title"), max_length=300, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digested",
        verbose_name=_("sent in digest"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_key", "due_on", "offset_days", "recipient"],
                name="reminderdelivery_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="reminderdelivery_sent_has_sent_at",
            ),
        ]
        indexes = [models.Index(fields=["status", "channel"], name="reminderdelivery_pending")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_key} {self.due_on} ({self.offset_days:+d}) → {self.recipient}"

    @property
    def unique_key(self) -> str:
        """The ledger key as text: the base of the e-mail's Message-ID."""
        return (
            f"{self.kind}|{self.object_key}|{self.due_on.isoformat()}|{self.offset_days}"
            f"|{self.recipient_id}"
        )


class Notification(models.Model):
    """A message in a user's portal inbox (the bell); created with its ledger row."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    delivery = models.OneToOneField(
        ReminderDelivery,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notification",
        verbose_name=_("reminder"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How one user wants one kind of reminder or notice: e-mail on or off, at once or in a daily
    digest; a notice (events) may also be off altogether.

    No row means the defaults: e-mail on, immediately.
    """

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DIGEST = "digest", _("Daily digest")
        OFF = "off", _("Off (notices only)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    email_enabled = models.BooleanField(_("e-mail"), default=True)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency, default=Frequency.IMMEDIATE
    )

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("notification preference")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notificationpreference_once_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind}"


class IdempotencyKey(models.Model):
    """A POST (or PATCH) the API already answered for this user and `Idempotency-Key`.

    A retry with the same key and body gets the stored answer again (header
    `Idempotent-Replayed: true`); the same key with a different request is refused (422); a
    retry while the first is still running gets 409. Rows expire after a day.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    request_hash = models.CharField(_("request hash"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response_body = models.TextField(_("response body"), blank=True)
    response_headers = models.JSONField(_("response headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"


class ChangeStamp(models.Model):
    """When a programme table last changed, and how many times (portal/freshness.py): what
    conditional reads are answered from. One row per model label; moved after each commit
    that wrote the table. Internal bookkeeping, shown to nobody (no admin, no translations)."""

    label = models.CharField(max_length=100, primary_key=True)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.label} #{self.version}"
