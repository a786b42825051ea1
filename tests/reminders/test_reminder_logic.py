"""The registry and the pure offset logic (which reminder applies today)."""

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.reminders import (
    DueItem,
    ReminderKind,
    ReminderRegistry,
    applicable_offset,
    escalation_offset,
    registry,
)

DUE = date(2027, 3, 20)
DEFAULTS = {"offsets": (7, 3, 1, 0), "overdue_every": 3}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 3, 12), None),  # 8 days ahead: nothing yet
        (date(2027, 3, 13), 7),
        (date(2027, 3, 15), 7),  # 5 days ahead: still the 7-day point (caught up if missed)
        (date(2027, 3, 17), 3),
        (date(2027, 3, 18), 3),
        (date(2027, 3, 19), 1),
        (date(2027, 3, 20), 0),
        (date(2027, 3, 21), 0),  # 1 day overdue: the day-of point, if it was missed
        (date(2027, 3, 23), -3),
        (date(2027, 3, 25), -3),
        (date(2027, 3, 26), -6),
        (date(2027, 4, 19), -30),
    ],
)
def test_the_most_recent_point_reached_applies(today, expected):
    assert applicable_offset(DUE, today, **DEFAULTS) == expected


def test_no_overdue_reminders_when_the_interval_is_zero():
    assert applicable_offset(DUE, date(2027, 4, 1), offsets=(3, 0), overdue_every=0) == 0


def test_escalation_starts_after_the_threshold():
    assert escalation_offset(DUE, date(2027, 3, 26), escalate_after=7) is None
    assert escalation_offset(DUE, date(2027, 3, 27), escalate_after=7) == -7
    assert escalation_offset(DUE, date(2027, 4, 30), escalate_after=7) == -7
    assert escalation_offset(DUE, date(2027, 4, 30), escalate_after=None) is None


def test_a_kind_uses_the_settings_unless_it_overrides_them(settings):
    settings.REMINDER_OFFSETS_DAYS = (10, 2)
    settings.REMINDER_OVERDUE_EVERY_DAYS = 5
    settings.REMINDER_ESCALATE_AFTER_DAYS = 4
    plain = ReminderKind(code="x", label="X", find=lambda until: [])
    custom = ReminderKind(
        code="y",
        label="Y",
        find=lambda until: [],
        offsets_days=(30, 0),
        overdue_every_days=0,
        escalate_after_days=None,
    )

    assert (plain.offsets(), plain.overdue_every(), plain.escalate_after()) == ((10, 2), 5, 4)
    assert (custom.offsets(), custom.overdue_every(), custom.escalate_after()) == ((30, 0), 0, None)
    assert plain.horizon() == 10


def test_every_app_declares_its_kinds():
    codes = {code for code, _label in registry.choices()}

    assert codes == {
        "action_item_due",
        "visit_task_due",
        "visit_visa_missing",
        "mou_review_due",
        "mou_signing_deadline",
        "mou_obligation_due",
        "mou_expiry",
        "genebank_approval_expiring",
        "genebank_agreement_expiring",
        "genebank_milestone_due",
    }
    assert registry.get("mou_expiry").offsets()[0] == 90


def test_registering_a_second_kind_with_the_same_code_is_refused():
    fresh = ReminderRegistry()
    fresh._discovered = True
    kind = ReminderKind(code="a", label="A", find=lambda until: [])
    fresh.register(kind)
    fresh.register(kind)  # the same declaration imported twice is fine

    with pytest.raises(ImproperlyConfigured):
        fresh.register(ReminderKind(code="a", label="A again", find=lambda until: []))
    with pytest.raises(ImproperlyConfigured):
        fresh.register(ReminderKind(code="digest", label="D", find=lambda until: []))
    assert [k.code for k in fresh.kinds()] == ["a"]


def test_a_due_item_carries_what_the_engine_needs():
    item = DueItem(object_key="a.b:1", title="T", due_on=DUE, recipients=[], url="/x/")
    assert item.leads == ()
    assert item.context == ""
