"""Every workflow step and every awaited moment emits one event into the outbox, from the
services, in the same transaction (a rolled-back change leaves no event)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from collaboration.services import recommendation_comment_add, recommendation_transition
from delegations.services import MemberData, member_update, visit_transition
from events.models import Event
from mou.services import (
    clause_comment_add,
    clearance_record,
    mou_transition,
    mou_version_publish,
    mou_version_share,
)
from tests.factories import (
    ActionItemFactory,
    ClauseFactory,
    DelegationMemberFactory,
    MouFactory,
    RecommendationFactory,
    SignatoryFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


def test_a_recommendation_step_emits_one_event_with_who_and_what(approver, nih_expert):
    rec = RecommendationFactory(submitted=True, authors=[nih_expert])

    recommendation_transition(
        recommendation=rec, name="return_for_revision", actor=approver, comment="Add costs."
    )

    event = Event.objects.get()
    assert event.type == "recommendation.return_for_revision"
    assert event.subject_id == rec.pk
    assert event.subject_type.model == "recommendation"
    assert event.actor == approver
    assert event.payload == {
        "transition": "return_for_revision",
        "from": "submitted",
        "to": "returned",
        "comment": "Add costs.",
    }
    assert event.priority_area_ids == list(rec.priority_areas.values_list("pk", flat=True))


def test_a_refused_step_emits_nothing(nih_expert):
    rec = RecommendationFactory(submitted=True)

    with pytest.raises(PermissionDenied):
        recommendation_transition(recommendation=rec, name="approve", actor=nih_expert)

    assert Event.objects.count() == 0


def test_a_rolled_back_step_leaves_no_event(approver):
    rec = RecommendationFactory(submitted=True)

    def approve_then_fail():
        with transaction.atomic():
            recommendation_transition(recommendation=rec, name="approve", actor=approver)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        approve_then_fail()

    assert Event.objects.count() == 0


def test_every_workflow_emits_from_the_one_engine(ministry):
    item = ActionItemFactory()
    visit = VisitFactory()
    mou = MouFactory()

    from collaboration.services import action_item_transition

    action_item_transition(item=item, name="cancel", actor=ministry, comment="Not needed.")
    visit_transition(visit=visit, name="postpone", actor=ministry, comment="Later.")
    mou_transition(mou=mou, name="submit_for_review", actor=ministry)

    assert sorted(Event.objects.values_list("type", flat=True)) == [
        "actionitem.cancel",
        "mou.submit_for_review",
        "visit.postpone",
    ]


def test_a_comment_emits_a_comment_event(ministry, nih_expert):
    rec = RecommendationFactory(authors=[nih_expert])

    comment = recommendation_comment_add(
        recommendation=rec, actor=ministry, body="Which districts?"
    )

    event = Event.objects.get()
    assert event.type == "recommendation.commented"
    assert event.payload["comment_id"] == comment.pk


def test_sharing_a_version_and_commenting_on_it_emit_events(ministry, bgi_liaison):
    mou = MouFactory()
    ClauseFactory(mou=mou)
    version = mou_version_publish(mou=mou, actor=ministry, note="First draft")

    mou_version_share(version=version, actor=ministry)
    clause_comment_add(
        version=version, clause=version.clauses.get(), actor=bgi_liaison, body="Please clarify."
    )

    shared, commented = Event.objects.order_by("pk")
    assert (shared.type, shared.subject_id) == ("mouversion.shared", version.pk)
    assert commented.type == "clausecomment.added"
    assert commented.payload["from_bgi"] is True


def test_a_cleared_step_emits_that_the_next_clearance_is_awaited(ministry):
    mou = MouFactory()
    first, second = (
        mou.clearances.create(name="Legal section", position=1),
        mou.clearances.create(name="Law ministry", position=2),
    )

    clearance_record(clearance=first, actor=ministry, decision="cleared", reference="L-1")

    event = Event.objects.get()
    assert event.type == "mou.clearance_awaited"
    assert event.payload["clearance"] == second.name


def test_approval_for_signature_emits_that_the_first_signature_is_awaited(approver):
    mou = MouFactory(text_agreed=True)
    SignatoryFactory(mou=mou, name="Secretary of Health", order=1)

    mou_transition(mou=mou, name="approve_for_signature", actor=approver)

    types = list(Event.objects.order_by("pk").values_list("type", "payload__signatory"))
    assert types == [
        ("mou.approve_for_signature", None),
        ("mou.signature_awaited", "Secretary of Health"),
    ]


def test_a_member_not_ready_close_to_departure_emits_readiness_blocking(ministry):
    visit = VisitFactory(
        starts_on=timezone.localdate() + timedelta(days=5),
        ends_on=timezone.localdate() + timedelta(days=10),
    )
    member = DelegationMemberFactory(visit=visit, name="Dr Ayesha")

    member_update(
        member=member,
        actor=ministry,
        data=MemberData(name="Dr Ayesha", visa_applied_on=timezone.localdate()),
    )

    event = Event.objects.get()
    assert event.type == "visit.readiness_blocking"
    assert event.payload["member"] == "Dr Ayesha"
    assert "visa_issued" in event.payload["blockers"]


def test_a_member_not_ready_long_before_departure_is_no_news(ministry):
    visit = VisitFactory(
        starts_on=timezone.localdate() + timedelta(days=60),
        ends_on=timezone.localdate() + timedelta(days=65),
    )
    member = DelegationMemberFactory(visit=visit)

    member_update(member=member, actor=ministry, data=MemberData(name=member.name))

    assert Event.objects.count() == 0


def test_a_finished_report_emits_ready(ministry):
    from reports.models import Report
    from reports.services import report_build, report_request

    report = report_request(
        actor=ministry, kind=Report.Kind.ACTION_ITEMS, format=Report.Format.XLSX
    )
    report_build(report_id=report.pk, actor=None)

    event = Event.objects.get()
    assert (event.type, event.subject_id) == ("report.ready", report.pk)
