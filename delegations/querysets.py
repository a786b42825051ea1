"""Chainable filters; `visible_to(user)` is the list-level twin of `can_view_visit`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

from django.db import models
from django.utils import timezone

from portal import policies as roles
from portal.querysets import ArchivableQuerySet


class VisitQuerySet(ArchivableQuerySet):
    """Visits: archived ones stay in the table, out of `.active()`."""

    def visible_to(self, user: Any) -> Self:
        """Internal people and API clients see every visit; BGI's liaison only shared ones."""
        if roles.can_read_programme_status(user):
            return self.all()
        if roles.is_bgi_liaison(user):
            return self.active().filter(is_shared_with_bgi=True)
        return self.none()


class VisitObjectiveQuerySet(ArchivableQuerySet):
    """A removed objective is archived, never erased: `.active()` are the visit's objectives."""


class ItineraryItemQuerySet(ArchivableQuerySet):
    """Entries still in the plan are `.active()`: a removed entry is archived, never erased."""


class SiteQuerySet(ArchivableQuerySet):
    """BGI's sites: a site no longer visited is archived, out of `.active()`."""

    def visible_to(self, user: Any) -> Self:
        """BGI's sites are seen by internal people, API clients and BGI's liaison."""
        if roles.can_read_programme_status(user) or roles.is_bgi_liaison(user):
            return self.all()
        return self.none()


class LogisticsTaskQuerySet(models.QuerySet):
    """The logistics checklist: a task is open until it is done; an open task is overdue the
    day after its due date (the rule is `LogisticsTask.is_overdue_on` for one task)."""

    def open(self) -> Self:
        """Tasks not done yet."""
        return self.filter(done_on__isnull=True)

    def done(self) -> Self:
        """Tasks marked done."""
        return self.filter(done_on__isnull=False)

    def due_by(self, until: dt.date) -> Self:
        """Open tasks with a due date on or before `until` (overdue ones included)."""
        return self.open().filter(due_on__lte=until)

    def overdue(self, today: dt.date | None = None) -> Self:
        """Open tasks whose due date has passed (`today`, by default the local date)."""
        return self.open().filter(due_on__lt=today or timezone.localdate())
