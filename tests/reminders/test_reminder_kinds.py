"""Each app's declarations: who is reminded of what, with which link, and who is told as lead."""

from datetime import date, timedelta

import pytest
from django.core import mail

from delegations.models import DelegationMember, LogisticsTask, Visit
from mou.models import Mou, MouVersion, Obligation, ReviewRequest, ReviewRound
from portal.models import Notification, ReminderDelivery
from portal.notifications import reminders_send_due
from tests.factories import DelegationMemberFactory, MouFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db

DUE = date(2027, 3, 20)


def reminded(kind: str) -> list[tuple[str, int, bool]]:
    return sorted(
        ReminderDelivery.objects.filter(kind=kind).values_list(
            "recipient__username", "offset_days", "is_escalation"
        )
    )


def test_a_pending_review_reminds_the_reviewer_and_escalates_to_the_mou_officer(ministry):
    reviewer = UserFactory(username="reviewer")
    mou = MouFactory(responsible_officer=ministry)
    version = MouVersion.objects.create(mou=mou, number=1)
    review = ReviewRound.objects.create(
        mou=mou, version=version, title="Legal review", due_on=DUE, requested_by=ministry
    )
    ReviewRequest.objects.create(round=review, reviewer=reviewer)
    answered = UserFactory(username="answered")
    ReviewRequest.objects.create(round=review, reviewer=answered, decision="approved")

    reminders_send_due(today=DUE + timedelta(days=7))

    assert reminded("mou_review_due") == [("ministry", -7, True), ("reviewer", -6, False)]
    assert Notification.objects.filter(recipient=reviewer).get().url == f"/mou/reviews/{review.pk}/"


def test_a_closed_review_round_is_not_reminded(ministry):
    reviewer = UserFactory()
    mou = MouFactory(responsible_officer=ministry)
    version = MouVersion.objects.create(mou=mou, number=1)
    review = ReviewRound.objects.create(
        mou=mou, version=version, title="Closed", due_on=DUE, requested_by=ministry,
        closed_at="2027-03-01T00:00:00Z",
    )  # fmt: skip
    ReviewRequest.objects.create(round=review, reviewer=reviewer)

    assert reminders_send_due(today=DUE).claimed == 0


def test_the_signing_deadline_reminds_the_responsible_officer_until_signed(ministry):
    mou = MouFactory(responsible_officer=ministry, signing_deadline_on=DUE)

    reminders_send_due(today=DUE - timedelta(days=1))
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.SIGNED)
    reminders_send_due(today=DUE)

    assert reminded("mou_signing_deadline") == [("ministry", 1, False)]
    assert mail.outbox[0].to == [ministry.email]
    assert f"/mou/{mou.pk}/signing/" in mail.outbox[0].body


def test_an_open_obligation_reminds_its_owner_and_escalates_to_the_officer(ministry, nih_expert):
    mou = MouFactory(responsible_officer=ministry)
    Obligation.objects.create(
        mou=mou, party="nih", description="Share the annual data report", owner=nih_expert,
        due_on=DUE,
    )  # fmt: skip
    Obligation.objects.create(
        mou=mou, party="nih", description="Met already", owner=nih_expert, due_on=DUE,
        status=Obligation.Status.MET,
    )  # fmt: skip

    reminders_send_due(today=DUE + timedelta(days=8))

    assert reminded("mou_obligation_due") == [("ministry", -7, True), ("nih_expert", -6, False)]


def test_expiry_uses_its_own_longer_notice(ministry):
    MouFactory(responsible_officer=ministry, status=Mou.Status.IN_FORCE, effective_on=date(2022, 1, 1),
               expires_on=DUE)  # fmt: skip
    MouFactory(responsible_officer=ministry, expires_on=DUE)  # still drafting: no expiry reminder

    reminders_send_due(today=DUE - timedelta(days=80))

    assert reminded("mou_expiry") == [("ministry", 90, False)]
    assert "Due in 80 days" in mail.outbox[0].body


def test_a_checklist_task_reminds_its_owner_and_escalates_to_the_visit_officer(
    ministry, nih_expert
):
    visit = VisitFactory(responsible_officer=ministry)
    LogisticsTask.objects.create(visit=visit, title="Book hotel", owner=nih_expert, due_on=DUE)
    LogisticsTask.objects.create(
        visit=visit, title="Done", owner=nih_expert, due_on=DUE, done_on=DUE
    )
    LogisticsTask.objects.create(visit=visit, title="No owner", due_on=DUE)

    reminders_send_due(today=DUE + timedelta(days=7))

    # The officer hears about the owner's late task and about the task nobody owns.
    assert reminded("visit_task_due") == [
        ("ministry", -7, True),
        ("ministry", -7, True),
        ("nih_expert", -6, False),
    ]
    assert Notification.objects.filter(recipient=nih_expert).get().url == (
        f"/delegations/visits/{visit.pk}/logistics/"
    )
    bodies = sorted(Notification.objects.filter(recipient=ministry).values_list("body", flat=True))
    assert any("Nobody has been made responsible for it yet" in body for body in bodies)
    assert any("has not finished it and you are their lead" in body for body in bodies)


def test_a_member_without_a_visa_reminds_the_officer_and_the_member(ministry, nih_expert):
    visit = VisitFactory(
        responsible_officer=ministry, starts_on=DUE, ends_on=DUE + timedelta(days=5)
    )
    DelegationMemberFactory(visit=visit, user=nih_expert, name="Dr Expert")
    DelegationMemberFactory(visit=visit, name="External guest")
    DelegationMemberFactory(visit=visit, name="Has visa", visa_issued_on=date(2027, 3, 1))

    reminders_send_due(today=DUE - timedelta(days=14))

    # Two members lack a visa: the officer hears about both, the member with a login about theirs.
    assert reminded("visit_visa_missing") == [
        ("ministry", 14, False),
        ("ministry", 14, False),
        ("nih_expert", 14, False),
    ]
    titles = set(Notification.objects.filter(recipient=nih_expert).values_list("title", flat=True))
    assert any("Dr Expert" in title for title in titles)


def test_visa_reminders_stop_once_the_delegation_has_left(ministry):
    visit = VisitFactory(
        responsible_officer=ministry, starts_on=DUE, ends_on=DUE + timedelta(days=5)
    )
    DelegationMemberFactory(visit=visit, name="Guest")
    Visit.objects.filter(pk=visit.pk).update(
        status=Visit.Status.IN_PROGRESS, travel_approval_reference="NOC-1"
    )

    assert reminders_send_due(today=DUE).claimed == 0
    assert DelegationMember.objects.count() == 1


def test_a_visa_to_be_issued_on_a_future_date_is_reminded_until_that_day(ministry):
    # given: a visa the embassy will issue 10 days before departure (expected, not done)
    visit = VisitFactory(
        responsible_officer=ministry, starts_on=DUE, ends_on=DUE + timedelta(days=5)
    )
    DelegationMemberFactory(visit=visit, name="Dr Waiting", visa_issued_on=DUE - timedelta(days=10))

    # when: the reminders run 14 days before departure, then 7 days before
    reminders_send_due(today=DUE - timedelta(days=14))
    before_issue = reminded("visit_visa_missing")
    reminders_send_due(today=DUE - timedelta(days=7))

    # then: the officer was reminded while the visa was still to come, and not after its day
    assert before_issue == [("ministry", 14, False)]
    assert reminded("visit_visa_missing") == [("ministry", 14, False)]
