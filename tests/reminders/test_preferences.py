"""The preferences service and form."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.forms import NotificationPreferencesForm
from portal.notifications import notification_preferences_for, notification_preferences_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_defaults_are_e_mail_immediately(nih_expert):
    rows = notification_preferences_for(nih_expert)
    assert len(rows) == 17  # 10 kinds of reminder and 7 notices of events
    assert {(row.email_enabled, row.frequency) for row in rows} == {(True, "immediate")}


def test_update_saves_and_reads_back(nih_expert):
    rows = notification_preferences_update(
        user=nih_expert, values={"mou_expiry": (False, "digest")}, actor=nih_expert
    )
    chosen = {row.kind.code: (row.email_enabled, row.frequency) for row in rows}
    assert chosen["mou_expiry"] == (False, "digest")
    assert chosen["action_item_due"] == (True, "immediate")
    # Saving again updates the one row.
    notification_preferences_update(
        user=nih_expert, values={"mou_expiry": (True, "immediate")}, actor=nih_expert
    )
    assert nih_expert.notification_preferences.get().email_enabled is True


def test_only_the_user_may_change_their_settings(nih_expert):
    with pytest.raises(PermissionDenied):
        notification_preferences_update(
            user=nih_expert, values={"mou_expiry": (False, "digest")}, actor=UserFactory()
        )


def test_unknown_kinds_and_frequencies_are_refused(nih_expert):
    with pytest.raises(ValidationError):
        notification_preferences_update(
            user=nih_expert, values={"nope": (True, "digest")}, actor=None
        )
    with pytest.raises(ValidationError):
        notification_preferences_update(
            user=nih_expert, values={"mou_expiry": (True, "weekly")}, actor=None
        )
    assert not nih_expert.notification_preferences.exists()


def test_the_form_has_two_labelled_fields_per_kind_and_returns_values(nih_expert):
    rows = notification_preferences_for(nih_expert)
    data = {f"{row.kind.code}__frequency": "immediate" for row in rows}
    data["mou_expiry__email"] = "on"
    data["mou_expiry__frequency"] = "digest"

    form = NotificationPreferencesForm(data, rows=rows)

    assert form.is_valid(), form.errors
    assert len(form.fields) == 34
    assert all(field.label for field in form.fields.values())
    values = form.values()
    assert values["mou_expiry"] == (True, "digest")
    assert values["action_item_due"] == (False, "immediate")
