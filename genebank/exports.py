"""The transfers register as a spreadsheet (for audits): one row per transfer with what it
relies on, written by the portal's one spreadsheet writer (`portal.exports.write_sheet`, which
passes every text cell through `spreadsheet_safe`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.exports import DATE_FORMAT, Column, workbook_bytes, write_sheet

from .models import Transfer


def transfers_register_xlsx(transfers: Iterable[Transfer]) -> bytes:
    """The register workbook; `transfers` come from `selectors.transfer_list` (prefetched)."""

    def build(workbook: Workbook) -> None:
        write_sheet(
            workbook,
            _("Transfers register"),
            [
                Column(_("Reference"), 16),
                Column(_("Kind"), 12),
                Column(_("State"), 16),
                Column(_("Priority area"), 20),
                Column(_("Cohort"), 28),
                Column(_("Consent versions"), 16),
                Column(_("Sample or data type"), 14),
                Column(_("Count"), 10, "0"),
                Column(_("Use it serves"), 16),
                Column(_("Purpose"), 36),
                Column(_("Destination site"), 24),
                Column(_("De-identification attested"), 12),
                Column(_("Agreement"), 18),
                Column(_("Agreement valid to"), 14, DATE_FORMAT),
                Column(_("Agreement SHA-256"), 20),
                Column(_("Approvals"), 28),
                Column(_("MoU clause"), 28),
                Column(_("Drafted on"), 14, DATE_FORMAT),
            ],
            (
                (
                    t.reference,
                    t.get_kind_display(),
                    t.get_status_display(),
                    t.cohort.priority_area.name,
                    t.cohort.name,
                    ", ".join(f"v{c.number}" for c in t.consent_versions.all()),
                    t.get_material_display(),
                    t.quantity,
                    t.get_purpose_use_display(),
                    t.purpose,
                    t.destination_site,
                    _("yes") if t.is_deidentified else _("no"),
                    t.agreement.reference,
                    t.agreement.valid_to,
                    t.agreement.signed_copy_sha256,
                    "; ".join(str(a) for a in t.approvals.all()),
                    str(t.agreement.mou_clause) if t.agreement.mou_clause else "",
                    t.created_at.date(),
                )
                for t in transfers
            ),
        )

    return workbook_bytes(build)
