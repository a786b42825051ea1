"""Reminders: the registry of dated things, and the pure logic of which reminder is due today.

Each app declares its kinds in `<app>/reminders.py`::

    register(ReminderKind(code="action_item_due", label=_("Action items"), find=_due_action_items))

`find(until)` returns a `DueItem` for every open thing due on or before `until` (overdue ones
included): who is responsible, who their lead is (for escalation), and the link. The engine
(`portal.notifications`) asks every kind, works out the offset that applies today for each
recipient, and claims it in the `ReminderDelivery` ledger so it is sent once.

Pages read the same items through `due_items(viewer=…, start=…, end=…)` (the dashboards'
deadlines, the timeline) and `due_items_for(user, …)` ("My work"): each kind's items are kept
to what the viewer may see, by the kind's `visible(viewer)` queryset, else its model's own
`visible_to(viewer)`; a kind with neither shows a viewer nothing.

This module imports no domain app.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.utils.functional import Promise

    from .models import User

DIGEST_KIND = "digest"


@dataclass(frozen=True)
class DueItem:
    """One dated thing someone must act on.

    `object_key` is "<app_label>.<model>:<pk>" (plus a suffix when one record has several dates);
    `recipients` are the people responsible; `leads` are told once it is overdue long enough.
    """

    object_key: str
    title: str
    due_on: date
    recipients: Sequence[User]
    url: str
    leads: Sequence[User] = ()
    context: str = ""
    # The day the thing is done on, when that is already known and may lie ahead (a visa to be
    # issued on a future date): until then it is still open; from then on nobody is reminded.
    done_on: date | None = None

    def is_open_on(self, today: date) -> bool:
        """Still to be done on `today` (the one rule reminders, dashboards and My work use)."""
        return self.done_on is None or self.done_on > today

    def is_overdue_on(self, today: date) -> bool:
        """Overdue: the due day has passed (the one rule every page and reminder shows)."""
        return self.due_on < today

    def days_left(self, today: date) -> int:
        """Days from `today` to the due date (negative when overdue)."""
        return (self.due_on - today).days


@dataclass(frozen=True)
class ReminderKind:
    """A kind of reminder an app contributes; offsets default to the REMINDER_* settings.

    `offsets_days` are days before the due date (0 is the day itself), `overdue_every_days` the
    interval of reminders while overdue (0: none), `escalate_after_days` the days overdue after
    which the leads are told (None: never escalate this kind; left at -1, the setting applies).
    `visible(viewer)` is the queryset of this kind's records the viewer may see (None: the
    model's own `visible_to(viewer)`).
    """

    code: str
    label: str | Promise
    find: Callable[[date], Iterable[DueItem]]
    description: str | Promise = ""
    offsets_days: tuple[int, ...] | None = None
    overdue_every_days: int | None = None
    escalate_after_days: int | None = field(default=-1)
    visible: Callable[[Any], QuerySet[Any]] | None = None

    def offsets(self) -> tuple[int, ...]:
        """Days before the due date, largest first, never negative."""
        values = self.offsets_days
        if values is None:
            values = tuple(getattr(settings, "REMINDER_OFFSETS_DAYS", (7, 3, 1, 0)))
        return tuple(sorted({int(v) for v in values if int(v) >= 0}, reverse=True))

    def overdue_every(self) -> int:
        """Days between reminders while overdue (0: none after the due date)."""
        if self.overdue_every_days is not None:
            return self.overdue_every_days
        return int(getattr(settings, "REMINDER_OVERDUE_EVERY_DAYS", 3))

    def escalate_after(self) -> int | None:
        """Days overdue after which the leads are told (None: never)."""
        if self.escalate_after_days is None:
            return None
        if self.escalate_after_days >= 0:
            return self.escalate_after_days
        value = getattr(settings, "REMINDER_ESCALATE_AFTER_DAYS", 7)
        return None if value is None else int(value)

    def horizon(self) -> int:
        """How many days ahead of today this kind looks."""
        offsets = self.offsets()
        return offsets[0] if offsets else 0


def applicable_offset(
    due_on: date, today: date, *, offsets: Sequence[int], overdue_every: int
) -> int | None:
    """The most recent reminder point that has been reached by `today`, or None if none has.

    Points are the `offsets` (days before the due date, 0 the day itself) and, while overdue,
    every `overdue_every` days after it (as negative numbers: -3, -6, …). Returning only the most
    recent point is the catch-up rule: after a day without the engine, today's point is sent, not
    a burst of stale ones.
    """
    days_left = (due_on - today).days
    before = sorted(o for o in offsets if o >= 0)
    if days_left >= 0:
        reached = [o for o in before if o >= days_left]
        return reached[0] if reached else None
    days_overdue = -days_left
    if overdue_every > 0 and days_overdue >= overdue_every:
        return -(days_overdue // overdue_every) * overdue_every
    return before[0] if before else None


def escalation_offset(due_on: date, today: date, *, escalate_after: int | None) -> int | None:
    """The offset of the one escalation to the leads, once `escalate_after` days overdue."""
    if escalate_after is None:
        return None
    if (today - due_on).days >= escalate_after:
        return -escalate_after
    return None


def object_key(instance: Any, suffix: str = "") -> str:
    """ "app_label.model:pk" for a model instance (the ledger's object column)."""
    meta = instance._meta
    key = f"{meta.app_label}.{meta.model_name}:{instance.pk}"
    return f"{key}:{suffix}" if suffix else key


class ReminderRegistry:
    """The kinds every app declared; filled lazily from `<app>/reminders.py` modules."""

    def __init__(self) -> None:
        self._kinds: dict[str, ReminderKind] = {}
        self._discovered = False
        self._lock = threading.Lock()

    def register(self, kind: ReminderKind) -> ReminderKind:
        """Add a kind; the same declaration twice is fine, two kinds with one code are not."""
        existing = self._kinds.get(kind.code)
        if existing is not None and existing is not kind:
            raise ImproperlyConfigured(f"Reminder kind {kind.code!r} is registered twice.")
        if kind.code == DIGEST_KIND:
            raise ImproperlyConfigured(f"{DIGEST_KIND!r} is reserved for the daily digest.")
        self._kinds[kind.code] = kind
        return kind

    def unregister(self, code: str) -> None:
        """Forget a kind (tests)."""
        self._kinds.pop(code, None)

    def autodiscover(self) -> None:
        """Import every installed app's `reminders` module, once."""
        if self._discovered:
            return
        with self._lock:
            if not self._discovered:
                from django.utils.module_loading import autodiscover_modules

                autodiscover_modules("reminders")
                self._discovered = True

    def kinds(self) -> list[ReminderKind]:
        """Every registered kind, in registration order."""
        self.autodiscover()
        return list(self._kinds.values())

    def get(self, code: str) -> ReminderKind | None:
        """The kind with this code, or None."""
        self.autodiscover()
        return self._kinds.get(code)

    def choices(self) -> list[tuple[str, str]]:
        """(code, label) of every kind, for a form's choices."""
        return [(kind.code, str(kind.label)) for kind in self.kinds()]


registry = ReminderRegistry()


def register(kind: ReminderKind) -> ReminderKind:
    """Declare a kind of reminder (call at import time of `<app>/reminders.py`)."""
    return registry.register(kind)


# Reading due items for a page --------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A due item and the kind it is of (what a page lists)."""

    kind: ReminderKind
    item: DueItem

    @property
    def code(self) -> str:
        """The kind's code."""
        return self.kind.code


def scope_through(queryset: QuerySet[Any], lookup: str, parents: QuerySet[Any]) -> QuerySet[Any]:
    """`queryset` kept to the rows whose `lookup` is one of `parents` (a kind's scope through
    the record it belongs to): every row when `parents` is unfiltered, none when it is empty,
    so a viewer who may see everything costs no query."""
    if parents.query.is_empty():
        return queryset.none()
    if not parents.query.has_filters():
        return queryset
    return queryset.filter(**{f"{lookup}__in": parents})


def _model_and_pk(key: str) -> tuple[str, str]:
    label, _sep, rest = key.partition(":")
    return label, rest.split(":", 1)[0]


def _visible_keys(kind: ReminderKind, viewer: Any, items: list[DueItem]) -> set[str]:
    """The object keys among `items` the viewer may see (one query per model, none if empty)."""
    by_model: dict[str, set[str]] = defaultdict(set)
    for item in items:
        label, pk = _model_and_pk(item.object_key)
        by_model[label].add(pk)
    visible: set[str] = set()
    for label, pks in by_model.items():
        if kind.visible is not None:
            queryset = kind.visible(viewer)
        else:
            manager = apps.get_model(label)._default_manager
            if not hasattr(manager, "visible_to"):
                continue  # no rule says who may see these: nobody does
            queryset = manager.visible_to(viewer)
        if queryset.query.is_empty():
            continue
        if not queryset.query.has_filters():
            visible.update(f"{label}:{pk}" for pk in pks)  # the viewer sees every one
            continue
        found = queryset.filter(pk__in=list(pks)).values_list("pk", flat=True)
        visible.update(f"{label}:{pk}" for pk in found)
    return visible


def due_items(
    *,
    viewer: Any,
    end: date,
    start: date | None = None,
    kinds: Iterable[str] | None = None,
    responsible: User | None = None,
) -> list[Due]:
    """Every open dated thing of every kind due from `start` (None: overdue ones too) through
    `end`, that the viewer may see, soonest first.

    `kinds` keeps only those codes; `responsible` only the items that person must act on (they
    are among its recipients). A fixed number of queries per kind, whatever the number of items.
    """
    wanted = None if kinds is None else set(kinds)
    today = timezone.localdate()
    rows: list[Due] = []
    for kind in registry.kinds():
        if wanted is not None and kind.code not in wanted:
            continue
        items = [
            item
            for item in kind.find(end)
            if item.due_on <= end
            and (start is None or item.due_on >= start)
            and item.is_open_on(today)
        ]
        if responsible is not None:
            items = [i for i in items if any(u.pk == responsible.pk for u in i.recipients)]
        if not items:
            continue
        visible = _visible_keys(kind, viewer, items)
        rows += [
            Due(kind, item)
            for item in items
            if "{}:{}".format(*_model_and_pk(item.object_key)) in visible
        ]
    rows.sort(key=lambda due: (due.item.due_on, due.kind.code, due.item.title))
    return rows


def due_items_for(user: User, *, until: date, start: date | None = None) -> list[Due]:
    """What `user` is responsible for ("My work"): the items of every kind naming them as a
    recipient, due from `start` (None: overdue ones too) through `until`, soonest first."""
    return due_items(viewer=user, end=until, start=start, responsible=user)
