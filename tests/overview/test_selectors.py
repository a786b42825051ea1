"""programme_status and the other overview reads: values, scoping and a flat query count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from collaboration.models import Recommendation
from mou.models import Clearance, Mou
from overview import selectors
from tests.factories import (
    ActionItemFactory,
    DelegationMemberFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MouFactory,
    PriorityAreaFactory,
    RecommendationFactory,
    SignatoryFactory,
    UserFactory,
    VisitFactory,
)
from tests.overview.factories import (
    LogisticsTaskFactory,
    MouVersionFactory,
    ObligationFactory,
    ReviewRequestFactory,
    build_programme,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


def _ready_member(visit, **kwargs):
    return DelegationMemberFactory(
        visit=visit,
        passport_expires_on=dt.date(2030, 1, 1),
        visa_applied_on=TODAY,
        visa_issued_on=TODAY,
        travel_approval_on=TODAY,
        tickets_issued_on=TODAY,
        insurance_on=TODAY,
        **kwargs,
    )


def test_indicator_progress_uses_the_latest_value(ministry):
    area = PriorityAreaFactory(name="Thalassemia", slug="thalassemia")
    indicator = IndicatorFactory(
        objective__priority_area=area,
        name="Carriers screened",
        unit="people",
        baseline=Decimal("0"),
        target=Decimal("200"),
    )
    IndicatorValueFactory(
        indicator=indicator, period="2026-Q2", period_end_on=dt.date(2026, 6, 30), actual=10
    )
    IndicatorValueFactory(
        indicator=indicator, period="2026-Q3", period_end_on=dt.date(2026, 9, 30), actual=50
    )

    status = selectors.programme_status(viewer=ministry, today=TODAY)

    (row,) = status.priority_areas
    assert (row.slug, row.name, row.progress) == ("thalassemia", "Thalassemia", 25)
    (objective,) = row.objectives
    (ind,) = objective.indicators
    assert ind.name == "Carriers screened"
    assert ind.latest_actual == Decimal("50")
    assert ind.latest_period == "2026-Q3"
    assert ind.percent == 25


def test_recommendations_are_counted_by_state_with_zeros(ministry):
    area = PriorityAreaFactory()
    RecommendationFactory(priority_areas=[area])
    RecommendationFactory(priority_areas=[area], submitted=True)
    RecommendationFactory(priority_areas=[area], submitted=True)

    status = selectors.programme_status(viewer=ministry, today=TODAY)

    counts = {row.state: row.count for row in status.priority_areas[0].recommendations_by_state}
    assert counts == dict.fromkeys(Recommendation.Status.values, 0) | {"draft": 1, "submitted": 2}
    assert [r.state for r in status.recommendations_by_state] == list(Recommendation.Status.values)


def test_visit_readiness_counts_members_checks_and_logistics(ministry):
    visit = VisitFactory(title="First visit", starts_on=TODAY + dt.timedelta(days=10))
    _ready_member(visit, role="head")
    DelegationMemberFactory(visit=visit, passport_expires_on=dt.date(2030, 1, 1))
    LogisticsTaskFactory(visit=visit, done_on=TODAY)
    LogisticsTaskFactory(visit=visit)

    status = selectors.programme_status(viewer=ministry, today=TODAY)

    readiness = status.visits[0].readiness
    assert (readiness.members_ready, readiness.members_total) == (1, 2)
    assert (readiness.checks_done, readiness.checks_total) == (7, 12)
    assert readiness.percent == 58
    assert (readiness.logistics_done, readiness.logistics_total) == (1, 2)
    assert status.next_visit.title == "First visit"


def test_mou_next_step_version_and_timeline(ministry):
    today = timezone.localdate()
    mou = MouFactory(
        status=Mou.Status.TEXT_AGREED, signing_deadline_on=today + dt.timedelta(days=5)
    )
    MouVersionFactory(mou=mou, number=1)
    MouVersionFactory(mou=mou, number=2)
    Clearance.objects.create(
        mou=mou, name="Ministry legal section", position=1, decision="cleared", decided_on=today
    )
    SignatoryFactory(mou=mou)

    status = selectors.programme_status(viewer=ministry, today=today)

    row = status.mou
    assert row.state == "text_agreed"
    assert row.current_version == 2
    assert row.next_steps == ("Approve for signature",)
    kinds = [m.kind for m in row.timeline]
    assert kinds.count("version_published") == 2
    assert "clearance" in kinds
    assert kinds[-1] == "signing_deadline"
    current = [s.state for s in row.stages if s.is_current]
    assert current == ["text_agreed"]
    assert [s.is_done for s in row.stages][:4] == [True, True, True, True]


def test_action_items_overdue_and_upcoming(ministry):
    owner = UserFactory(full_name="Ayesha Khan")
    ActionItemFactory(title="Late", owner=owner, due_on=TODAY - dt.timedelta(days=3))
    ActionItemFactory(owner=owner, due_on=TODAY)
    ActionItemFactory(owner=owner, due_on=TODAY + dt.timedelta(days=14))
    ActionItemFactory(owner=owner, due_on=TODAY + dt.timedelta(days=15))
    ActionItemFactory(owner=owner, due_on=TODAY - dt.timedelta(days=3), done=True)

    summary = selectors.programme_status(viewer=ministry, today=TODAY).action_items

    assert (summary.overdue_count, summary.upcoming_count) == (1, 2)
    (late,) = summary.overdue
    assert (late.title, late.owner_name, late.days_overdue) == ("Late", "Ayesha Khan", 3)


def test_last_changed_at_follows_the_newest_change(ministry):
    assert selectors.programme_status(viewer=ministry).last_changed_at is None
    item = ActionItemFactory()
    before = selectors.last_changed_at()

    item.title = "Renamed"
    item.save()

    after = selectors.last_changed_at()
    assert before is not None
    assert after > before
    assert after == item.updated_at


def test_bgi_liaison_and_anonymous_may_not_read_the_status(bgi_liaison):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        selectors.programme_status(viewer=bgi_liaison)
    with pytest.raises(PermissionDenied):
        selectors.programme_status(viewer=AnonymousUser())


def test_deadlines_cover_every_kind_in_the_window(ministry):
    """The deadlines are the reminder registry's items: all seven kinds, in the window."""
    today = timezone.localdate()
    officer = UserFactory()
    ActionItemFactory(title="Send letter", due_on=today + dt.timedelta(days=2))
    ActionItemFactory(title="Too far", due_on=today + dt.timedelta(days=30))
    mou = MouFactory(
        title="The MoU",
        signing_deadline_on=today + dt.timedelta(days=9),
        responsible_officer=officer,
    )
    ObligationFactory(mou=mou, description="Share data")
    ReviewRequestFactory(round__mou=mou, round__title="Legal review")
    trip = VisitFactory(
        title="Trip", starts_on=today + dt.timedelta(days=12), responsible_officer=officer
    )
    LogisticsTaskFactory(title="Book hotel", visit=trip, owner=officer)
    DelegationMemberFactory(visit=trip, name="Dr Ali")
    MouFactory(
        title="Old MoU",
        status="in_force",
        effective_on=today - dt.timedelta(days=700),
        expires_on=today + dt.timedelta(days=13),
        responsible_officer=officer,
    )

    rows = selectors.deadlines(viewer=ministry)

    assert {r.kind for r in rows} == {
        "action_item_due",
        "mou_obligation_due",
        "mou_review_due",
        "visit_task_due",
        "visit_visa_missing",
        "mou_signing_deadline",
        "mou_expiry",
    }
    titles = " ".join(r.title for r in rows)
    assert "Send letter" in titles
    assert "Too far" not in titles
    assert "Visa for Dr Ali — Trip" in titles
    assert rows == sorted(rows, key=lambda r: (r.due_on, r.kind, r.title))
    totals = selectors.deadline_totals(viewer=ministry)
    assert (totals.overdue, totals.upcoming) == (0, len(rows))


