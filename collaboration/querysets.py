"""Chainable filters; `visible_to(user)` is the list-level twin of the `can_view_*` policies."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Self, cast

from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal import policies as roles
from portal.querysets import ArchivableQuerySet

if TYPE_CHECKING:
    from portal.models import User


def _reads_programme(user: Any) -> bool:
    """Internal people and machine accounts read the programme; BGI's liaison does not."""
    return roles.can_read_programme_status(user)


class _ProgrammeScoped(ArchivableQuerySet):
    def visible_to(self, user: User | Any) -> Self:
        return self.all() if _reads_programme(user) else self.none()


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user: User | Any) -> ProgrammeQuerySet:
        return self.all() if _reads_programme(user) else self.none()


class PriorityAreaQuerySet(_ProgrammeScoped):
    pass


class CapabilityQuerySet(_ProgrammeScoped):
    pass


class MeetingQuerySet(_ProgrammeScoped):
    pass


class RecommendationQuerySet(_ProgrammeScoped):
    def open(self) -> RecommendationQuerySet:
        return self.exclude(status__in=["approved", "rejected"]).active()

    def authored_by(self, user: User) -> RecommendationQuerySet:
        return self.filter(authors=user)


class ActionItemQuerySet(_ProgrammeScoped):
    def open(self) -> ActionItemQuerySet:
        """Still to be done, and not archived."""
        return self.filter(status__in=cast(Any, self.model).OPEN_STATUSES).active()

    def due_before(self, day: date) -> ActionItemQuerySet:
        return self.filter(due_on__lt=day)

    def overdue(self, today: date | None = None) -> ActionItemQuerySet:
        """Overdue, the one rule: open, not archived, due before today (the portal's zone).

        `ActionItem.is_overdue` is the same rule for one row already read.
        """
        return self.open().due_before(today or timezone.localdate())

    def linked_to(self, record: models.Model) -> ActionItemQuerySet:
        from django.contrib.contenttypes.models import ContentType

        return self.filter(
            linked_type=ContentType.objects.get_for_model(record), linked_id=record.pk
        )


class TeamMembershipQuerySet(models.QuerySet):
    def current(self, today: date | None = None) -> TeamMembershipQuerySet:
        today = today or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), started_on__lte=today)
