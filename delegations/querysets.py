"""Chainable filters; `visible_to(user)` is the list-level twin of `can_view_visit`."""

from __future__ import annotations

from typing import Any

from django.db import models

from portal import policies as roles


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> VisitQuerySet:
        """Internal people and API clients see every visit; BGI's liaison only shared ones."""
        if roles.can_read_programme_status(user):
            return self.all()
        if roles.is_bgi_liaison(user):
            return self.filter(is_shared_with_bgi=True, archived_at__isnull=True)
        return self.none()

    def active(self) -> VisitQuerySet:
        return self.filter(archived_at__isnull=True)


class ItineraryItemQuerySet(models.QuerySet):
    def active(self) -> ItineraryItemQuerySet:
        """Entries still in the plan: a removed entry is archived, never erased."""
        return self.filter(archived_at__isnull=True)


class SiteQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> SiteQuerySet:
        if roles.can_read_programme_status(user) or roles.is_bgi_liaison(user):
            return self.all()
        return self.none()
