"""Who may search and who may follow traceability: one rule, one function."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portal.policies import Viewer

from portal import policies as roles


def can_search(user: Viewer) -> bool:
    """People inside government and BGI's liaison (who finds only what is shared with BGI).

    Machine accounts read status through the resource endpoints; search is for people.
    """
    return roles.is_internal(user) or roles.is_bgi_liaison(user)


def can_view_traceability(user: Viewer) -> bool:
    """The chain between programme records is internal: BGI's liaison never sees it."""
    return roles.is_internal(user)
