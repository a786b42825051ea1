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

    history = HistoricalRecords(excluded_fields=["digest", "last_used_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
