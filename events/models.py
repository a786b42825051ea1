"""The outbox of domain events, follows, and webhook subscriptions with their delivery ledger."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Event(models.Model):
    """One thing that happened, recorded in the transaction that made it happen.

    `notified_at` and `dispatched_at` mark the after-commit work done (people told, webhook
    deliveries created); a sweep picks up events a killed worker left unmarked.
    """

    type = models.CharField(_("event type"), max_length=80, db_index=True)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject type")
    )
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    actor = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    priority_area_ids = models.JSONField(_("priority areas"), default=list, blank=True)
    created_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    notified_at = models.DateTimeField(_("people told at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("webhooks queued at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="event_subject")]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"

    @property
    def subject_key(self) -> str:
        """ "<app_label>.<model>:<pk>", as reminders name records."""
        ct = ContentType.objects.get_for_id(self.subject_type_id)
        return f"{ct.app_label}.{ct.model}:{self.subject_id}"


class Follow(models.Model):
    """A person who wants to be told about everything that happens to one record."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="follows")
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "subject_type", "subject_id"], name="follow_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.subject_type_id}:{self.subject_id}"


class WebhookSubscription(models.Model):
    """An outside system told about events by signed HTTP POSTs, seeing what its owner sees."""

    owner = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
        verbose_name=_("owner"),
        help_text=_("Deliveries show only what this user may see."),
    )
    name = models.CharField(_("name"), max_length=200)
    target_url = models.URLField(_("target URL"), max_length=500)
    event_types = models.JSONField(
        _("event types"), default=list, blank=True, help_text=_("Empty: every event type.")
    )
    priority_area = models.ForeignKey(
        "collaboration.PriorityArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("priority area"),
        help_text=_("Only events about this priority area (empty: all)."),
    )
    secret = models.CharField(_("secret"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failed deliveries in a row"), default=0)
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event for one subscription: the exactly-once ledger (retried until sent or expired)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_response_code = models.PositiveSmallIntegerField(
        _("last response code"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="webhookdelivery_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhookdelivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: what was sent, what came back, when."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveIntegerField(_("attempt"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    request_headers = models.JSONField(_("request headers"), default=dict)
    request_body = models.TextField(_("request body"))
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    response_body = models.TextField(_("response body"), blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = _("webhook attempt")
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhookattempt_once")
        ]

    def __str__(self) -> str:
        return f"{self.delivery} #{self.number}"
