"""Which reminders a person wants by e-mail, and how often (immediately or a daily digest)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import NotificationPreference, ReminderDelivery, User
from ..reminders import ReminderKind
from ..reminders import registry as reminder_registry

# --- preferences ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreferenceRow:
    """One kind of reminder and how the user wants it (defaults when they never chose)."""

    kind: ReminderKind
    email_enabled: bool
    frequency: str


def preferences_by_user(user_ids: Iterable[int]) -> dict[tuple[int, str], NotificationPreference]:
    """The saved choices of these users, keyed by (user id, kind code) (one query)."""
    ids = set(user_ids)
    if not ids:
        return {}
    return {
        (pref.user_id, pref.kind): pref
        for pref in NotificationPreference.objects.filter(user_id__in=ids)
    }


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
    for kind in reminder_registry.kinds():
        pref = prefs.get((user.pk, kind.code))
        rows.append(
            PreferenceRow(
                kind=kind,
                email_enabled=pref.email_enabled if pref else True,
                frequency=pref.frequency if pref else NotificationPreference.Frequency.IMMEDIATE,
            )
        )
    return rows


@transaction.atomic
def notification_preferences_update(
    *, user: User, values: Mapping[str, tuple[bool, str]], actor: User | None
) -> list[PreferenceRow]:
    """Save the user's choices: kind code → (e-mail on, "immediate" or "digest").

    Only the user themselves (or the system) may change them; unknown kinds are refused.
    """
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied
    known = {kind.code for kind in reminder_registry.kinds()}
    frequencies = set(NotificationPreference.Frequency.values)
    for code, (email_enabled, frequency) in values.items():
        if code not in known:
            raise ValidationError(
                {"kind": _("Unknown kind of reminder: %(kind)s") % {"kind": code}}
            )
        if frequency not in frequencies:
            raise ValidationError({"frequency": _("Choose immediately or a daily digest.")})
        NotificationPreference.objects.update_or_create(
            user=user,
            kind=code,
            defaults={"email_enabled": bool(email_enabled), "frequency": frequency},
        )
    return notification_preferences_for(user)
