"""Which reminders and notices a person wants by e-mail, and how often.

Reminder kinds come from `portal.reminders`; notices (families of domain events, such as "a
recommendation moved") are registered here by the events app (`register_topic`). A notice may
also be turned off entirely; a reminder may not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import NotificationPreference, ReminderDelivery, User
from ..reminders import ReminderKind
from ..reminders import registry as reminder_registry

# --- topics ---------------------------------------------------------------------------------------


class Topic(Protocol):
    """A notice people choose for, besides the reminder kinds (code, label, description)."""

    @property
    def code(self) -> str: ...
    @property
    def label(self) -> Any: ...
    @property
    def description(self) -> Any: ...


_topics: dict[str, Topic] = {}


def register_topic(topic: Topic) -> None:
    """Offer a notice on the preferences page (called from an app's `ready`)."""
    _topics[topic.code] = topic


def topic_label(code: str) -> str | None:
    """The label of a reminder kind or notice, or None if neither is known."""
    kind: ReminderKind | Topic | None = reminder_registry.get(code) or _topics.get(code)
    return str(kind.label) if kind is not None else None


# --- preferences ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreferenceRow:
    """One kind of reminder (or notice) and how the user wants it (defaults when never chosen)."""

    kind: ReminderKind | Topic
    email_enabled: bool
    frequency: str
    allows_off: bool = False


def preferences_by_user(user_ids: Iterable[int]) -> dict[tuple[int, str], NotificationPreference]:
    """The saved choices of these users, keyed by (user id, kind code) (one query)."""
    ids = set(user_ids)
    if not ids:
        return {}
    return {
        (pref.user_id, pref.kind): pref
        for pref in NotificationPreference.objects.filter(user_id__in=ids)
    }


def notice_channel(user: User, pref: NotificationPreference | None) -> str | None:
    """A notice's channel as `delivery_channel`, or None when the user turned it off."""
    if pref is not None and pref.frequency == NotificationPreference.Frequency.OFF:
        return None
    return delivery_channel(user, pref)


def delivery_channel(user: User, pref: NotificationPreference | None) -> str:
    """Portal only (no e-mail address, or e-mail off), a daily digest, or e-mail at once."""
    if not user.email or (pref is not None and not pref.email_enabled):
        return ReminderDelivery.Channel.PORTAL
    if pref is not None and pref.frequency == NotificationPreference.Frequency.DIGEST:
        return ReminderDelivery.Channel.DIGEST
    return ReminderDelivery.Channel.EMAIL


def notification_preferences_for(user: User) -> list[PreferenceRow]:
    """Every registered kind with the user's choice for it (e-mail on, immediately, by default)."""
    prefs = preferences_by_user([user.pk])
    rows = []
    kinds: list[tuple[ReminderKind | Topic, bool]] = [
        (kind, False) for kind in reminder_registry.kinds()
    ]
    kinds += [(topic, True) for topic in _topics.values()]
    for kind, allows_off in kinds:
        pref = prefs.get((user.pk, kind.code))
        rows.append(
            PreferenceRow(
                kind=kind,
                email_enabled=pref.email_enabled if pref else True,
                frequency=pref.frequency if pref else NotificationPreference.Frequency.IMMEDIATE,
                allows_off=allows_off,
            )
        )
    return rows


@transaction.atomic
def notification_preferences_update(
    *, user: User, values: Mapping[str, tuple[bool, str]], actor: User | None
) -> list[PreferenceRow]:
    """Save the user's choices: kind code → (e-mail on, "immediate", "digest" or "off").

    Only the user themselves (or the system) may change them; unknown kinds are refused, and
    only notices (not reminders) can be turned off.
    """
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied
    known = {kind.code for kind in reminder_registry.kinds()}
    frequencies = set(NotificationPreference.Frequency.values)
    for code, (email_enabled, frequency) in values.items():
        if code not in known and code not in _topics:
            raise ValidationError(
                {"kind": _("Unknown kind of reminder: %(kind)s") % {"kind": code}}
            )
        if frequency not in frequencies:
            raise ValidationError({"frequency": _("Choose immediately or a daily digest.")})
        if frequency == NotificationPreference.Frequency.OFF and code not in _topics:
            raise ValidationError({"frequency": _("Reminders cannot be turned off.")})
        NotificationPreference.objects.update_or_create(
            user=user,
            kind=code,
            defaults={"email_enabled": bool(email_enabled), "frequency": frequency},
        )
    return notification_preferences_for(user)
