"""A fault halfway through a multi-row operation leaves no partial write."""

import datetime as dt
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from collaboration.models import ActionItem, Recommendation
from delegations import services as delegation_services
from delegations.models import Finding, TripReport, Visit
from delegations.services import FindingData, finding_add, objective_add, trip_report_save
from mou import services as mou_services
from mou.models import Mou, Signatory
from mou.services import (
    clearance_record,
    mou_create,
    mou_transition,
    mou_version_publish,
    mou_version_share,
    signatory_add,
    signature_record,
)
from tests.factories import (
    ClauseFactory,
    DelegationMemberFactory,
    PriorityAreaFactory,
    ProgrammeFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 3, 1)


class Injected(RuntimeError):
    pass


def _approved_mou(ministry, approver):
    mou = mou_create(programme=ProgrammeFactory(), title="Fault MoU", actor=ministry)
    ClauseFactory(mou=mou)
    mou_version_share(version=mou_version_publish(mou=mou, actor=ministry), actor=ministry)
    for clearance in mou.clearances.all():
        clearance_record(clearance=clearance, actor=ministry, decision="cleared", reference="r")
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.TEXT_AGREED)
    return mou_transition(
        mou=Mou.objects.get(pk=mou.pk), name="approve_for_signature", actor=approver
    )


def test_a_fault_while_recording_the_last_signature_leaves_nothing_half_done(ministry, approver):
    mou = _approved_mou(ministry, approver)
    first = signatory_add(mou=mou, actor=ministry, name="Secretary", title="S", party="gop")
    second = signatory_add(mou=mou, actor=ministry, name="President", title="P", party="bgi")
    signature_record(signatory=first, actor=approver, signed_on=DAY, place="Islamabad")
    transitions_before = mou.transitions.count()

    # The signature row is saved, then the MoU is moved to "signed": fail in between.
    with (
        mock.patch.object(mou_services.MOU_FLOW, "apply", side_effect=Injected),
        pytest.raises(Injected),
    ):
        signature_record(signatory=second, actor=ministry, signed_on=DAY, place="Shenzhen")

    second.refresh_from_db()
    assert second.answer == Signatory.Answer.PENDING
    assert second.signed_on is None
    assert second.recorded_by is None
    assert Mou.objects.get(pk=mou.pk).status == Mou.Status.APPROVED
    assert mou.transitions.count() == transitions_before
    # Without the fault the same call succeeds.
    signature_record(signatory=second, actor=ministry, signed_on=DAY, place="Shenzhen")
    assert Mou.objects.get(pk=mou.pk).status == Mou.Status.SIGNED


def test_a_fault_while_submitting_the_trip_report_leaves_no_follow_ups(
    team, ministry, nih_lead, nih_expert
):
    visit = VisitFactory(completed=True)
    DelegationMemberFactory(visit=visit, user=nih_expert, name="Dr Bilal")
    objective = objective_add(
        visit=visit, actor=ministry, priority_area=PriorityAreaFactory(), text="Learn"
    )
    trip_report_save(visit=visit, actor=nih_expert, summary="A productive visit.")
    for text in ("Ask for a cost model", "Ask for training slots"):
        finding_add(
            visit=visit, actor=nih_expert,
            data=FindingData(text=text, objective=objective, follow_up="action_item",
                             follow_up_owner=ministry, follow_up_due_on=dt.date(2027, 2, 1)),
        )  # fmt: skip
    finding_add(
        visit=visit, actor=nih_expert,
        data=FindingData(text="Adopt the counselling model", objective=objective,
                         follow_up="recommendation", follow_up_owner=nih_expert),
    )  # fmt: skip
    real = delegation_services._create_follow_up
    calls = {"n": 0}

    def fail_on_the_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise Injected
        return real(*args, **kwargs)

    with (
        mock.patch.object(delegation_services, "_create_follow_up", fail_on_the_third),
        pytest.raises(Injected),
    ):
        delegation_services.trip_report_submit(visit=visit, actor=ministry)

    assert calls["n"] == 3  # two follow-ups were written before the fault
    assert ActionItem.objects.count() == 0
    assert Recommendation.objects.count() == 0
    assert not Finding.objects.filter(action_item__isnull=False).exists()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.COMPLETED
    assert visit.transitions.count() == 0
    assert TripReport.objects.get(visit=visit).submitted_at is None


def test_a_refused_upload_saves_no_file_or_row(ministry, approver, tmp_path, settings):
    from mou.models import SignedCopy

    mou = _approved_mou(ministry, approver)
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.SIGNED)

    with pytest.raises(Exception, match="not a PDF"):
        mou_services.signed_copy_upload(
            mou=Mou.objects.get(pk=mou.pk),
            actor=ministry,
            upload=SimpleUploadedFile("x.pdf", b"GIF89a not a pdf"),
        )

    assert not SignedCopy.objects.exists()
    private = settings.MEDIA_ROOT / "private"
    assert not private.exists() or not any(p.is_file() for p in private.rglob("*"))
