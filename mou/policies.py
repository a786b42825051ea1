"""Who may do what with the MoU: one rule, one function."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portal import policies as roles

if TYPE_CHECKING:
    from .models import Mou, MouVersion


def can_view_mou_internals(user: Any, mou: Mou | None = None) -> bool:
    """The working draft, review rounds, clearances, internal comments, signing records."""
    return roles.is_internal(user)


def can_view_version(user: Any, version: MouVersion) -> bool:
    if roles.can_read_programme_status(user):
        return True
    return roles.is_bgi_liaison(user) and version.is_shared_with_bgi


def can_edit_draft(user: Any, mou: Mou | None = None) -> bool:
    """Ministry staff draft clauses (the service also requires drafting or negotiation)."""
    return roles.is_ministry(user)


def can_comment_version(user: Any, version: MouVersion) -> bool:
    """Ministry staff and NIH comment internally; BGI's liaison on shared versions."""
    if roles.is_ministry(user) or roles.is_nih(user):
        return True
    return roles.is_bgi_liaison(user) and version.is_shared_with_bgi


def can_manage_mou(user: Any, mou: Mou | None = None) -> bool:
    """Move the MoU along, publish and share versions, run reviews and clearances."""
    return roles.is_ministry(user)


def can_approve_for_signature(user: Any, mou: Mou | None = None) -> bool:
    return roles.is_ministry_approver(user)


def can_record_signature(user: Any, mou: Mou | None = None) -> bool:
    """Ministry staff record signatures (maker-checker is checked by the service)."""
    return roles.is_ministry(user)


def can_terminate(user: Any, mou: Mou | None = None) -> bool:
    return roles.is_ministry_approver(user)


def can_verify_signed_copy(user: Any, mou: Mou | None = None) -> bool:
    return roles.is_internal(user) or roles.is_bgi_liaison(user)
