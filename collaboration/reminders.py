"""Action items feed the reminder engine: their owners, and the NIH lead for NIH people's items."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext_lazy as _

from portal.models import Role, User
from portal.reminders import DueItem, ReminderKind, object_key, register

from .models import ActionItem


def due_action_items(until: date) -> Iterator[DueItem]:
    """Open, unarchived action items due by `until`.

    The escalation goes to the NIH lead(s) when the owner is NIH's, else to whoever assigned it.
    """
    items = list(
        ActionItem.objects.open().filter(due_on__lte=until).select_related("owner", "created_by")
    )
    if not items:
        return
    nih_people = set(
        User.objects.filter(
            groups__name__in=[Role.NIH_LEAD, Role.NIH_EXPERT], is_active=True
        ).values_list("pk", flat=True)
    )
    nih_leads = list(User.objects.filter(groups__name=Role.NIH_LEAD, is_active=True))
    for item in items:
        if item.owner_id in nih_people:
            leads = [lead for lead in nih_leads if lead.pk != item.owner_id]
        else:
            leads = [item.created_by] if item.created_by is not None else []
        yield DueItem(
            object_key=object_key(item),
            title=item.title,
            due_on=item.due_on,
            recipients=[item.owner],
            url=item.get_absolute_url(),
            leads=leads,
        )


register(
    ReminderKind(
        code="action_item_due",
        label=_("Action items"),
        description=_("Action items you own that are coming due or overdue."),
        find=due_action_items,
    )
)
