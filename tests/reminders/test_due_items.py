"""portal.reminders.due_items: every kind's items, kept to what the viewer may see."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.reminders import DueItem, ReminderKind, due_items, due_items_for, register, registry
from tests.factories import ActionItemFactory, DelegationMemberFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_visit_without_visas():
    today = timezone.localdate()
    officer = UserFactory()
    visit = VisitFactory(
        title="Shared trip",
        shared=True,
        starts_on=today + dt.timedelta(days=4),
        responsible_officer=officer,
    )
    DelegationMemberFactory(visit=visit, name="Dr Ali")
    return today


def test_internal_people_see_a_missing_visa_and_bgi_does_not(
    ministry, bgi_liaison, shared_visit_without_visas
):
    end = shared_visit_without_visas + dt.timedelta(days=30)

    seen = [due.item.title for due in due_items(viewer=ministry, end=end)]
    assert "Visa for Dr Ali — Shared trip" in seen
    # The visit is shared with BGI, its members' papers are not.
    assert due_items(viewer=bgi_liaison, end=end) == []


def test_window_and_kinds_narrow_the_items(ministry):
    today = timezone.localdate()
    ActionItemFactory(title="Late", due_on=today - dt.timedelta(days=2))
    ActionItemFactory(title="Soon", due_on=today + dt.timedelta(days=2))
    ActionItemFactory(title="Later", due_on=today + dt.timedelta(days=20))

    end = today + dt.timedelta(days=7)
    assert [d.item.title for d in due_items(viewer=ministry, end=end)] == ["Late", "Soon"]
    assert [d.item.title for d in due_items(viewer=ministry, start=today, end=end)] == ["Soon"]
    assert due_items(viewer=ministry, end=end, kinds=["mou_expiry"]) == []
    assert {d.code for d in due_items(viewer=ministry, end=end)} == {"action_item_due"}


def test_due_items_for_a_person_are_what_they_are_responsible_for(nih_expert):
    today = timezone.localdate()
    ActionItemFactory(title="Mine", owner=nih_expert, due_on=today + dt.timedelta(days=1))
    ActionItemFactory(title="Someone else's", due_on=today + dt.timedelta(days=1))
    visit = VisitFactory(title="Trip", starts_on=today + dt.timedelta(days=3))
    DelegationMemberFactory(visit=visit, name="Me", user=nih_expert)

    mine = due_items_for(nih_expert, until=today + dt.timedelta(days=7))

    assert [(d.code, d.item.title) for d in mine] == [
        ("action_item_due", "Mine"),
        ("visit_visa_missing", "Visa for Me — Trip"),
    ]


def test_a_kind_nobody_scoped_shows_nothing(ministry):
    """A kind without `visible` whose model has no `visible_to` fails closed."""
    user = UserFactory()
    kind = ReminderKind(
        code="test_unscoped",
        label="Unscoped",
        find=lambda until: [
            DueItem(
                object_key=f"portal.user:{user.pk}",
                title="Secret",
                due_on=timezone.localdate(),
                recipients=[user],
                url="/",
            )
        ],
    )
    register(kind)
    try:
        end = timezone.localdate()
        assert due_items(viewer=ministry, end=end, kinds=["test_unscoped"]) == []
    finally:
        registry.unregister("test_unscoped")


def test_every_kind_has_a_viewer_scope():
    """Each kind declares `visible`, or its records have their own `visible_to` (action items)."""
    from collaboration.models import ActionItem

    for kind in registry.kinds():
        assert kind.visible is not None or kind.code == "action_item_due", kind.code
    assert hasattr(ActionItem.objects, "visible_to")


def test_deadlines_nobody_owns_are_still_listed_but_nobody_is_reminded(ministry):
    """A checklist task without an owner and an MoU signing deadline without an officer stay
    on the ministry's deadlines (as before the registry fed them); no reminder goes out."""
    from delegations.models import LogisticsTask
    from mou.models import Mou
    from tests.factories import MouFactory

    today = timezone.localdate()
    visit = VisitFactory(approved=True, title="Visit to Shenzhen")
    LogisticsTask.objects.create(
        visit=visit, title="Book the hotel", due_on=today + dt.timedelta(days=2)
    )
    mou = MouFactory(title="MoU with BGI Group")
    Mou.objects.filter(pk=mou.pk).update(
        signing_deadline_on=today + dt.timedelta(days=5), responsible_officer=None
    )

    listed = {
        (due.code, str(due.item.title), tuple(due.item.recipients))
        for due in due_items(viewer=ministry, end=today + dt.timedelta(days=14))
    }

    assert ("visit_task_due", "Book the hotel — Visit to Shenzhen", ()) in listed
    assert ("mou_signing_deadline", "MoU with BGI Group", ()) in listed
