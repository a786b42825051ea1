"""Chainable filters for reports; `visible_to(user)` is the list-level twin of `can_view_report`."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import policies

if TYPE_CHECKING:
    from portal.models import User


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user: User | Any) -> ReportQuerySet:
        """Ministry staff and administrators see every report; other requesters (the NIH lead,
        API clients) see their own and the scheduled weekly ones; everyone else none."""
        if policies.sees_all_reports(user):
            return self.all()
        if policies.can_request_report(user, through_api=True):
            return self.filter(Q(requested_by=user) | Q(is_scheduled=True))
        return self.none()

    def stale_queued(self, *, older_than: timedelta) -> ReportQuerySet:
        """Queued reports no worker has started: never handed to the queue, or handed to it
        longer ago than `older_than` (the message was lost, or the broker was down)."""
        cutoff = timezone.now() - older_than
        return self.filter(status="queued", created_at__lt=cutoff).filter(
            Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=cutoff)
        )

    def stale_running(self, *, older_than: timedelta) -> ReportQuerySet:
        """Reports "being built" for longer than any build may take (`older_than`, past the
        task's hard time limit): their worker is gone (killed, or its machine stopped)."""
        return self.filter(status="running", started_at__lt=timezone.now() - older_than)
