"""The checks a transfer must pass before it may be approved and dispatched: consent,
agreement, approvals, limits and de-identification. Each failed check names itself.

One function, `transfer_checks`, is the rule; the services refuse a checked step with
`TransferChecksFailed`, the pages and the API show the same list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.exceptions import TransitionNotAllowed

from .models import Approval, Transfer, Use
from .workflows import SENT_STATUSES

LABELS = {
    "consent_recorded": gettext_lazy("Consent versions of the cohort named"),
    "consent_permits_export": gettext_lazy("Consent permits export"),
    "consent_permits_purpose": gettext_lazy("Consent permits the purpose"),
    "agreement_signed": gettext_lazy("Agreement signed copy on record"),
    "agreement_in_date": gettext_lazy("Agreement in date"),
    "agreement_in_scope": gettext_lazy("Agreement covers the type and the purpose"),
    "ethics_approval": gettext_lazy("Ethics approval in date"),
    "export_permit": gettext_lazy("Export permit in date"),
    "approvals_in_scope": gettext_lazy("Every approval named is in date and covers the cohort"),
    "within_limits": gettext_lazy("Counts within the agreement's limit"),
    "deidentified": gettext_lazy("De-identification attested"),
}


@dataclass(frozen=True)
class CheckResult:
    """One check: its stable `code`, its label, whether it holds, and why not."""

    code: str
    ok: bool
    detail: str = ""

    @property
    def label(self) -> str:
        return str(LABELS[self.code])


class TransferChecksFailed(TransitionNotAllowed):
    """A checked step was refused; the message names every failed check."""

    code = "transfer_checks_failed"

    def __init__(self, failed: list[CheckResult]) -> None:
        self.failed = failed
        names = "; ".join(f"{c.label}: {c.detail}" for c in failed)
        super().__init__(_("Refused, these checks fail: %(checks)s.") % {"checks": names})


def _covers(approval: Approval, cohort_id: int, day: dt.date) -> bool:
    return approval.is_in_date(day) and any(c.pk == cohort_id for c in approval.cohorts.all())


def transfer_checks(transfer: Transfer, *, today: dt.date) -> list[CheckResult]:
    """Every check of the transfer as of `today`, in a fixed order (a few queries)."""
    consents = list(transfer.consent_versions.all())
    approvals = list(transfer.approvals.prefetch_related("cohorts"))
    agreement = transfer.agreement
    results: list[CheckResult] = []

    def add(code: str, ok: bool, detail: str = "") -> None:
        results.append(CheckResult(code=code, ok=ok, detail="" if ok else detail))

    foreign = [str(c) for c in consents if c.cohort_id != transfer.cohort_id]
    add("consent_recorded", bool(consents) and not foreign,
        _("none named") if not consents else _("not of this cohort: %(v)s") % {"v": ", ".join(foreign)})  # fmt: skip
    no_export = [str(c) for c in consents if not c.permits(Use.EXPORT)]
    add("consent_permits_export", bool(consents) and not no_export,
        _("not permitted by %(v)s") % {"v": ", ".join(no_export) or "—"})  # fmt: skip
    no_purpose = [str(c) for c in consents if not c.permits(transfer.purpose_use)]
    add("consent_permits_purpose", bool(consents) and not no_purpose,
        _("“%(use)s” is not permitted by %(v)s")
        % {"use": transfer.get_purpose_use_display(), "v": ", ".join(no_purpose) or "—"})  # fmt: skip
    add("agreement_signed", agreement.has_signed_copy,
        _("%(ref)s has no signed copy") % {"ref": agreement.reference})  # fmt: skip
    add("agreement_in_date", agreement.is_in_date(today),
        _("%(ref)s is valid from %(start)s to %(end)s")
        % {"ref": agreement.reference, "start": agreement.valid_from, "end": agreement.valid_to})  # fmt: skip
    out_of_scope = []
    if transfer.material not in agreement.materials:
        out_of_scope.append(transfer.get_material_display())
    if transfer.purpose_use not in agreement.permitted_uses:
        out_of_scope.append(transfer.get_purpose_use_display())
    add("agreement_in_scope", not out_of_scope,
        _("%(ref)s does not cover %(what)s")
        % {"ref": agreement.reference, "what": ", ".join(str(x) for x in out_of_scope)})  # fmt: skip
    for code, kind in (("ethics_approval", Approval.Kind.ETHICS),
                       ("export_permit", Approval.Kind.EXPORT_PERMIT)):  # fmt: skip
        ok = any(a.kind == kind and _covers(a, transfer.cohort_id, today) for a in approvals)
        add(code, ok, _("none named is in date on %(day)s and covers the cohort") % {"day": today})
    bad = [a.reference for a in approvals if not _covers(a, transfer.cohort_id, today)]
    add(
        "approvals_in_scope",
        not bad,
        _("out of date or scope: %(refs)s") % {"refs": ", ".join(bad)},
    )
    sent = (
        Transfer.objects.filter(agreement=agreement, status__in=SENT_STATUSES)
        .exclude(pk=transfer.pk)
        .aggregate(total=Sum("quantity"))["total"]
        or 0
    )
    add("within_limits", sent + transfer.quantity <= agreement.max_quantity,
        _("%(sent)s already sent + %(n)s exceeds the limit of %(limit)s")
        % {"sent": sent, "n": transfer.quantity, "limit": agreement.max_quantity})  # fmt: skip
    add("deidentified", transfer.is_deidentified, _("not attested"))
    return results


def failed_checks(transfer: Transfer, *, today: dt.date) -> list[CheckResult]:
    """The checks that do not hold (empty: the transfer may move on)."""
    return [c for c in transfer_checks(transfer, today=today) if not c.ok]
