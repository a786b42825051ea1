"""Visits: time zones, iCalendar, double bookings, readiness, workflow, uploads, BGI's view,
and the trip report's follow-ups."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from collaboration.models import ActionItem, Recommendation
from delegations.models import Finding, TripReport, Visit
from delegations.selectors import (
    double_bookings,
    itinerary_days,
    member_readiness,
    visit_calendar,
    visit_readiness,
)
from delegations.services import (
    FindingData,
    ItineraryData,
    MemberData,
    finding_add,
    itinerary_item_add,
    member_add,
    trip_report_save,
    trip_report_submit,
    visit_record_invitation,
    visit_transition,
)
from delegations.workflows import VISIT_FLOW
from portal.exceptions import Conflict, TransitionNotAllowed
from tests.factories import (
    DelegationMemberFactory,
    ItineraryItemFactory,
    PriorityAreaFactory,
    SiteFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_an_item_at_nine_in_shenzhen_is_six_in_pakistan_and_lands_right_in_the_ics(ministry):
    visit = VisitFactory()
    member = DelegationMemberFactory(visit=visit)

    item = itinerary_item_add(
        visit=visit, actor=ministry,
        data=ItineraryData(title="Lab tour", starts=dt.datetime(2027, 1, 12, 9, 0, tzinfo=SHANGHAI),
                           ends=dt.datetime(2027, 1, 12, 11, 0, tzinfo=SHANGHAI), site=SiteFactory(), attendees=[member]),
    )  # fmt: skip

    assert item.timezone == "Asia/Shanghai"
    assert item.starts_at == dt.datetime(2027, 1, 12, 1, 0, tzinfo=dt.UTC)
    [(day, [row])] = itinerary_days([item])
    assert (day, row.local_start.strftime("%H:%M"), row.home_start.strftime("%H:%M")) == (
        dt.date(2027, 1, 12), "09:00", "06:00",
    )  # fmt: skip
    parsed = icalendar.Calendar.from_ical(visit_calendar(visit, [item]))
    [event] = parsed.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == dt.datetime(2027, 1, 12, 9, 0, tzinfo=SHANGHAI)
    assert start.astimezone(dt.UTC) == dt.datetime(2027, 1, 12, 1, 0, tzinfo=dt.UTC)
    assert str(event["summary"]) == "Lab tour"
    assert "China National" not in str(event["location"])


def test_the_member_calendar_holds_only_their_items(ministry):
    visit = VisitFactory()
    alice, bob = (
        DelegationMemberFactory(visit=visit, name="Alice"),
        DelegationMemberFactory(visit=visit, name="Bob"),
    )
    ItineraryItemFactory(visit=visit, title="Both", attendees=[alice, bob])
    only_bob = ItineraryItemFactory(
        visit=visit, title="Bob only", attendees=[bob],
        starts_at=dt.datetime(2027, 1, 13, 1, tzinfo=dt.UTC), ends_at=dt.datetime(2027, 1, 13, 2, tzinfo=dt.UTC),
    )  # fmt: skip

    parsed = icalendar.Calendar.from_ical(
        visit_calendar(visit, list(visit.itinerary.all()), member=alice)
    )

    assert [str(e["summary"]) for e in parsed.walk("VEVENT")] == ["Both"]
    assert only_bob.pk


def test_a_member_booked_in_two_places_at_once_is_flagged():
    visit = VisitFactory()
    alice = DelegationMemberFactory(visit=visit, name="Alice")
    first = ItineraryItemFactory(visit=visit, title="Lab tour", attendees=[alice])
    second = ItineraryItemFactory(
        visit=visit, title="Protocol meeting", attendees=[alice],
        starts_at=dt.datetime(2027, 1, 12, 2, 0, tzinfo=dt.UTC), ends_at=dt.datetime(2027, 1, 12, 4, 0, tzinfo=dt.UTC),
    )  # fmt: skip
    later = ItineraryItemFactory(
        visit=visit, title="Dinner", attendees=[alice],
        starts_at=dt.datetime(2027, 1, 12, 4, 0, tzinfo=dt.UTC), ends_at=dt.datetime(2027, 1, 12, 5, 0, tzinfo=dt.UTC),
    )  # fmt: skip

    clashes = double_bookings(list(visit.itinerary.prefetch_related("attendees")))

    assert clashes[first.pk] == ["Alice is also at “Protocol meeting”."]
    assert clashes[second.pk] == ["Alice is also at “Lab tour”."]
    assert later.pk not in clashes


def test_readiness_flags_a_passport_expiring_five_months_after_return():
    visit = VisitFactory(ends_on=dt.date(2027, 1, 15))
    member = DelegationMemberFactory(
        visit=visit, name="Dr Farah", passport_expires_on=dt.date(2027, 6, 15),
        visa_applied_on=dt.date(2026, 11, 1), visa_issued_on=dt.date(2026, 11, 5),
        travel_approval_on=dt.date(2026, 11, 1), tickets_issued_on=dt.date(2026, 11, 2),
        insurance_on=dt.date(2026, 11, 2),
    )  # fmt: skip

    readiness = member_readiness(member, visit)

    assert [c.key for c in readiness.blockers] == ["passport"]
    assert "must be valid until 15 Jul 2027" in readiness.blockers[0].detail
    member.passport_expires_on = dt.date(2027, 7, 15)
    assert member_readiness(member, visit).is_ready is True


def test_visit_readiness_lists_what_blocks_departure():
    visit = VisitFactory()
    DelegationMemberFactory(
        visit=visit, name="Head", role="head", passport_expires_on=dt.date(2030, 1, 1)
    )

    readiness = visit_readiness(visit)

    assert readiness.is_ready is False
    assert "Head: Visa applied" in readiness.blockers
    assert readiness.percent == 17  # 1 of 6 checks


def test_ministry_records_the_invitation_pdf_and_the_visit_moves(ministry):
    visit = VisitFactory()

    moved = visit_record_invitation(
        visit=visit, actor=ministry, letter=SimpleUploadedFile("inv.pdf", PDF, "application/pdf"),
        received_on=dt.date(2026, 11, 20), reference="BGI/IC/118",
    )  # fmt: skip

    assert moved.status == Visit.Status.INVITATION_RECEIVED
    assert moved.invitation_letter.name.startswith("delegations/invitations/")
    with moved.invitation_letter.open("rb") as letter:
        assert letter.read() == PDF
    assert moved.transitions.get().actor == ministry


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"GIF89a not a pdf", "inv.pdf", "not a PDF"),
        (PDF + b"0" * (11 * 1024 * 1024), "big.pdf", "larger than"),
    ],
)
def test_a_non_pdf_or_oversized_invitation_is_refused_and_nothing_is_saved(
    ministry, content, name, message
):
    visit = VisitFactory()

    with pytest.raises(ValidationError, match=message):
        visit_record_invitation(
            visit=visit, actor=ministry, letter=SimpleUploadedFile(name, content, "application/pdf"),
            received_on=dt.date(2026, 11, 20),
        )  # fmt: skip

    visit.refresh_from_db()
    assert (visit.status, visit.invitation_letter.name, visit.transitions.count()) == (
        "proposed",
        "",
        0,
    )


VISIT_MAY = {name: {"ministry", "approver"} for name in VISIT_FLOW.transitions}
VISIT_MAY["submit_report"] = {"ministry", "approver"}
PERSONAS = ["ministry", "approver", "nih_lead", "nih_expert", "bgi_liaison", "api_client"]


@pytest.mark.parametrize(
    "name", sorted(set(VISIT_FLOW.transitions) - {"record_invitation", "submit_report"})
)
@pytest.mark.parametrize("who", PERSONAS)
def test_visit_transitions_allowed_and_refused_per_role(persona, who, name):
    transition = VISIT_FLOW.get(name)
    visit = VisitFactory(status=sorted(transition.source)[0], travel_approval_reference="NOC-7")
    actor = persona(who)

    if who in VISIT_MAY[name]:
        moved = visit_transition(
            visit=visit,
            name=name,
            actor=actor,
            comment="Because.",
            travel_approval_reference="NOC-7",
        )
        assert moved.status == transition.target
    else:
        with pytest.raises(PermissionDenied):
            visit_transition(
                visit=visit, name=name, actor=actor, comment="x", travel_approval_reference="NOC-7"
            )


@pytest.mark.parametrize("status", list(Visit.Status.values))
def test_depart_is_allowed_only_while_preparing(ministry, status):
    visit = VisitFactory(status=status, travel_approval_reference="NOC-1")

    if status == "preparing":
        assert visit_transition(visit=visit, name="depart", actor=ministry).status == "in_progress"
    else:
        with pytest.raises(TransitionNotAllowed):
            visit_transition(visit=visit, name="depart", actor=ministry)


def test_approval_needs_the_travel_approval_reference(ministry):
    visit = VisitFactory(invitation_received=True)

    with pytest.raises(ValidationError, match="travel approval reference"):
        visit_transition(visit=visit, name="approve", actor=ministry)
    moved = visit_transition(
        visit=visit, name="approve", actor=ministry, travel_approval_reference="NOC-2026-77"
    )

    assert (moved.status, moved.travel_approval_reference) == ("approved", "NOC-2026-77")


def test_postponing_needs_a_reason(ministry):
    with pytest.raises(TransitionNotAllowed, match="needs a comment"):
        visit_transition(visit=VisitFactory(), name="postpone", actor=ministry)


def test_bgi_liaison_sees_only_shared_visits(bgi_liaison, ministry):
    shared = VisitFactory(shared=True)
    VisitFactory()

    assert list(Visit.objects.visible_to(bgi_liaison)) == [shared]
    assert Visit.objects.visible_to(ministry).count() == 2


def test_the_delegation_has_one_head(ministry):
    visit = VisitFactory()
    member_add(visit=visit, actor=ministry, data=MemberData(name="ED NIH", role="head"))

    with pytest.raises(Conflict, match="already has a head"):
        member_add(visit=visit, actor=ministry, data=MemberData(name="Someone", role="head"))

    assert visit.members.count() == 1


def test_submitting_the_trip_report_creates_the_linked_follow_ups(
    team, ministry, nih_lead, nih_expert
):
    visit = VisitFactory(completed=True)
    DelegationMemberFactory(visit=visit, user=nih_expert, name="Dr Bilal")
    area = PriorityAreaFactory()
    from delegations.services import objective_add

    objective = objective_add(
        visit=visit, actor=ministry, priority_area=area, text="Learn screening"
    )
    trip_report_save(visit=visit, actor=nih_expert, summary="A productive visit.")
    to_action = finding_add(
        visit=visit, actor=nih_expert,
        data=FindingData(text="Ask BGI for a screening cost model", objective=objective,
                         follow_up="action_item", follow_up_owner=ministry,
                         follow_up_due_on=dt.date(2027, 2, 1)),
    )  # fmt: skip
    to_recommendation = finding_add(
        visit=visit, actor=nih_expert,
        data=FindingData(text="Adopt BGI's counselling model", objective=objective,
                         follow_up="recommendation", follow_up_owner=nih_expert),
    )  # fmt: skip
    finding_add(visit=visit, actor=nih_expert, data=FindingData(text="The labs are impressive."))

    moved = trip_report_submit(visit=visit, actor=ministry)

    assert moved.status == Visit.Status.REPORT_SUBMITTED
    to_action.refresh_from_db()
    to_recommendation.refresh_from_db()
    item = ActionItem.objects.get()
    assert (to_action.action_item, item.owner, item.linked_record) == (item, ministry, visit)
    rec = Recommendation.objects.get()
    assert (to_recommendation.recommendation, rec.status, list(rec.priority_areas.all())) == (
        rec,
        "draft",
        [area],
    )
    assert Finding.objects.filter(follow_up="none").get().action_item is None
    visit.refresh_from_db()
    assert TripReport.objects.get(visit=visit).submitted_by == ministry


def test_someone_outside_the_delegation_cannot_write_findings(nih_expert2):
    visit = VisitFactory(completed=True)

    with pytest.raises(PermissionDenied):
        finding_add(visit=visit, actor=nih_expert2, data=FindingData(text="x"))


def test_an_empty_report_cannot_be_submitted(ministry):
    visit = VisitFactory(completed=True)

    with pytest.raises(ValidationError, match="summary"):
        trip_report_submit(visit=visit, actor=ministry)

    visit.refresh_from_db()
    assert visit.status == Visit.Status.COMPLETED
    assert visit.transitions.count() == 0
