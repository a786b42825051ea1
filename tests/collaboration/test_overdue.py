"""Overdue, one rule for action items: open, not archived, due before today."""

import datetime as dt

import pytest
from django.utils import timezone

from collaboration.models import ActionItem
from tests.factories import ActionItemFactory

pytestmark = pytest.mark.django_db


def test_the_row_and_the_query_agree_on_what_is_overdue():
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    late = ActionItemFactory(title="Late", due_on=yesterday)
    started = ActionItemFactory(
        title="Started", due_on=yesterday, status=ActionItem.Status.IN_PROGRESS
    )
    ActionItemFactory(title="Due today", due_on=today)
    ActionItemFactory(title="Done late", due_on=yesterday, done=True)
    ActionItemFactory(title="Archived late", due_on=yesterday, archived_at=timezone.now())

    by_row = {item.title for item in ActionItem.objects.all() if item.is_overdue}
    by_query = set(ActionItem.objects.overdue().values_list("title", flat=True))

    assert by_row == by_query == {late.title, started.title}


def test_overdue_on_a_given_day():
    item = ActionItemFactory(due_on=dt.date(2026, 5, 10))

    assert not item.is_overdue_on(dt.date(2026, 5, 10))
    assert item.is_overdue_on(dt.date(2026, 5, 11))
    assert list(ActionItem.objects.overdue(dt.date(2026, 5, 11))) == [item]
