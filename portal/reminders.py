"""Reminders: the registry of dated things, and the pure logic of which reminder is due today.

Each app declares its kinds in `<app>/reminders.py`::

    register(ReminderKind(code="action_item_due", label=_("Action items"), find=_due_action_items))

`find(until)` returns a `DueItem` for every open thing due on or before `until` (overdue ones
included): who is responsible, who their lead is (for escalation), and the link. The engine
(`portal.notifications`) asks every kind, works out the offset that applies today for each
recipient, and claims it in the `ReminderDelivery` ledger so it is sent once.

This module imports no domain app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
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


@dataclass(frozen=True)
class ReminderKind:
    """A kind of reminder an app contributes; offsets default to the REMINDER_* settings.

    `offsets_days` are days before the due date (0 is the day itself), `overdue_every_days` the
    interval of reminders while overdue (0: none), `escalate_after_days` the days overdue after
    which the leads are told (None: never escalate this kind; left at -1, the setting applies).
    """

    code: str
    label: str | Promise
    find: Callable[[date], Iterable[DueItem]]
    description: str | Promise = ""
    offsets_days: tuple[int, ...] | None = None
    overdue_every_days: int | None = None
    escalate_after_days: int | None = field(default=-1)

    def offsets(self) -> tuple[int, ...]:
        """Days before the due date, largest first, never negative."""
        values = self.offsets_days
        if values is None:
            values = tuple(getattr(settings, "REMINDER_OFFSETS_DAYS", (7, 3, 1, 0)))
        return tuple(sorted({int(v) for v in values if int(v) >= 0}, reverse=True))

    def overdue_every(self) -> int:
        if self.overdue_every_days is not None:
            return self.overdue_every_days
        return int(getattr(settings, "REMINDER_OVERDUE_EVERY_DAYS", 3))

    def escalate_after(self) -> int | None:
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
        existing = self._kinds.get(kind.code)
        if existing is not None and existing is not kind:
            raise ImproperlyConfigured(f"Reminder kind {kind.code!r} is registered twice.")
        if kind.code == DIGEST_KIND:
            raise ImproperlyConfigured(f"{DIGEST_KIND!r} is reserved for the daily digest.")
        self._kinds[kind.code] = kind
        return kind

    def unregister(self, code: str) -> None:
        self._kinds.pop(code, None)

    def autodiscover(self) -> None:
        if self._discovered:
            return
        with self._lock:
            if not self._discovered:
                from django.utils.module_loading import autodiscover_modules

                autodiscover_modules("reminders")
                self._discovered = True

    def kinds(self) -> list[ReminderKind]:
        self.autodiscover()
        return list(self._kinds.values())

    def get(self, code: str) -> ReminderKind | None:
        self.autodiscover()
        return self._kinds.get(code)

    def choices(self) -> list[tuple[str, str]]:
        return [(kind.code, str(kind.label)) for kind in self.kinds()]


registry = ReminderRegistry()


def register(kind: ReminderKind) -> ReminderKind:
    """Declare a kind of reminder (call at import time of `<app>/reminders.py`)."""
    return registry.register(kind)
