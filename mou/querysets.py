"""Viewer scoping (BGI's liaison sees only what is shared with BGI, and nothing else exists)
and the dated filters: what is overdue is decided here once per dated model, and the model's
`is_overdue`-style property says the same of one row.

The models import this module, so the models and the status sets of `workflows` are imported
inside the methods that need them.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal import policies as roles
from portal.querysets import ArchivableQuerySet

if TYPE_CHECKING:
    from portal.models import User


class MouQuerySet(ArchivableQuerySet):
    def visible_to(self, user: User | Any) -> Self:
        if roles.can_read_programme_status(user):
            return self.all()
        if roles.is_bgi_liaison(user):
            return self.active().filter(versions__is_shared_with_bgi=True).distinct()
        return self.none()

    def with_current_version(self, user: User | Any) -> Self:
        """Annotate `current_version`: the number of the latest version the user may read."""
        from .models import MouVersion

        latest = (
            MouVersion.objects.visible_to(user)
            .filter(mou=models.OuterRef("pk"))
            .order_by("-number")
            .values("number")[:1]
        )
        return self.annotate(
            current_version=models.Subquery(latest, output_field=models.IntegerField())
        )

    def with_out_of_step_count(self) -> Self:
        """Annotate `out_of_step_count`: clauses of the draft whose two languages differ."""
        from .models import Clause

        out_of_step = (
            Clause.objects.active()
            .filter(mou=models.OuterRef("pk"))
            .exclude(lagging_language="")
            .order_by()
            .values("mou")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            out_of_step_count=Coalesce(
                models.Subquery(out_of_step, output_field=models.IntegerField()), models.Value(0)
            )
        )

    def awaiting_signature(self) -> Self:
        """MoUs in use, not signed yet, with a signing deadline set."""
        from .workflows import UNSIGNED_STATUSES

        return self.active().filter(status__in=UNSIGNED_STATUSES, signing_deadline_on__isnull=False)

    def signing_overdue(self, today: date | None = None) -> Self:
        """Not signed by the signing deadline (`Mou.is_signing_overdue` for one MoU)."""
        today = today or timezone.localdate()
        return self.awaiting_signature().filter(signing_deadline_on__lt=today)


class ClauseQuerySet(ArchivableQuerySet):
    """Clauses of the working draft; a removed clause is archived (versions keep it)."""


class MouVersionQuerySet(models.QuerySet):
    def visible_to(self, user: User | Any) -> Self:
        if roles.can_read_programme_status(user):
            return self.all()
        if roles.is_bgi_liaison(user):
            return self.filter(is_shared_with_bgi=True)
        return self.none()


class ClauseCommentQuerySet(models.QuerySet):
    def visible_to(self, user: User | Any) -> Self:
        if roles.is_internal(user):
            return self.all()
        if roles.is_bgi_liaison(user):
            return self.filter(version__is_shared_with_bgi=True).filter(
                models.Q(is_from_bgi=True) | models.Q(is_visible_to_bgi=True)
            )
        return self.none()


class ReviewRoundQuerySet(models.QuerySet):
    def open(self) -> Self:
        """Rounds still waiting for an answer."""
        return self.filter(closed_at__isnull=True)

    def overdue(self, today: date | None = None) -> Self:
        """Open rounds past their due date (`ReviewRound.is_overdue` for one round)."""
        today = today or timezone.localdate()
        return self.open().filter(due_on__lt=today)


class ObligationQuerySet(models.QuerySet):
    def open(self) -> Self:
        """Obligations not met nor waived yet."""
        from .models import Obligation

        return self.filter(status__in=Obligation.OPEN_STATUSES)

    def overdue(self, today: date | None = None) -> Self:
        """Open obligations past their due date (`Obligation.is_overdue` for one)."""
        today = today or timezone.localdate()
        return self.open().filter(due_on__lt=today)