def test_deadlines_of_an_owner_are_what_they_are_reminded_of(ministry):
    today = timezone.localdate()
    me = UserFactory()
    ActionItemFactory(title="Mine", owner=me, due_on=today + dt.timedelta(days=1))
    ActionItemFactory(title="Theirs", due_on=today + dt.timedelta(days=1))
    visit = VisitFactory(title="Trip", starts_on=today + dt.timedelta(days=3))
    DelegationMemberFactory(visit=visit, name="Me", user=me)

    rows = selectors.deadlines(viewer=ministry, owner=me)

    assert [r.title for r in rows] == ["Mine", "Visa for Me — Trip"]


def test_only_internal_people_see_deadlines(bgi_liaison, api_client):
    today = timezone.localdate()
    visit = VisitFactory(title="Shared", shared=True, starts_on=today + dt.timedelta(days=3))
    DelegationMemberFactory(visit=visit, user=UserFactory())
    ActionItemFactory(due_on=today)

    assert selectors.deadlines(viewer=bgi_liaison) == []
    assert selectors.deadlines(viewer=api_client) == []


def test_my_mou_reviews_lists_pending_requests(nih_expert):
    ReviewRequestFactory(reviewer=nih_expert, round__title="Round A")
    ReviewRequestFactory(reviewer=nih_expert, round__title="Answered", decision="approved")

    assert [r.title for r in selectors.my_mou_reviews(viewer=nih_expert)] == ["Round A"]


def test_shared_with_bgi_shows_only_shared_records(bgi_liaison):
    VisitFactory(title="Shared visit", shared=True)
    VisitFactory(title="Internal visit")
    MouVersionFactory(number=1, shared=True)
    MouVersionFactory(number=7)

    shared = selectors.shared_with_bgi(viewer=bgi_liaison)

    assert [v.title for v in shared.visits] == ["Shared visit"]
    assert [v.number for v in shared.versions] == [1]


def test_timeline_for_bgi_holds_only_shared_things(bgi_liaison, ministry):
    VisitFactory(title="Shared visit", shared=True)
    VisitFactory(title="Internal visit")
    ActionItemFactory(title="Internal action")
    MouVersionFactory(number=3, shared=True)

    bgi_titles = [
        e.title for m in selectors.programme_timeline(viewer=bgi_liaison) for e in m.entries
    ]
    ministry_titles = [
        e.title for m in selectors.programme_timeline(viewer=ministry) for e in m.entries
    ]

    assert sorted(bgi_titles) == ["Shared visit", "Version 3 shared with BGI"]
    assert {"Shared visit", "Internal visit", "Internal action"} <= set(ministry_titles)


def test_timeline_filters_by_kind(ministry):
    VisitFactory(title="A visit")
    ActionItemFactory(title="An action")

    months = selectors.programme_timeline(viewer=ministry, kinds={"action_item"})

    assert [e.title for m in months for e in m.entries] == ["An action"]


def _count(func):
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "read",
    [
        lambda viewer: selectors.programme_status(viewer=viewer),
        lambda viewer: selectors.deadlines(viewer=viewer),
        lambda viewer: selectors.recent_activity(viewer=viewer),
        lambda viewer: selectors.programme_timeline(viewer=viewer),
    ],
    ids=["programme_status", "deadlines", "recent_activity", "timeline"],
)
def test_query_count_does_not_grow_with_the_data(ministry, read):
    build_programme(1)
    read(ministry)  # the viewer's roles are cached on the first read
    small = _count(lambda: read(ministry))

    build_programme(6)
    large = _count(lambda: read(ministry))

    assert large == small
