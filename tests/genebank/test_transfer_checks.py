import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from genebank import services
from genebank.checks import TransferChecksFailed, failed_checks
from genebank.models import Agreement, Approval, Material, Transfer, Use
from tests.genebank.conftest import make_transfer

pytestmark = pytest.mark.django_db


def _take(transfer, *steps, **actors):
    for name in steps:
        transfer = services.transfer_transition(transfer=transfer, name=name, actor=actors[name])
    return transfer


def test_a_transfer_whose_checks_hold_goes_from_draft_to_completed(
    bank, ministry, approver, bgi_liaison
):
    moved = _take(bank.transfer, "run_checks", "approve", "dispatch", "confirm_receipt", "complete",
                  run_checks=ministry, approve=approver, dispatch=ministry,
                  confirm_receipt=bgi_liaison, complete=ministry)  # fmt: skip

    assert moved.status == Transfer.Status.COMPLETED
    assert [t.transition for t in moved.transitions.all()] == [
        "run_checks",
        "approve",
        "dispatch",
        "confirm_receipt",
        "complete",
    ]


def _expire(approval):
    Approval.objects.filter(pk=approval.pk).update(
        valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2020, 12, 31)
    )


# Each way a transfer can fail its checks, and the check that names it.
REFUSALS = {
    "no_consent": (lambda b: {"consent_versions": []}, "consent_recorded"),
    "consent_without_export": (lambda b: {"consent_versions": [b.consent_v1]}, "consent_permits_export"),
    "consent_without_purpose": (lambda b: {"purpose_use": Use.RECONTACT}, "consent_permits_purpose"),
    "agreement_out_of_scope_type": (lambda b: {"material": Material.TISSUE}, "agreement_in_scope"),
    "no_ethics_approval": (lambda b: {"approvals": [b.permit]}, "ethics_approval"),
    "no_export_permit": (lambda b: {"approvals": [b.ethics]}, "export_permit"),
    "over_the_limit": (lambda b: {"quantity": 1001}, "within_limits"),
    "not_deidentified": (lambda b: {"is_deidentified": False}, "deidentified"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REFUSALS))
def test_running_the_checks_is_refused_naming_the_failed_check(bank, ministry, case):
    overrides, code = REFUSALS[case]
    transfer = make_transfer(bank, **overrides(bank))

    with pytest.raises(TransferChecksFailed) as refused:
        services.transfer_transition(transfer=transfer, name="run_checks", actor=ministry)

    assert code in [c.code for c in refused.value.failed]
    label = next(c.label for c in refused.value.failed if c.code == code)
    assert label in refused.value.message
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.DRAFT
    assert transfer.transitions.count() == 0


def test_dispatch_is_refused_when_the_export_permit_lapsed_after_approval(bank, ministry, approver):
    approved = _take(bank.transfer, "run_checks", "approve", run_checks=ministry, approve=approver)
    _expire(bank.permit)

    with pytest.raises(TransferChecksFailed) as refused:
        services.transfer_transition(transfer=approved, name="dispatch", actor=ministry)

    codes = [c.code for c in refused.value.failed]
    assert codes == ["export_permit", "approvals_in_scope"]
    assert "DRAP-1" in refused.value.message
    approved.refresh_from_db()
    assert approved.status == Transfer.Status.APPROVED


def test_dispatch_is_refused_when_the_agreement_is_out_of_date(bank, ministry, approver):
    approved = _take(bank.transfer, "run_checks", "approve", run_checks=ministry, approve=approver)
    later = bank.mta.valid_to + dt.timedelta(days=1)

    with pytest.raises(TransferChecksFailed) as refused:
        services.transfer_transition(
            transfer=approved, name="dispatch", actor=ministry, today=later
        )

    assert "agreement_in_date" in [c.code for c in refused.value.failed]


def test_an_agreement_without_its_signed_copy_fails_the_checks(bank):
    Agreement.objects.filter(pk=bank.mta.pk).update(signed_copy_sha256="")
    transfer = Transfer.objects.get(pk=bank.transfer.pk)

    failed = failed_checks(transfer, today=timezone.localdate())

    assert [c.code for c in failed] == ["agreement_signed"]


def test_transfers_already_sent_count_against_the_agreements_limit(bank, ministry, approver):
    first = make_transfer(bank, quantity=901)
    _take(first, "run_checks", "approve", "dispatch", run_checks=ministry, approve=approver,
          dispatch=ministry)  # fmt: skip

    failed = failed_checks(Transfer.objects.get(pk=bank.transfer.pk), today=timezone.localdate())

    assert [c.code for c in failed] == ["within_limits"]
    assert "901" in failed[0].detail


def test_an_approval_for_another_cohort_is_out_of_scope(bank, persona):
    from tests.factories import PriorityAreaFactory

    other = services.cohort_create(
        priority_area=PriorityAreaFactory(), actor=None,
        data=services.CohortData(name="Other", target_participants=1, target_samples=1,
                                 sample_types=[]),
    )  # fmt: skip
    Approval.objects.get(pk=bank.permit.pk).cohorts.set([other])

    failed = failed_checks(Transfer.objects.get(pk=bank.transfer.pk), today=timezone.localdate())

    assert [c.code for c in failed] == ["export_permit", "approvals_in_scope"]


def test_ministry_staff_cannot_approve_a_transfer(bank, ministry):
    checked = services.transfer_transition(
        transfer=bank.transfer, name="run_checks", actor=ministry
    )

    with pytest.raises(PermissionDenied):
        services.transfer_transition(transfer=checked, name="approve", actor=ministry)


def test_only_bgis_liaison_confirms_receipt(bank, ministry, approver):
    dispatched = _take(bank.transfer, "run_checks", "approve", "dispatch", run_checks=ministry,
                       approve=approver, dispatch=ministry)  # fmt: skip

    with pytest.raises(PermissionDenied):
        services.transfer_transition(transfer=dispatched, name="confirm_receipt", actor=ministry)


def test_a_draft_transfer_can_change_but_not_once_checked(bank, ministry):
    from portal.exceptions import Conflict

    data = services.TransferData(
        reference="TR-READY", kind=Transfer.Kind.SPECIMENS, cohort=bank.cohort, agreement=bank.mta,
        material=Material.DNA, quantity=50, purpose_use=Use.FUTURE_RESEARCH, purpose="x",
        destination_site="BGI Wuhan", consent_versions=[bank.consent_v2],
        approvals=[bank.ethics, bank.permit], is_deidentified=True,
    )  # fmt: skip
    updated = services.transfer_update(transfer=bank.transfer, actor=ministry,
                                       expected_version=1, data=data)  # fmt: skip
    assert updated.quantity == 50
    checked = services.transfer_transition(transfer=updated, name="run_checks", actor=ministry)

    with pytest.raises(Conflict):
        services.transfer_update(transfer=checked, actor=ministry,
                                 expected_version=checked.version, data=data)  # fmt: skip
