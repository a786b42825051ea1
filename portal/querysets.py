"""Query pieces every app shares: archived records stay in the table and out of the lists."""

from __future__ import annotations

from typing import Self

from django.db import models


class ArchivableQuerySet(models.QuerySet):
    """For models built on `ArchivableModel`: `.active()` and `.archived()`, written once."""

    def active(self) -> Self:
        """Records still in use: never archived."""
        return self.filter(archived_at__isnull=True)

    def archived(self) -> Self:
        """Records taken out of use; kept for the history, never deleted."""
        return self.filter(archived_at__isnull=False)
