"""Who may open the overview's pages: one rule, one function."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal import policies as roles

if TYPE_CHECKING:
    from portal.models import User


def can_view_timeline(user: User) -> bool:
    """Internal people see the whole timeline; BGI's liaison its shared part; others nothing."""
    return roles.is_internal(user) or roles.is_bgi_liaison(user)


def can_view_api_guide(user: User) -> bool:
    """Whoever may read the programme's status through the API (scripts and their authors)."""
    return roles.can_read_programme_status(user)
