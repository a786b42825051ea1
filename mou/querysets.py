"""Viewer scoping: BGI's liaison sees only what is shared with BGI, and nothing else exists."""

from __future__ import annotations

from typing import Any

from django.db import models

from portal import policies as roles


class MouQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> MouQuerySet:
        if roles.can_read_programme_status(user):
            return self.all()
        if roles.is_bgi_liaison(user):
            return self.filter(
                versions__is_shared_with_bgi=True, archived_at__isnull=True
            ).distinct()
        return self.none()


class MouVersionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> MouVersionQuerySet:
        if roles.can_read_programme_status(user):
            return self.all()
        if roles.is_bgi_liaison(user):
            return self.filter(is_shared_with_bgi=True)
        return self.none()


class ClauseCommentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ClauseCommentQuerySet:
        if roles.is_internal(user):
            return self.all()
        if roles.is_bgi_liaison(user):
            return self.filter(version__is_shared_with_bgi=True).filter(
                models.Q(is_from_bgi=True) | models.Q(is_visible_to_bgi=True)
            )
        return self.none()
