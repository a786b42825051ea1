"""Who may do what with the MoU: one rule, one function.

Pages ask `can_view_mous` (the MoU pages at all) or `can_view_mou_internals` (the working
draft, reviews, signing records, obligations) before anything else; which MoUs a person sees
is `Mou.objects.visible_to(user)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal import policies as roles

if TYPE_CHECKING:
    from portal.models import User

    from .models import Mou, MouVersion, Obligation


def can_view_mous(user: User) -> bool:
    """People inside government and BGI's liaison open the MoU pages (which MoUs: visible_to)."""
    return roles.is_internal(user) or roles.is_bgi_liaison(user)


def can_view_mou_internals(user: User, mou: Mou | None = None) -> bool:
    """The working draft, review rounds, clearances, internal comments, signing records."""
    return roles.is_internal(user)


def can_view_version(user: User, version: MouVersion) -> bool:
    """Whoever reads the programme's status reads every version; BGI's liaison shared ones."""
    if roles.can_read_programme_status(user):
        return True
    return roles.is_bgi_liaison(user) and version.is_shared_with_bgi


def can_edit_draft(user: User, mou: Mou | None = None) -> bool:
    """Ministry staff draft clauses (the service also requires drafting or negotiation)."""
    return roles.is_ministry(user)


def can_comment_version(user: User, version: MouVersion) -> bool:
    """Ministry staff and NIH comment internally; BGI's liaison on shared versions."""
    if roles.is_ministry(user) or roles.is_nih(user):
        return True
    return roles.is_bgi_liaison(user) and version.is_shared_with_bgi


def can_manage_mou(user: User, mou: Mou | None = None) -> bool:
    """Move the MoU along, publish and share versions, run reviews and clearances."""
    return roles.is_ministry(user)


def can_approve_for_signature(user: User, mou: Mou | None = None) -> bool:
    """Only a ministry approver approves the agreed text for signature."""
    return roles.is_ministry_approver(user)


def can_record_signature(user: User, mou: Mou | None = None) -> bool:
    """Ministry staff record signatures (maker-checker is checked by the service)."""
    return roles.is_ministry(user)


def can_terminate(user: User, mou: Mou | None = None) -> bool:
    """Only a ministry approver terminates an MoU in force."""
    return roles.is_ministry_approver(user)


def can_verify_signed_copy(user: User, mou: Mou | None = None) -> bool:
    """Everyone who opens the MoU pages may check a file against the signed copy."""
    return can_view_mous(user)


def can_update_obligation(user: User | None, obligation: Obligation) -> bool:
    """The ministry, or the person who follows the obligation up, starts, meets or reopens it."""
    if user is None:
        return False
    return can_manage_mou(user) or obligation.owner_id == user.pk


def can_waive_obligation(user: User, obligation: Obligation) -> bool:
    """Only the ministry waives an obligation (with a reason)."""
    return can_manage_mou(user)
