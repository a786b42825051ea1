"""Who may do what in the gene bank: one rule, one function."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portal import policies as roles

from .querysets import BGI_VISIBLE_TRANSFER_STATUSES

if TYPE_CHECKING:
    from .models import Transfer


def can_view_genebank_pages(user: Any) -> bool:
    """People inside government and BGI's liaison (transfers addressed to BGI) open the gene
    bank's pages; machine accounts read through the API, anyone else is answered 404."""
    return roles.is_internal(user) or roles.is_bgi_liaison(user)


def can_view_plan(user: Any) -> bool:
    """The plan, cohorts, consent texts and the agreements and approvals register: people
    inside government (machine accounts read them through the API)."""
    return roles.is_internal(user)


def can_read_register(user: Any) -> bool:
    """Reading the plan and register through the API: internal people and machine accounts."""
    return roles.can_read_programme_status(user)


def can_manage_genebank(user: Any, obj: Any = None) -> bool:
    """Ministry staff keep the plan and the register and prepare and dispatch transfers."""
    return roles.is_ministry(user)


def can_view_transfer(user: Any, transfer: Transfer) -> bool:
    """Internal people and machine accounts see every transfer; BGI's liaison only a transfer
    addressed to BGI once the ministry has approved it."""
    if roles.can_read_programme_status(user):
        return True
    return (
        roles.is_bgi_liaison(user)
        and transfer.is_addressed_to_bgi
        and transfer.status in BGI_VISIBLE_TRANSFER_STATUSES
        and transfer.archived_at is None
    )


def can_view_transfer_governance(user: Any, transfer: Transfer | None = None) -> bool:
    """The cohort, consent versions, approvals and checks behind a transfer: never BGI."""
    return roles.can_read_programme_status(user)


def can_view_transfer_internals(user: Any, transfer: Transfer | None = None) -> bool:
    """Internal notes: people inside government only."""
    return roles.is_internal(user)


def can_approve_transfer(user: Any, transfer: Transfer | None = None) -> bool:
    """The ministry's approver approves a transfer whose checks have passed."""
    return roles.is_ministry_approver(user)


def can_confirm_receipt(user: Any, transfer: Transfer | None = None) -> bool:
    """BGI's liaison confirms that a transfer addressed to BGI arrived."""
    return roles.is_bgi_liaison(user) and (transfer is None or transfer.is_addressed_to_bgi)


def can_export_register(user: Any) -> bool:
    """The transfers register spreadsheet (for audits): people inside government."""
    return roles.is_internal(user)
