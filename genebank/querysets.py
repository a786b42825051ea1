"""Chainable filters of the gene bank; `visible_to(user)` is the list-level twin of the
`can_view_*` policies."""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

from django.db.models import Q

from portal import policies as roles
from portal.querysets import ArchivableQuerySet

# Transfers BGI's liaison may see, when addressed to BGI: from the ministry's approval on.
BGI_VISIBLE_TRANSFER_STATUSES = (
    "approved",
    "dispatched",
    "received",
    "completed",
    "returned",
    "destroyed",
)


class InternalQuerySet(ArchivableQuerySet):
    """Plan and register records: internal people and machine accounts read them; BGI's
    liaison and anyone else see none."""

    def visible_to(self, user: Any) -> Self:
        """Everything for who reads programme status; nothing for anyone else."""
        if roles.can_read_programme_status(user):
            return self.all()
        return self.none()


class CohortQuerySet(InternalQuerySet):
    """Cohorts of the gene bank plan."""


class AgreementQuerySet(InternalQuerySet):
    """Material and data transfer agreements."""

    def in_date(self, day: dt.date) -> Self:
        """Agreements valid on `day`."""
        return self.filter(valid_from__lte=day, valid_to__gte=day)


class ApprovalQuerySet(InternalQuerySet):
    """Ethics approvals, export permits and other clearances."""

    def in_date(self, day: dt.date) -> Self:
        """Approvals valid on `day`."""
        return self.filter(valid_from__lte=day, valid_to__gte=day)

    def expiring_between(self, start: dt.date, end: dt.date) -> Self:
        """Active approvals whose validity ends from `start` through `end`."""
        return self.active().filter(valid_to__gte=start, valid_to__lte=end)


class MilestoneQuerySet(InternalQuerySet):
    """Dated milestones of the plan; open until done."""

    def open(self) -> Self:
        """Milestones not done yet."""
        return self.active().filter(done_on__isnull=True)


class TransferQuerySet(ArchivableQuerySet):
    """Transfers of specimens or data; BGI's liaison sees only those addressed to BGI, from
    the ministry's approval on."""

    def visible_to(self, user: Any) -> Self:
        """Internal people and API clients see every transfer; BGI's liaison only theirs."""
        if roles.can_read_programme_status(user):
            return self.all()
        if roles.is_bgi_liaison(user):
            return self.active().filter(
                Q(is_addressed_to_bgi=True) & Q(status__in=BGI_VISIBLE_TRANSFER_STATUSES)
            )
        return self.none()
